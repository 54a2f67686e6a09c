import { rawArchiveKey } from '../store/dynamo-keys.ts';
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

/** What an upload that was parsed and written became. */
type VersionOutcome = Extract<IngestOutcome, { outcome: 'stored' | 'duplicate' | 'stale' }>;

/**
 * Ingests one uploaded story file in four sequential stages (issue 13): (1) the object and the key's
 * latest delete; (2) the archive copy (only when the upload has no S3 version id), the revision record, the key link and the version (a conditional
 * write with no read before it); (3) the source index, the head and the neighbours; (4) the key's status
 * and a re-read of the key's delete; then the events. Rejected files (SPEC §1 codes) and vanished objects
 * are recorded as ingest errors and not retried; any other error is thrown so the queue retries the
 * record. Every write is idempotent, so a redelivered or half-done event converges to the same state; a
 * redelivery whose status shows it finished skips the writes and only publishes again.
 */
export async function ingestUpload(event: UploadEvent, deps: IngestDeps): Promise<IngestOutcome> {
  if (!isStoryKey(event.key)) return { outcome: 'ignored', reason: 'not a story file key' };
  if (event.removed) return retractKey(event, deps);
  const order = keyEventOrder(event);
  // Stage 1: the object and the key's latest delete, together.
  const [removalBefore, object] = await Promise.all([
    deps.store.readKeyRemoval(event.key),
    deps.blobs.getObject(event.key, { versionId: event.versionId, maxBytes: MAX_STORY_BYTES }),
  ]);
  if (isLater(removalBefore, order)) return SUPERSEDED;
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
      // On a versioned bucket the upload's own version is the original (no copy: issue 14's cost);
      // without a version id (the local emulator) a content-addressed copy under _archive/.
      ...(event.versionId
        ? { rawKey: event.key, rawVersionId: event.versionId }
        : { rawKey: rawArchiveKey(document.storyId, document.contentHash) }),
    };
  } catch (error) {
    if (error instanceof StoryError) {
      // A rejected version of a versioned bucket's object is no one's original: it may expire.
      const [, outcome] = await Promise.all([
        event.versionId ? deps.blobs.markDiscarded(event.key, event.versionId) : undefined,
        reject(event, deps, error.code, error.message),
      ]);
      return outcome;
    }
    throw error;
  }
  const { storyId, version } = write.document;
  // Stage 2: the archive copy (if any), the revision record, the key link and the version, together. A delete
  // of the key that lists the links before this one exists recorded its removal first, so the re-read
  // in stage 4 sees it and retracts what this upload wrote; a write that fails fails the record.
  const [, , , result] = await Promise.all([
    write.rawVersionId === undefined
      ? deps.blobs.putObject(write.rawKey, object.bytes, 'text/plain; charset=utf-8')
      : undefined,
    deps.store.recordRevision(write),
    deps.store.linkKeyVersion(event.key, { storyId, version }),
    deps.store.putVersion(write),
  ]);
  let outcome: VersionOutcome;
  let finished = false;
  /** The sources the head this version replaced cited (their feeds change too); none when it is not head. */
  let previousSources: string[] = [];
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
    const done = result.status === 'current' ? await finishedBefore(event, order, write, deps) : null;
    if (done) {
      // A redelivery of an upload whose writes all finished (its status is written after them): skip them.
      outcome = done;
      finished = true;
      // The head it replaced is gone from the table's answers: the version below it now cited what the
      // story's source feeds listed before (rare: only a crash before publishing gets here).
      if (done.headMoved) previousSources = await sourcesBelow(storyId, version, deps);
    } else {
      // Stage 3: index items, stale index items, the head and the neighbours (for warnings), together.
      const [, , head, neighbours] = await Promise.all([
        deps.store.putSourceIndex(write),
        deps.store.removeStaleSources(write, result.staleSources),
        deps.store.moveHead(write),
        deps.store.findNeighbourVersions(storyId, version),
      ]);
      const warnings = findTimestampWarnings(write.document, neighbours);
      previousSources = head.previousSources;
      // A redelivery (`current`) of a stored upload answers what the first delivery answered.
      outcome = { outcome: 'stored', storyId, version, headMoved: head.moved, warnings };
    }
  }
  // Stage 4: the key's status, and a re-read of its latest delete: one that raced this upload may have
  // missed what it wrote, so it is retracted now (its status, ordered after this one, replaces it).
  const status = {
    etag: event.eTag ?? null,
    outcome: outcome.outcome,
    storyId,
    version,
    code: null,
    message: null,
    warnings: outcome.warnings,
    at: event.eventTime,
  };
  // The change marker goes up here too: the version, the index and the head are written by now.
  const [removal, clearedErrors] = await Promise.all([
    deps.store.readKeyRemoval(event.key),
    finished ? false : finishKey(event.key, order, deps, status),
    deps.changes?.bump(),
  ]);
  // Cleared errors change a listed answer after that bump: once more (rare: after a rejected upload).
  if (clearedErrors) await deps.changes?.bump();
  if (removal && isLater(removal, order)) {
    await retractKey({ key: event.key, eventTime: removal.at, removal }, deps);
    return SUPERSEDED;
  }
  if (outcome.outcome === 'stored') {
    // Also on a redelivery (`current`): the first delivery may have crashed before publishing, and the
    // event id repeats, so consumers drop the copy. `same_text` and `stale` changed nothing: no event.
    await deps.events?.publishChanges([versionPublishedChange(write, outcome.headMoved, previousSources)]);
  }
  return outcome;
}

/**
 * For a redelivered upload (`current`): what the first delivery answered, when it got as far as the key's
 * status (written only after every other write of the upload); null when it did not, or cannot be told.
 */
async function finishedBefore(
  event: UploadEvent,
  order: string,
  write: VersionWrite,
  deps: IngestDeps,
): Promise<VersionOutcome | null> {
  if (!deps.reader) return null;
  const { storyId, version } = write.document;
  const [status, head] = await Promise.all([
    deps.store.readIngestStatus(event.key),
    deps.reader.getHead(storyId),
  ]);
  if (status?.order !== order || status.status.outcome !== 'stored') return null;
  const headMoved = head?.revision === write.revision && head.contentHash === write.document.contentHash;
  return { outcome: 'stored', storyId, version, headMoved, warnings: status.status.warnings };
}

/** The sources the live version right below `version` cites (none without a reader or such a version). */
async function sourcesBelow(storyId: string, version: string, deps: IngestDeps): Promise<string[]> {
  const { below } = await deps.store.findNeighbourVersions(storyId, version);
  if (!below || !deps.reader) return [];
  const stored = await deps.reader.getVersion(storyId, below.version);
  return stored?.document.citations.map((citation) => citation.id) ?? [];
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
  const { written } = await deps.store.recordIngestStatus(
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
