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
