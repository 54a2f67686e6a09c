import type { KeyRemoval } from '../store/story-store.ts';
import {
  finishKey,
  type IngestDeps,
  type IngestOutcome,
  keyEventOrder,
  type RetractedVersion,
} from './key-events.ts';
import { retractionChanges } from './story-changes.ts';

/** A delete of a bucket key: from an ObjectRemoved event, or an upload that found a later delete recorded. */
export interface KeyRemovalEvent {
  key: string;
  eventTime: string;
  sequencer?: string | undefined;
  /** The recorded delete to apply, when known (its order and time win over the event's own). */
  removal?: KeyRemoval | undefined;
}

/**
 * Retracts what a deleted key published (SPEC §6): records the delete, then for every version the key
 * uploaded a text for, lets go of it (retracting it when no other key holds its text) and settles the
 * story (source index, head, tombstones); last the key's status becomes `retracted` and its earlier
 * ingest errors go. Each step is idempotent and ordered by the delete's sequencer, so a redelivered,
 * reordered or crashed delete converges to what S3 holds last.
 */
export async function retractKey(event: KeyRemovalEvent, deps: IngestDeps): Promise<IngestOutcome> {
  const removal = event.removal ?? { order: keyEventOrder(event), at: event.eventTime };
  await deps.store.recordKeyRemoval(event.key, removal);
  const retracted: RetractedVersion[] = [];
  for (const link of await deps.store.listKeyVersions(event.key)) {
    await deps.store.releaseVersion(event.key, link, removal);
    const { state, sources } = await deps.store.settleRetractedVersion(link.storyId, link.version);
    if (state !== 'live') retracted.push({ ...link, storyRetracted: state === 'story-retracted', sources });
  }
  // Lists and feeds lose entries now, and nothing left in them dates that: the marker keeps the time.
  if (retracted.length > 0) await deps.changes?.recordRetraction();
  if (deps.events && retracted.length > 0) {
    // After the table writes, before the status: a failed publish retries the record, and a redelivered
    // delete reports the same versions retracted, so the same event ids go out again.
    await deps.events.publishChanges(await retractionChanges(retracted, removal, deps.reader));
  }
  const previous = (await deps.store.readIngestStatus(event.key))?.status;
  await finishKey(event.key, removal.order, deps, {
    etag: null,
    outcome: 'retracted',
    storyId: previous?.storyId ?? null,
    version: previous?.version ?? null,
    code: null,
    message: null,
    warnings: [],
    at: removal.at,
  });
  return { outcome: 'retracted', versions: retracted };
}
