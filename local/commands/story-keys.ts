import {
  GetObjectCommand,
  HeadObjectCommand,
  paginateListObjectsV2,
  type S3Client,
} from '@aws-sdk/client-s3';
import { MAX_STORY_BYTES } from '../../functions/ingest/ingest-upload.ts';
import { isStoryKey } from '../../functions/store/table-definition.ts';
import { parseStory } from '../../functions/story/parse-story.ts';
import { deriveStoryId } from '../../functions/story/story-id.ts';
import { StoryError } from '../../functions/story/types.ts';
import { compareVersions } from '../../functions/story/version.ts';
import { forEachLimited } from './for-each-limited.ts';

/** A story object in the bucket, as the pipeline reads it. */
export interface StoryObject {
  key: string;
  lastModified: Date;
  storyId: string;
  version: string;
  contentHash: string;
}

const READ_CONCURRENCY = 8;

/**
 * Every object of `bucket` that holds a version of `storyId` now: lists the bucket (paged; `_archive/`
 * and non-story keys skipped), reads each candidate and parses it with the pipeline's parser. A key
 * whose own name gives `storyId` is read at once; any other key is checked for `story-id` metadata
 * first (HeadObject), since metadata overrides the key. Files the pipeline would reject are skipped.
 */
export async function findStoryObjects(
  s3: S3Client,
  bucket: string,
  storyId: string,
): Promise<StoryObject[]> {
  const listed: { key: string; size: number }[] = [];
  for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: bucket })) {
    for (const object of page.Contents ?? []) {
      if (object.Key && isStoryKey(object.Key) && (object.Size ?? 0) <= MAX_STORY_BYTES) {
        listed.push({ key: object.Key, size: object.Size ?? 0 });
      }
    }
  }
  const found: StoryObject[] = [];
  await forEachLimited(listed, READ_CONCURRENCY, async ({ key }) => {
    if (keyStoryId(key) !== storyId && !(await hasMetadataId(s3, bucket, key, storyId))) return;
    const object = await readStoryObject(s3, bucket, key);
    if (object?.storyId === storyId) found.push(object);
  });
  return found.sort((a, b) => a.key.localeCompare(b.key));
}

/**
 * The objects a story's versions currently come from: per version, the latest upload (LastModified;
 * on a tie, each of the latest) and any other key holding the very same text. With `version`, only
 * that version (compared numerically: v0.12 = v0.12.0).
 */
export function chooseCurrentObjects(objects: StoryObject[], version?: string): StoryObject[] {
  const byVersion = new Map<string, StoryObject[]>();
  for (const object of objects) {
    if (version !== undefined && compareVersions(object.version, version) !== 0) continue;
    const same = [...byVersion.keys()].find((label) => compareVersions(label, object.version) === 0);
    byVersion.set(same ?? object.version, [...(byVersion.get(same ?? object.version) ?? []), object]);
  }
  const chosen: StoryObject[] = [];
  for (const group of byVersion.values()) {
    const latest = Math.max(...group.map((object) => object.lastModified.getTime()));
    const currentTexts = new Set(
      group.filter((object) => object.lastModified.getTime() === latest).map((object) => object.contentHash),
    );
    chosen.push(...group.filter((object) => currentTexts.has(object.contentHash)));
  }
  return chosen.sort((a, b) => compareVersions(a.version, b.version) || a.key.localeCompare(b.key));
}

/** The story id a key gives by itself (SPEC §1, without metadata); undefined when it gives none. */
function keyStoryId(key: string): string | undefined {
  try {
    return deriveStoryId({ key });
  } catch (error) {
    if (error instanceof StoryError) return undefined;
    throw error;
  }
}

async function hasMetadataId(s3: S3Client, bucket: string, key: string, storyId: string): Promise<boolean> {
  try {
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return head.Metadata?.['story-id'] === storyId;
  } catch (error) {
    if (isMissing(error)) return false;
    throw error;
  }
}

/** Reads and parses one object; undefined when it is gone or the pipeline would reject it. */
async function readStoryObject(s3: S3Client, bucket: string, key: string): Promise<StoryObject | undefined> {
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const bytes = (await object.Body?.transformToByteArray()) ?? new Uint8Array();
    const document = parseStory(bytes, { key, metadataStoryId: object.Metadata?.['story-id'] });
    return {
      key,
      lastModified: object.LastModified ?? new Date(0),
      storyId: document.storyId,
      version: document.version,
      contentHash: document.contentHash,
    };
  } catch (error) {
    if (error instanceof StoryError || isMissing(error)) return undefined;
    throw error;
  }
}

function isMissing(error: unknown): boolean {
  const name = (error as Error)?.name;
  return name === 'NoSuchKey' || name === 'NotFound';
}
