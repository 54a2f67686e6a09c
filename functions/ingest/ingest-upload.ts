import { rawArchiveKey } from '../store/dynamo-story-store.ts';
import type { IngestWarning, VersionWrite } from '../store/story-store.ts';
import { isStoryKey } from '../store/table-definition.ts';
import { parseStory } from '../story/parse-story.ts';
import { StoryError } from '../story/types.ts';
import { findTimestampWarnings } from './ingest-warnings.ts';
import {
  finishKey,
  type IngestDeps,
  type IngestOutcome,
  isLater,
  keyEventOrder,
  SUPERSEDED,
  type UploadEvent,
} from './key-events.ts';
import { retractKey } from './retract-key.ts';
import { versionPublishedChange } from './story-changes.ts';

/** The largest story file accepted (SPEC §1: more than 1 MiB is `too_large`). */
export const MAX_STORY_BYTES = 1_048_576;

export type { IngestDeps, IngestOutcome, UploadEvent } from './key-events.ts';

/**
 * Ingests one uploaded story file: parse, keep the original bytes under an immutable key, store the
 * version, index its sources, move the head, then record the key's status and clear its older errors.
 * Rejected files (SPEC §1 codes) and vanished objects are recorded as ingest errors and not retried;
 * any other error is thrown so the queue retries the record. Every step is idempotent, so a
 * redelivered or half-done event converges to the same state.
 */
export async function ingestUpload(event: UploadEvent, deps: IngestDeps): Promise<IngestOutcome> {
  if (!isStoryKey(event.key)) return { outcome: 'ignored', reason: 'not a story file key' };
  if (event.removed) return retractKey(event, deps);
  const order = keyEventOrder(event);
  if (isLater(await deps.store.readKeyRemoval(event.key), order)) return SUPERSEDED;
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
      sourceOrder: order,
      rawKey: rawArchiveKey(document.storyId, document.contentHash),
    };
  } catch (error) {
    if (error instanceof StoryError) return reject(event, deps, error.code, error.message);
    throw error;
  }
  await deps.blobs.putObject(write.rawKey, object.bytes, 'text/plain; charset=utf-8');
  await deps.store.recordRevision(write);
  const { storyId, version } = write.document;
  // The link comes before the version holds the key, so a racing delete of the key finds it.
  await deps.store.linkKeyVersion(event.key, { storyId, version });
  const result = await deps.store.putVersion(write);
  let outcome: IngestOutcome;
  if (result.status === 'retracted') {
    // A redelivery of an upload whose version has been retracted since: finish that retraction.
    await deps.store.settleRetractedVersion(storyId, version);
    return SUPERSEDED;
  } else if (result.status === 'stale') {
    outcome = { outcome: 'stale', storyId, version, headMoved: false, warnings: [] };
  } else if (result.status === 'same_text') {
    await deps.store.holdVersion(write, result.currentRevision ?? write.revision);
    const warnings: IngestWarning[] = [
      { code: 'same_text', message: `${storyId} ${version} already has this text; nothing was published` },
    ];
    outcome = { outcome: 'duplicate', storyId, version, headMoved: false, warnings };
  } else {
    await deps.store.putSourceIndex(write);
    await deps.store.removeStaleSources(write, result.staleSources);
    const headMoved = await deps.store.moveHead(write);
    const neighbours = await deps.store.findNeighbourVersions(storyId, version);
    const warnings = findTimestampWarnings(write.document, neighbours);
    // A redelivery (`current`) of a stored upload answers what the first delivery answered.
    outcome = { outcome: 'stored', storyId, version, headMoved, warnings };
  }
  // A delete of the key that raced this upload may have missed what it wrote: retract it now.
  const removal = await deps.store.readKeyRemoval(event.key);
  if (removal && isLater(removal, order)) {
    await retractKey({ key: event.key, eventTime: removal.at, removal }, deps);
    return SUPERSEDED;
  }
  if (outcome.outcome === 'stored') {
    // Also on a redelivery (`current`): the first delivery may have crashed before publishing, and the
    // event id repeats, so consumers drop the copy. `same_text` and `stale` changed nothing: no event.
    await deps.events?.publishChanges([versionPublishedChange(write, outcome.headMoved)]);
  }
  await finishKey(event.key, order, deps, {
    etag: event.eTag ?? null,
    outcome: outcome.outcome,
    storyId,
    version,
    code: null,
    message: null,
    warnings: outcome.warnings,
    at: event.eventTime,
  });
  return outcome;
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
  const order = keyEventOrder(event);
  await deps.store.recordIngestError({ key: event.key, code, message, at: event.eventTime }, order);
  const written = await deps.store.recordIngestStatus(
    {
      key: event.key,
      etag: event.eTag ?? null,
      outcome: 'rejected',
      storyId: null,
      version: null,
      code,
      message,
      warnings: [],
      at: event.eventTime,
    },
    order,
  );
  // A later event of the key finished first: this error is history, so it is not listed.
  if (!written) await deps.store.clearIngestErrors(event.key, order, true);
  return { outcome: 'rejected', code, message };
}
