import type { ChangePublisher } from '../events/publish-changes.ts';
import type { BlobStore } from '../store/blob-store.ts';
import type { ChangeMarker } from '../store/change-marker.ts';
import type {
  IngestStatus,
  IngestWarning,
  KeyRemoval,
  KeyVersionLink,
  StoryReader,
  StoryWriter,
} from '../store/story-store.ts';

/** One object-created (or, with `removed`, object-removed) notification, its key URL-decoded. */
export interface UploadEvent {
  key: string;
  /** True for ObjectRemoved (a delete, or a delete marker in a versioned bucket). */
  removed?: boolean | undefined;
  versionId?: string | undefined;
  /** The S3 ETag of the object version (bare, without quotes), when the event carries it. */
  eTag?: string | undefined;
  /** ISO 8601 time of the S3 event. */
  eventTime: string;
  /** S3's per-key ordering token (hex), when present. */
  sequencer?: string | undefined;
}

export type IngestOutcome =
  | {
      outcome: 'stored' | 'duplicate' | 'stale';
      storyId: string;
      version: string;
      headMoved: boolean;
      warnings: IngestWarning[];
    }
  | { outcome: 'rejected'; code: string; message: string }
  | { outcome: 'retracted'; versions: RetractedVersion[] }
  | { outcome: 'ignored'; reason: string };

/**
 * A version a delete left retracted; `storyRetracted` when no version of its story is left. `sources`
 * are the citations it had: when it was the head, their feeds drop it.
 */
export interface RetractedVersion extends KeyVersionLink {
  storyRetracted: boolean;
  sources: string[];
}

/** What an event answers when a later delete of its key decided the outcome. */
export const SUPERSEDED: IngestOutcome = {
  outcome: 'ignored',
  reason: 'a later delete of the key retracted it',
};

export interface IngestDeps {
  blobs: BlobStore;
  store: StoryWriter;
  /** Tells the world about each change once its table writes are done (SPEC §7); none: tell nobody. */
  events?: ChangePublisher;
  /**
   * Bumped once what an upload published is written (in its last stage), so the API's caches learn of it;
   * the handler bumps for every other event of a story key.
   */
  changes?: ChangeMarker;
  /** Where a retraction reads the head it left (for its events); without it no head event is sent. */
  reader?: Pick<StoryReader, 'getHead' | 'getVersion'>;
}

/**
 * The place of an event among the events of its key: S3's sequencer, upper-cased and left-padded so
 * sequencers of different lengths compare, then the event time (which alone orders events without one).
 */
export function keyEventOrder(event: { eventTime: string; sequencer?: string | undefined }): string {
  return `${(event.sequencer ?? '').toUpperCase().padStart(64, '0')}#${event.eventTime}`;
}

/** True when the recorded delete came after the event at `order`. */
export function isLater(removal: KeyRemoval | null, order: string): boolean {
  return removal !== null && removal.order > order;
}

/**
 * Ends an event of a key that was not rejected: its status first (unless a later event of the key got
 * there first), then the key's errors from earlier events. In that order a rejection racing with it
 * always sees the status or has its error cleared (see ingest-upload's `reject`). Errors are looked for
 * only when the status replaced was `rejected` (or this event's own, on a redelivery): after any other
 * status the earlier errors were cleared already, and a rejection still in flight clears its own when it
 * finds this later status. Answers whether it looked for errors (and so may have changed the list).
 */
export async function finishKey(
  key: string,
  order: string,
  deps: IngestDeps,
  status: Omit<IngestStatus, 'key'>,
): Promise<boolean> {
  const previous = await deps.store.recordIngestStatus({ key, ...status }, order);
  // A redelivery (the same order) may have crashed before clearing: clear again.
  if (previous.previousOutcome === 'rejected' || previous.previousOrder === order) {
    await deps.store.clearIngestErrors(key, order);
    return true;
  }
  return false;
}
