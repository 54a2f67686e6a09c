import type { Paragraph, StoryDocument } from '../story/types.ts';

/** A story's head: its highest version. `updatedAt` is that version's `publishedAt`. */
export interface StoryHead {
  storyId: string;
  title: string;
  version: string;
  updatedAt: string;
  contentHash: string;
  /** Orders uploads of the same version: the later upload wins. */
  revision: string;
  /** When the head's text was ingested (the S3 event time), ISO 8601. */
  ingestedAt: string;
}

/** One stored version of a story with its SPEC §2 document. */
export interface StoredVersion {
  storyId: string;
  version: string;
  publishedAt: string;
  contentHash: string;
  revision: string;
  ingestedAt: string;
  document: StoryDocument;
}

/** A story version that cites a source, with the paragraphs that do. */
export interface SourceCitation {
  storyId: string;
  version: string;
  title: string;
  publishedAt: string;
  /** When this version's current text was ingested, ISO 8601. */
  ingestedAt: string;
  paragraphs: Paragraph[];
}

/** A rejected upload, as `GET /ingest/errors` lists it. */
export interface IngestErrorRecord {
  key: string;
  code: string;
  message: string;
  at: string;
}

/** What became of an upload (or a delete) of a bucket key, as `GET /ingest/status` answers it. */
export type IngestStatusOutcome = 'stored' | 'duplicate' | 'stale' | 'rejected' | 'retracted';

/** Something worth telling the writer about an upload that was not rejected. */
export interface IngestWarning {
  code: 'timestamp_not_later' | 'same_text';
  message: string;
}

/** How a status write went: written or not, and the outcome of the status it replaced. */
export interface IngestStatusWrite {
  written: boolean;
  previousOutcome: IngestStatusOutcome | null;
  /** The order of the event that wrote the replaced status (null when none). */
  previousOrder: string | null;
}

/** The outcome of the latest processed event of one bucket key (SPEC §3 `/ingest/status`). */
export interface IngestStatus {
  key: string;
  /** The S3 ETag of the object version processed; null for a delete or when S3 did not send one. */
  etag: string | null;
  outcome: IngestStatusOutcome;
  storyId: string | null;
  version: string | null;
  /** For `rejected`: the SPEC §1 error code. */
  code: string | null;
  message: string | null;
  warnings: IngestWarning[];
  /** The time of the S3 event, ISO 8601. */
  at: string;
}

/** A retracted story or version: when its last key was deleted (the S3 event time), ISO 8601. */
export interface Retraction {
  retractedAt: string;
}

/** An RFC 6721 deleted entry: a retracted story (version null) or one retracted version of a story. */
export interface Tombstone {
  storyId: string;
  version: string | null;
  retractedAt: string;
}

/** The latest delete of a bucket key: its order among the key's events and its time. */
export interface KeyRemoval {
  order: string;
  at: string;
}

/** A version after a delete: still live, retracted, or retracted with the whole story (no version left). */
export type VersionState = 'live' | 'retracted' | 'story-retracted';

/** A version a bucket key uploaded a text for. */
export interface KeyVersionLink {
  storyId: string;
  version: string;
}

/** A page request; `cursor` is the store's own opaque continuation (the HTTP layer signs it). */
export interface PageRequest {
  limit: number;
  cursor?: string | undefined;
}

/** The times on the change marker: the last change of any kind, and the last retraction (null: never). */
export interface ChangeTimes {
  changedAt: string | null;
  retractedAt: string | null;
}

export interface Page<T> {
  items: T[];
  /** Continuation for the next page, or null on the last page. */
  cursor: string | null;
  /** Times of changes the items do not show (a source's feed: stories whose new head stopped citing it). */
  changedAt?: string[];
}

/**
 * Everything the API reads. Every method is a Query or GetItem/BatchGetItem (never a Scan),
 * so its cost does not grow with the table.
 */
export interface StoryReader {
  /** Story heads, newest `updatedAt` first, ties by story id. */
  listStories(page: PageRequest): Promise<Page<StoryHead>>;
  /** The head version of each story, in `listStories` order. */
  listLatestVersions(page: PageRequest): Promise<Page<StoredVersion>>;
  getHead(storyId: string): Promise<StoryHead | null>;
  /** All version labels of a story, highest first. */
  listVersionLabels(storyId: string): Promise<string[]>;
  /** Versions of one story, highest first. */
  listVersions(storyId: string, page: PageRequest): Promise<Page<StoredVersion>>;
  /** One version by label (v0.12 and v0.12.0 name the same version); null when absent. */
  getVersion(storyId: string, version: string): Promise<StoredVersion | null>;
  /** The original file text of a stored version; null when absent. */
  getRawText(storyId: string, version: string): Promise<string | null>;
  /** Every story version that cites the source, newest story version first. */
  listSourceCitations(citationId: string, page: PageRequest): Promise<Page<SourceCitation>>;
  /** The head versions whose document cites the source, newest `updatedAt` first. */
  listSourceStories(citationId: string, page: PageRequest): Promise<Page<StoredVersion>>;
  /** Rejected uploads, newest first. */
  listIngestErrors(page: PageRequest): Promise<Page<IngestErrorRecord>>;
  /** What became of the latest processed event of a bucket key; null when none was processed. */
  getIngestStatus(key: string): Promise<IngestStatus | null>;
  /**
   * Whether the version (or, without one, the whole story) is retracted; null when it is live or
   * unknown. The other methods never return retracted versions.
   */
  getRetraction(storyId: string, version?: string): Promise<Retraction | null>;
  /** Stories retracted within the last 30 days before `now` and not published again, newest first. */
  listStoryTombstones(now: Date): Promise<Tombstone[]>;
  /** Versions of a story retracted within the last 30 days before `now` and still retracted, newest first. */
  listVersionTombstones(storyId: string, now: Date): Promise<Tombstone[]>;
  /** When anything published last changed, and when versions were last retracted (the change marker's times). */
  getChangeTimes(): Promise<ChangeTimes>;
}

