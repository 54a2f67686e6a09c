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

/** A page request; `cursor` is the store's own opaque continuation (the HTTP layer signs it). */
export interface PageRequest {
  limit: number;
  cursor?: string | undefined;
}

export interface Page<T> {
  items: T[];
  /** Continuation for the next page, or null on the last page. */
  cursor: string | null;
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
  /** Where the original bytes are kept (content-addressed, immutable). */
  rawKey: string;
}

/** How a version write went. */
export interface VersionWriteResult {
  status: 'stored' | 'current' | 'stale';
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
  /** Moves the story's head to this version if it is the highest (or a later revision of it). */
  moveHead(write: VersionWrite): Promise<boolean>;
  /** Records a rejected upload. */
  recordIngestError(error: IngestErrorRecord): Promise<void>;
}

/** One uploaded text of a version, as recordRevision kept it. */
export interface RevisionRecord {
  contentHash: string;
  revision: string;
  rawKey: string;
  sourceKey: string;
  ingestedAt: string;
}
