import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join, relative, resolve, sep } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { BUCKET } from '../functions/store/table-definition.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './emulators.ts';

const STORY_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** An S3 client for the local stack's s3rver (path-style, its fixed credentials). */
export function createLocalS3Client(endpoint: string): S3Client {
  return new S3Client({
    endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    forcePathStyle: true,
    // s3rver would store aws-chunked checksum bodies verbatim.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/** True when a file name has one of the story suffixes (.txt, .md). */
export function hasStorySuffix(path: string): boolean {
  const lower = path.toLowerCase();
  return BUCKET.storySuffixes.some((suffix) => lower.endsWith(suffix));
}

/** True when `id` is a valid story id (SPEC §1). */
export function isValidStoryId(id: string): boolean {
  return STORY_ID.test(id);
}

/** One file to put, with the key it goes under. */
export interface StoryFileUpload {
  path: string;
  key: string;
}

/**
 * Expands paths into the files to upload: a file is taken as given (key: its base name); a directory
 * is walked recursively for story files (key: the path inside that directory, `/`-separated). A file
 * whose path ends in `stories/<id>/<file>` keeps those three segments in its key, so that the pipeline
 * gives it the story id `storyfeed parse` gives it (SPEC §1). Hidden files and folders are skipped.
 * Throws when a path does not exist.
 */
export async function collectStoryFiles(paths: string[]): Promise<StoryFileUpload[]> {
  const uploads: StoryFileUpload[] = [];
  for (const path of paths) {
    const info = await stat(path);
    if (info.isDirectory()) {
      for (const file of await walkStoryFiles(path)) {
        uploads.push({ path: file, key: keepStoryFolder(file, relative(path, file).split(sep).join('/')) });
      }
    } else {
      uploads.push({ path, key: keepStoryFolder(path, basename(path)) });
    }
  }
  return uploads;
}

/** `key`, or `stories/<id>/<file>` when the file's path ends so and `key` does not. */
function keepStoryFolder(path: string, key: string): string {
  const folder = /(?:^|\/)(stories\/[^/]+\/[^/]+)$/;
  const fromPath = folder.exec(resolve(path).split(sep).join('/'))?.[1];
  return fromPath === undefined || folder.test(key) ? key : fromPath;
}

async function walkStoryFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await walkStoryFiles(path)));
    else if (entry.isFile() && hasStorySuffix(entry.name)) files.push(path);
  }
  return files;
}

/**
 * The bucket key for a file: `stories/<storyId>/<base name>` when a story id is given (so that
 * `v0.3.txt` of two stories never overwrite each other), else `key` unchanged.
 */
export function storyObjectKey(key: string, storyId?: string): string {
  return storyId === undefined ? key : `stories/${storyId}/${basename(key)}`;
}

/** Puts one story file into the bucket; `storyId` also goes into the `story-id` metadata. Returns its ETag. */
export async function putStoryFile(
  s3: S3Client,
  bucket: string,
  upload: StoryFileUpload,
  storyId?: string,
): Promise<string> {
  const body = await readFile(upload.path);
  const result = await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: storyObjectKey(upload.key, storyId),
      Body: body,
      ContentType: `${extname(upload.path).toLowerCase() === '.md' ? 'text/markdown' : 'text/plain'}; charset=utf-8`,
      ...(storyId === undefined ? {} : { Metadata: { 'story-id': storyId } }),
    }),
  );
  return (result.ETag ?? '').replace(/"/g, '');
}