/** One ingested revision of a version, ready to be written. */
export interface VersionWrite {
  document: StoryDocument;
  /** Orders uploads of the same version; later uploads win (`<eventTime>#<sequencer>`). */
  revision: string;
  /** The S3 event time of the upload, ISO 8601. */
  ingestedAt: string;
  /** The bucket key the story was uploaded under. */
  sourceKey: string;
  /** The upload's place among the events of its key (see keyEventOrder). */
  sourceOrder: string;
  /**
   * Where the original bytes are kept, immutable: the upload's own key and `rawVersionId` on a
   * versioned bucket, else a content-addressed copy under the archive prefix.
   */
  rawKey: string;
  /** The S3 version id of the upload that holds the original, when the bucket is versioned. */
  rawVersionId?: string | undefined;
}

/**
 * How a version write went: `stored` (this revision is now the version's text), `current` (this very
 * revision was stored before: a redelivery), `same_text` (the version already has this text; the key
 * now holds it too), `stale` (a later revision of the version is stored), `retracted` (this very
 * revision was stored and has been retracted since: it stays retracted).
 */
export interface VersionWriteResult {
  status: 'stored' | 'current' | 'same_text' | 'stale' | 'retracted';
  /** For `same_text`: the revision of the stored text. */
  currentRevision?: string;
  /** Source ids whose index items from an older revision of this version must go. */
  staleSources: string[];
}

/**
 * Everything ingest writes. Each method is idempotent and safe to repeat after a crash;
 * called in the order recordRevision → putVersion → putSourceIndex → removeStaleSources → moveHead,
 * the state converges without transactions.
 */
export interface StoryWriter {
  /** Remembers that this text was uploaded for this version (old texts stay retrievable). */
  recordRevision(write: VersionWrite): Promise<void>;
  /** Stores the version's document unless a later revision of the same version is stored. */
  putVersion(write: VersionWrite): Promise<VersionWriteResult>;
  /** Indexes the version under each source it cites. */
  putSourceIndex(write: VersionWrite): Promise<void>;
  /** Drops index items of sources an older revision cited and this one does not. */
  removeStaleSources(write: VersionWrite, staleSources: string[]): Promise<void>;
  /**
   * Moves the story's head to this version if it is the highest (or a later revision of it). Answers
   * whether it moved and, when it did, the sources the head it replaced cited: their feeds change too.
   */
  moveHead(write: VersionWrite): Promise<HeadMove>;
  /** Records a rejected upload; `order` is the upload's place among the events of its key. */
  recordIngestError(error: IngestErrorRecord, order: string): Promise<void>;
  /** Deletes the recorded errors of `key` from events ordered before `order` (or equal, when `inclusive`). */
  clearIngestErrors(key: string, order: string, inclusive?: boolean): Promise<void>;
  /** The key's status, with the order of the event that wrote it; null when none. */
  readIngestStatus(key: string): Promise<{ status: IngestStatus; order: string } | null>;
  /**
   * Writes the key's status unless an event ordered after `order` wrote it already. Answers whether it
   * wrote it, and the outcome of the status it replaced (null when none), so the caller knows whether
   * earlier errors of the key can be listed at all (only a `rejected` status leaves some behind).
   */
  recordIngestStatus(status: IngestStatus, order: string): Promise<IngestStatusWrite>;
  /** The nearest stored versions below and above `version` (label and publishedAt), for warnings. */
  findNeighbourVersions(storyId: string, version: string): Promise<NeighbourVersions>;
  /** Records a delete of `key` unless a later one is recorded. */
  recordKeyRemoval(key: string, removal: KeyRemoval): Promise<void>;
  /** The latest recorded delete of `key`, or null. */
  readKeyRemoval(key: string): Promise<KeyRemoval | null>;
  /** Remembers that `key` uploaded a text for a version; call before putVersion. */
  linkKeyVersion(key: string, link: KeyVersionLink): Promise<void>;
  /** Every version `key` uploaded a text for. */
  listKeyVersions(key: string): Promise<KeyVersionLink[]>;
  /** For a `same_text` upload: the key holds the version's current text too. */
  holdVersion(write: VersionWrite, currentRevision: string): Promise<void>;
  /** For a delete of `key`: the key no longer holds the version; retracts it when no key does. */
  releaseVersion(key: string, link: KeyVersionLink, removal: KeyRemoval): Promise<void>;
  /**
   * Drops a retracted version's source index items and moves the head off it; no-op when live. Answers
   * the version's state and, unless live, the sources it cited (their feeds drop it if it was the head).
   */
  settleRetractedVersion(storyId: string, version: string): Promise<SettledVersion>;
}

/** What moveHead did: `previousSources` are the citations of the head it replaced (none when it did not move). */
export interface HeadMove {
  moved: boolean;
  previousSources: string[];
}

/** A version's state after settleRetractedVersion, with the sources a retracted one cited. */
export interface SettledVersion {
  state: VersionState;
  sources: string[];
}

/** The versions next to one version of a story. */
export interface NeighbourVersions {
  below: { version: string; publishedAt: string } | null;
  above: { version: string; publishedAt: string } | null;
}

/** One uploaded text of a version, as recordRevision kept it. */
export interface RevisionRecord {
  contentHash: string;
  revision: string;
  rawKey: string;
  rawVersionId?: string | undefined;
  sourceKey: string;
  ingestedAt: string;
}
