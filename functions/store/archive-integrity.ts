import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { hashStoryText, normaliseStoryText } from '../story/normalise-text.ts';
import type { StoryDocument } from '../story/types.ts';

/**
 * An archived object (a raw text or a stored document) that does not match the hash its version
 * item recorded at ingest: changed in the bucket after the pipeline wrote it, or unreadable. Lists
 * skip the version; its own routes answer 500 `archive_corrupt`; uploading the story again repairs it.
 */
export class ArchiveCorruptError extends Error {
  override readonly name = 'ArchiveCorruptError';
  constructor(
    readonly storyId: string,
    readonly version: string,
    readonly key: string,
    readonly reason: string,
  ) {
    super(`the archived copy of ${storyId} ${version} (${key}) failed its integrity check: ${reason}`);
  }
}

/** Where a version's archived object came from, for the error. */
export interface ArchivedVersion {
  storyId: string;
  version: string;
  contentHash: string;
}

/** `sha256:<hex>` of bytes, as the version item records a stored document's gzip. */
export function hashArchiveBytes(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/**
 * The text of an archived raw upload, checked: its normalised text must hash to the version's
 * contentHash (as parsing computed it). Throws ArchiveCorruptError otherwise.
 */
export function readArchivedRaw(bytes: Uint8Array, key: string, version: ArchivedVersion): string {
  let normalised: string;
  try {
    normalised = normaliseStoryText(bytes);
  } catch (error) {
    throw corrupt(version, key, `not a story text (${(error as Error).message})`);
  }
  if (hashStoryText(normalised) !== version.contentHash) {
    throw corrupt(
      version,
      key,
      `its text hashes to ${hashStoryText(normalised)}, not ${version.contentHash}`,
    );
  }
  return new TextDecoder().decode(bytes);
}

/**
 * A stored document read back from its gzip bytes, checked: the bytes must hash to `expectedHash`
 * when the version item recorded one (documents stored since the check exist), must unzip to JSON,
 * and the document must be of the version that points to it. Throws ArchiveCorruptError otherwise.
 */
export function readArchivedDocument(
  bytes: Uint8Array,
  key: string,
  version: ArchivedVersion,
  expectedHash: string | undefined,
): StoryDocument {
  if (expectedHash !== undefined && hashArchiveBytes(bytes) !== expectedHash) {
    throw corrupt(version, key, `its bytes hash to ${hashArchiveBytes(bytes)}, not ${expectedHash}`);
  }
  let document: StoryDocument;
  try {
    document = JSON.parse(gunzipSync(bytes).toString('utf8')) as StoryDocument;
  } catch (error) {
    throw corrupt(version, key, `not a gzip of JSON (${(error as Error).message})`);
  }
  if (
    document?.storyId !== version.storyId ||
    document.version !== version.version ||
    document.contentHash !== version.contentHash
  ) {
    throw corrupt(version, key, 'it is the document of another version');
  }
  return document;
}

/**
 * Tells the operator about a corrupt archive object: one JSON error line that is also a CloudWatch
 * embedded-metric record (metric `ArchiveCorrupt`), so it can be alarmed on without a log query.
 */
export function reportArchiveCorrupt(
  error: ArchiveCorruptError,
  write: (line: string) => void = console.error,
) {
  write(
    JSON.stringify({
      level: 'ERROR',
      message: 'archive_corrupt',
      service: process.env.POWERTOOLS_SERVICE_NAME ?? 'storyfeed',
      storyId: error.storyId,
      version: error.version,
      key: error.key,
      reason: error.reason,
      ArchiveCorrupt: 1,
      _aws: {
        Timestamp: Date.now(),
        CloudWatchMetrics: [
          {
            Namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'storyfeed',
            Dimensions: [[]],
            Metrics: [{ Name: 'ArchiveCorrupt', Unit: 'Count' }],
          },
        ],
      },
    }),
  );
}

function corrupt(version: ArchivedVersion, key: string, reason: string): ArchiveCorruptError {
  return new ArchiveCorruptError(version.storyId, version.version, key, reason);
}
