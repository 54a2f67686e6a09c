/** The table's keys and the small helpers the story reader and writer share (layout: table-definition.ts). */
import { createHash } from 'node:crypto';
import { BUCKET } from './table-definition.ts';

/** Documents whose gzip is larger than this go to the bucket instead of the item (items max 400 KB). */
export const INLINE_DOCUMENT_LIMIT = 300_000;
export const HEAD_SK = 'HEAD';
export const STORIES_PK = 'STORIES';
export const ERRORS_PK = 'ERRORS';

/** Partition and sort keys of the story, version, revision and source-index items. */
export const storyPk = (storyId: string) => `STORY#${storyId}`;
export const versionSk = (versionKey: string) => `V#${versionKey}`;
export const revisionSk = (versionKey: string, contentHash: string) => `R#${versionKey}#${contentHash}`;
export const sourcePk = (citationId: string) => `SOURCE#${citationId}`;
export const sourceSk = (storyId: string, versionKey: string) => `${storyId}#${versionKey}`;

/** DynamoDB's limit on a sort key, in bytes of UTF-8. */
const SORT_KEY_MAX_BYTES = 1024;

/**
 * `<time>#<key>`, or `<time>#sha256:<hex of the key>` when that would pass DynamoDB's 1,024-byte
 * sort key limit (S3 keys may be 1,024 bytes themselves); the item keeps the whole key in `key`.
 */
export function ingestErrorSk(at: string, key: string): string {
  const plain = `${at}#${key}`;
  if (Buffer.byteLength(plain, 'utf8') <= SORT_KEY_MAX_BYTES) return plain;
  return `${at}#sha256:${createHash('sha256').update(key, 'utf8').digest('hex')}`;
}

/** A cursor the store cannot read. The HTTP layer turns it into a 400. */
export class InvalidCursorError extends Error {
  override readonly name = 'InvalidCursorError';
}

/** Hex digest of a `sha256:<hex>` content hash. */
export function hashHex(contentHash: string): string {
  return contentHash.replace(/^sha256:/, '');
}

/** The immutable bucket key of an upload's original bytes. */
export function rawArchiveKey(storyId: string, contentHash: string): string {
  return `${BUCKET.archivePrefix}${storyId}/${hashHex(contentHash)}.raw`;
}

/** The immutable bucket key of a stored document too large for its item. */
export function documentArchiveKey(storyId: string, contentHash: string): string {
  return `${BUCKET.archivePrefix}${storyId}/${hashHex(contentHash)}.doc.json.gz`;
}

/** A table item as the document client reads and writes it. */
export type Item = Record<string, unknown>;

/** True for DynamoDB's refusal of a conditional write. */
export function isConditionFailure(error: unknown): boolean {
  return (error as Error)?.name === 'ConditionalCheckFailedException';
}

/** A page cursor: the last evaluated key as base64url JSON (null at the last page). */
export function encodeCursor(key: Record<string, unknown> | undefined): string | null {
  return key ? Buffer.from(JSON.stringify(key)).toString('base64url') : null;
}

/** The key a cursor names; InvalidCursorError when it is not one encodeCursor wrote. */
export function decodeCursor(cursor: string | undefined): Record<string, unknown> | undefined {
  if (cursor === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through to the error below
  }
  throw new InvalidCursorError('cursor is not readable');
}

/** The strings of a list attribute (anything else: none). */
export function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((entry): entry is string => typeof entry === 'string') : [];
}
