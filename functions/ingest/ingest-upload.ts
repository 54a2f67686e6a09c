import type { BlobStore } from '../store/blob-store.ts';
import { rawArchiveKey } from '../store/dynamo-story-store.ts';
import type { StoryWriter, VersionWrite } from '../store/story-store.ts';
import { isStoryKey } from '../store/table-definition.ts';
import { parseStory } from '../story/parse-story.ts';
import { StoryError } from '../story/types.ts';

/** The largest story file accepted (SPEC §1: more than 1 MiB is `too_large`). */
export const MAX_STORY_BYTES = 1_048_576;

/** One object-created notification, with its key already URL-decoded. */
export interface UploadEvent {
  key: string;
  versionId?: string | undefined;
  /** ISO 8601 time of the S3 event. */
  eventTime: string;
  /** S3's per-key ordering token (hex), when present. */
  sequencer?: string | undefined;
}

export type IngestOutcome =
  | { outcome: 'stored' | 'duplicate' | 'stale'; storyId: string; version: string; headMoved: boolean }
  | { outcome: 'rejected'; code: string; message: string }
  | { outcome: 'ignored'; reason: string };

export interface IngestDeps {
  blobs: BlobStore;
  store: StoryWriter;
}

/**
 * Ingests one uploaded story file: parse, keep the original bytes under an immutable key, store the
 * version, index its sources, move the head. Rejected files (SPEC §1 codes) and vanished objects are
 * recorded as ingest errors and not retried; any other error is thrown so the queue retries the record.
 * Every step is idempotent, so a redelivered or half-done event converges to the same state.
 */
export async function ingestUpload(event: UploadEvent, deps: IngestDeps): Promise<IngestOutcome> {
  if (!isStoryKey(event.key)) return { outcome: 'ignored', reason: 'not a story file key' };
  const object = await deps.blobs.getObject(event.key, {
    versionId: event.versionId,
    maxBytes: MAX_STORY_BYTES,
  });
  if (!object) {
    return reject(event, deps, 'object_missing', `the object ${event.key} no longer exists in the bucket`);
  }
  let write: VersionWrite;
  try {
    if (object.contentLength > MAX_STORY_BYTES) {
      throw new StoryError(
        'too_large',
        `the file is ${object.contentLength} bytes; a story file may be at most ${MAX_STORY_BYTES} bytes (1 MiB)`,
      );
    }
    const document = parseStory(object.bytes, {
      key: event.key,
      metadataStoryId: object.metadata['story-id'],
    });
    write = {
      document,
      revision: revisionOf(event),
      ingestedAt: event.eventTime,
      sourceKey: event.key,
      rawKey: rawArchiveKey(document.storyId, document.contentHash),
    };
  } catch (error) {
    if (error instanceof StoryError) return reject(event, deps, error.code, error.message);
    throw error;
  }
  await deps.blobs.putObject(write.rawKey, object.bytes, 'text/plain; charset=utf-8');
  await deps.store.recordRevision(write);
  const result = await deps.store.putVersion(write);
  const { storyId, version } = write.document;
  if (result.status === 'stale') return { outcome: 'stale', storyId, version, headMoved: false };
  await deps.store.putSourceIndex(write);
  await deps.store.removeStaleSources(write, result.staleSources);
  const headMoved = await deps.store.moveHead(write);
  return { outcome: result.status === 'stored' ? 'stored' : 'duplicate', storyId, version, headMoved };
}

/** `<eventTime>#<sequencer>`: later uploads of the same key sort later (sequencers compare once left-padded). */
export function revisionOf(event: UploadEvent): string {
  return `${event.eventTime}#${(event.sequencer ?? '').padStart(32, '0')}`;
}

async function reject(
  event: UploadEvent,
  deps: IngestDeps,
  code: string,
  message: string,
): Promise<IngestOutcome> {
  await deps.store.recordIngestError({ key: event.key, code, message, at: event.eventTime });
  return { outcome: 'rejected', code, message };
}
