import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Paragraph, StoryDocument } from '../story/types.ts';
import { versionSortKey } from '../story/version.ts';
import {
  ArchiveCorruptError,
  hashArchiveBytes,
  readArchivedDocument,
  readArchivedRaw,
  reportArchiveCorrupt,
} from './archive-integrity.ts';
import type { BlobStore } from './blob-store.ts';
import { batchGetItems, buildHeadItem } from './dynamo-items.ts';
import {
  deleteKeyErrors,
  keyHash,
  readKeyStatus,
  readNeighbourVersions,
  writeErrorReference,
  writeKeyStatus,
} from './dynamo-key-items.ts';
import {
  holdVersion,
  readKeyLinks,
  readKeyRemoval,
  readRetraction,
  readStoryTombstones,
  readVersionTombstones,
  releaseVersion,
  settleRetractedVersion,
  writeKeyLink,
  writeKeyRemoval,
} from './dynamo-retraction.ts';
import type {
  IngestErrorRecord,
  IngestStatus,
  IngestStatusWrite,
  KeyRemoval,
  KeyVersionLink,
  NeighbourVersions,
  Page,
  PageRequest,
  Retraction,
  RevisionRecord,
  SourceCitation,
  StoredVersion,
  StoryHead,
  StoryReader,
  StoryWriter,
  Tombstone,
  VersionState,
  VersionWrite,
  VersionWriteResult,
} from './story-store.ts';
import { BUCKET, TABLE } from './table-definition.ts';

/** Documents whose gzip is larger than this go to the bucket instead of the item (items max 400 KB). */
const INLINE_DOCUMENT_LIMIT = 300_000;
const HEAD_SK = 'HEAD';
const STORIES_PK = 'STORIES';
const ERRORS_PK = 'ERRORS';

const storyPk = (storyId: string) => `STORY#${storyId}`;
const versionSk = (versionKey: string) => `V#${versionKey}`;
const revisionSk = (versionKey: string, contentHash: string) => `R#${versionKey}#${contentHash}`;
const sourcePk = (citationId: string) => `SOURCE#${citationId}`;
const sourceSk = (storyId: string, versionKey: string) => `${storyId}#${versionKey}`;

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

export { invertedTimeKey } from './dynamo-items.ts';

/** Hex digest of a `sha256:<hex>` content hash. */
export function hashHex(contentHash: string): string {
  return contentHash.replace(/^sha256:/, '');
}

/** The immutable bucket key of an upload's original bytes. */
export function rawArchiveKey(storyId: string, contentHash: string): string {
  return `${BUCKET.archivePrefix}${storyId}/${hashHex(contentHash)}.raw`;
}

function documentArchiveKey(storyId: string, contentHash: string): string {
  return `${BUCKET.archivePrefix}${storyId}/${hashHex(contentHash)}.doc.json.gz`;
}

type Item = Record<string, unknown>;

function isConditionFailure(error: unknown): boolean {
  return (error as Error)?.name === 'ConditionalCheckFailedException';
}

function encodeCursor(key: Record<string, unknown> | undefined): string | null {
  return key ? Buffer.from(JSON.stringify(key)).toString('base64url') : null;
}

function decodeCursor(cursor: string | undefined): Record<string, unknown> | undefined {
  if (cursor === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through to the error below
  }
  throw new InvalidCursorError('cursor is not readable');
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((entry): entry is string => typeof entry === 'string') : [];
}

/**
 * The StoryReader and StoryWriter on one DynamoDB table (layout in table-definition.ts), with large
 * documents and raw texts in the bucket. The same adapter runs on AWS, in `npm start` and in the tests.
 */
export class DynamoStoryStore implements StoryReader, StoryWriter {
  constructor(
    readonly dynamo: DynamoDBDocumentClient,
    readonly tableName: string,
    private readonly blobs: BlobStore,
  ) {}

  // ---- writes -------------------------------------------------------------------------------

  /** Remembers the upload's text under its version (idempotent). */
  async recordRevision(write: VersionWrite): Promise<void> {
    const { document } = write;
    await this.dynamo.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: storyPk(document.storyId),
          sk: revisionSk(versionSortKey(document.version), hashHex(document.contentHash)),
          type: 'revision',
          version: document.version,
          contentHash: document.contentHash,
          revision: write.revision,
          rawKey: write.rawKey,
          ...(write.rawVersionId === undefined ? {} : { rawVersionId: write.rawVersionId }),
          sourceKey: write.sourceKey,
          ingestedAt: write.ingestedAt,
        },
      }),
    );
  }

  /**
   * Replaces the version item with optimistic locking on its revision, so a later revision is never
   * overwritten and index items the replaced revision needed are carried as `staleSources` until removed.
   */
  async putVersion(write: VersionWrite): Promise<VersionWriteResult> {
    const { document } = write;
    const key = { pk: storyPk(document.storyId), sk: versionSk(versionSortKey(document.version)) };
    const sources = document.citations.map((citation) => citation.id);
    const stored = await this.storeDocument(document);
    // The first try writes as for a new version, with no read before it (the common case: one call);
    // only when that is refused because the item exists is it read, and the write decided again.
    let firstTry = true;
    for (;;) {
      const existing = firstTry
        ? undefined
        : (
            await this.dynamo.send(
              new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
            )
          ).Item;
      firstTry = false;
      const existingRevision = typeof existing?.revision === 'string' ? existing.revision : undefined;
      if (existingRevision !== undefined && existingRevision > write.revision) {
        return { status: 'stale', staleSources: [] };
      }
      const retracted = existing?.retractedAt !== undefined;
      if (existingRevision === write.revision) {
        return {
          status: retracted ? 'retracted' : 'current',
          staleSources: stringList(existing?.staleSources),
        };
      }
      if (!retracted && existingRevision !== undefined && existing?.contentHash === document.contentHash) {
        return { status: 'same_text', staleSources: [], currentRevision: existingRevision };
      }
      const replaced = stringList(existing?.sources).filter((id) => !sources.includes(id));
      const staleSources = [...new Set([...stringList(existing?.staleSources), ...replaced])];
      try {
        await this.dynamo.send(
          new PutCommand({
            TableName: this.tableName,
            Item: {
              ...key,
              type: 'version',
              storyId: document.storyId,
              version: document.version,
              versionKey: versionSortKey(document.version),
              title: document.title,
              publishedAt: document.publishedAt,
              contentHash: document.contentHash,
              revision: write.revision,
              ingestedAt: write.ingestedAt,
              sourceKey: write.sourceKey,
              rawKey: write.rawKey,
              ...(write.rawVersionId === undefined ? {} : { rawVersionId: write.rawVersionId }),
              sources,
              // The keys whose objects hold this text, each with its upload's order (see dynamo-retraction.ts).
              keys: { [keyHash(write.sourceKey)]: write.sourceOrder },
              ...(staleSources.length > 0 ? { staleSources } : {}),
              ...stored,
            },
            ConditionExpression:
              existingRevision === undefined ? 'attribute_not_exists(pk)' : '#revision = :expected',
            ExpressionAttributeNames:
              existingRevision === undefined ? undefined : { '#revision': 'revision' },
            ExpressionAttributeValues:
              existingRevision === undefined ? undefined : { ':expected': existingRevision },
          }),
        );
        return { status: 'stored', staleSources };
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        // The version exists, or another revision was written meanwhile: read it and decide again.
      }
    }
  }

  /**
   * Writes one index item per cited source, unless a later revision already wrote it. The item holds
   * keys and the indexes of the citing paragraphs, not their text (under 1 KB: one write unit each);
   * `listSourceCitations` reads the paragraphs from the version document.
   */
  async putSourceIndex(write: VersionWrite): Promise<void> {
    const { document } = write;
    const versionKey = versionSortKey(document.version);
    await Promise.all(
      document.citations.map(async (citation) => {
        const paragraphIndexes = document.paragraphs
          .filter((paragraph) => paragraph.citations.includes(citation.id))
          .map((paragraph) => paragraph.index);
        try {
          await this.dynamo.send(
            new PutCommand({
              TableName: this.tableName,
              Item: {
                pk: sourcePk(citation.id),
                sk: sourceSk(document.storyId, versionKey),
                type: 'citation',
                storyId: document.storyId,
                version: document.version,
                versionKey,
                title: document.title,
                publishedAt: document.publishedAt,
                contentHash: document.contentHash,
                revision: write.revision,
                ingestedAt: write.ingestedAt,
                paragraphIndexes,
              },
              ConditionExpression: 'attribute_not_exists(pk) OR #revision <= :revision',
              ExpressionAttributeNames: { '#revision': 'revision' },
              ExpressionAttributeValues: { ':revision': write.revision },
            }),
          );
        } catch (error) {
          if (!isConditionFailure(error)) throw error;
        }
      }),
    );
  }

  /** Deletes index items an older revision left behind, then clears the pending list. */
  async removeStaleSources(write: VersionWrite, staleSources: string[]): Promise<void> {
    if (staleSources.length === 0) return;
    const { document } = write;
    const versionKey = versionSortKey(document.version);
    await Promise.all(
      staleSources.map(async (citationId) => {
        try {
          await this.dynamo.send(
            new DeleteCommand({
              TableName: this.tableName,
              Key: { pk: sourcePk(citationId), sk: sourceSk(document.storyId, versionKey) },
              ConditionExpression: '#revision < :revision',
              ExpressionAttributeNames: { '#revision': 'revision' },
              ExpressionAttributeValues: { ':revision': write.revision },
            }),
          );
        } catch (error) {
          if (!isConditionFailure(error)) throw error;
        }
      }),
    );
    try {
      await this.dynamo.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: storyPk(document.storyId), sk: versionSk(versionKey) },
          UpdateExpression: 'REMOVE staleSources',
          ConditionExpression: '#revision = :revision',
          ExpressionAttributeNames: { '#revision': 'revision' },
          ExpressionAttributeValues: { ':revision': write.revision },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  /** Conditionally points the head at this version; false when a higher version (or later revision) is head. */
  async moveHead(write: VersionWrite): Promise<boolean> {
    const { document } = write;
    const versionKey = versionSortKey(document.version);
    try {
      await this.dynamo.send(
        new PutCommand({
          TableName: this.tableName,
          Item: buildHeadItem({
            storyId: document.storyId,
            title: document.title,
            version: document.version,
            versionKey,
            publishedAt: document.publishedAt,
            contentHash: document.contentHash,
            revision: write.revision,
            ingestedAt: write.ingestedAt,
          }),
          ConditionExpression:
            'attribute_not_exists(pk) OR versionKey < :versionKey OR (versionKey = :versionKey AND #revision <= :revision)',
          ExpressionAttributeNames: { '#revision': 'revision' },
          ExpressionAttributeValues: { ':versionKey': versionKey, ':revision': write.revision },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** Records a rejected upload (and, first, where to find it by key); the same event twice is one item. */
  async recordIngestError(error: IngestErrorRecord, order: string): Promise<void> {
    const errorKey = { pk: ERRORS_PK, sk: ingestErrorSk(error.at, error.key) };
    await writeErrorReference(this.dynamo, this.tableName, error.key, order, errorKey);
    await this.dynamo.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...errorKey, type: 'ingest-error', ...error },
      }),
    );
  }

  /** Deletes the errors of `key` recorded by events ordered before `order` (or at it, when inclusive). */
  clearIngestErrors(key: string, order: string, inclusive = false): Promise<void> {
    return deleteKeyErrors(this.dynamo, this.tableName, key, order, inclusive);
  }

  /** The key's status with the order of the event that wrote it, or null. */
  readIngestStatus(key: string): Promise<{ status: IngestStatus; order: string } | null> {
    return readKeyStatus(this.dynamo, this.tableName, key);
  }

  /** Writes the key's status unless a later-ordered event already did. */
  recordIngestStatus(status: IngestStatus, order: string): Promise<IngestStatusWrite> {
    return writeKeyStatus(this.dynamo, this.tableName, status, order);
  }

  /** The nearest live versions below and above `version`. */
  findNeighbourVersions(storyId: string, version: string): Promise<NeighbourVersions> {
    return readNeighbourVersions(this.dynamo, this.tableName, storyId, version);
  }

  /** Records a delete of the key unless a later one is recorded. */
  recordKeyRemoval(key: string, removal: KeyRemoval): Promise<void> {
    return writeKeyRemoval(this, key, removal);
  }

  /** The latest recorded delete of the key, or null. */
  readKeyRemoval(key: string): Promise<KeyRemoval | null> {
    return readKeyRemoval(this, key);
  }

  /** Remembers that the key uploaded a text for the version. */
  linkKeyVersion(key: string, link: KeyVersionLink): Promise<void> {
    return writeKeyLink(this, key, link);
  }

  /** Every version the key uploaded a text for. */
  listKeyVersions(key: string): Promise<KeyVersionLink[]> {
    return readKeyLinks(this, key);
  }

  /** The upload's key holds the version's current text too (a same_text upload). */
  holdVersion(write: VersionWrite, currentRevision: string): Promise<void> {
    return holdVersion(this, write.sourceKey, {
      storyId: write.document.storyId,
      version: write.document.version,
      revision: currentRevision,
      order: write.sourceOrder,
    });
  }

  /** The deleted key no longer holds the version; retracts it when no key does. */
  releaseVersion(key: string, link: KeyVersionLink, removal: KeyRemoval): Promise<void> {
    return releaseVersion(this, key, link, removal);
  }

  /** Drops a retracted version's source index items and moves the head off it. */
  settleRetractedVersion(storyId: string, version: string): Promise<VersionState> {
    return settleRetractedVersion(this, storyId, version);
  }

  private async storeDocument(document: StoryDocument): Promise<Item> {
    const compressed = gzipSync(JSON.stringify(document));
    if (compressed.byteLength <= INLINE_DOCUMENT_LIMIT) return { documentGz: compressed };
    const documentKey = documentArchiveKey(document.storyId, document.contentHash);
    await this.blobs.putObject(documentKey, compressed, 'application/gzip');
    // The bucket is writable by uploaders: the hash lets reads tell a tampered document (archive-integrity.ts).
    return { documentKey, documentHash: hashArchiveBytes(compressed) };
  }

  // ---- reads --------------------------------------------------------------------------------

  /** Story heads, newest first, ties by story id. */
  async listStories(page: PageRequest): Promise<Page<StoryHead>> {
    const result = await this.queryPage(
      {
        IndexName: TABLE.indexes.byUpdated.name,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': TABLE.indexes.byUpdated.partitionKey },
        ExpressionAttributeValues: { ':pk': STORIES_PK },
      },
      page,
    );
    return { items: result.items.map(toHead), cursor: result.cursor };
  }

  /** The head version document of each story, newest first. */
  async listLatestVersions(page: PageRequest): Promise<Page<StoredVersion>> {
    const heads = await this.listStories(page);
    const versions = await this.getVersionItems(
      heads.items.map((head) => ({ pk: storyPk(head.storyId), sk: versionSk(versionSortKey(head.version)) })),
    );
    return { items: await this.toStoredVersions(versions), cursor: heads.cursor };
  }

  /** One story's head, or null. */
  async getHead(storyId: string): Promise<StoryHead | null> {
    const { Item } = await this.dynamo.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: storyPk(storyId), sk: HEAD_SK } }),
    );
    return Item ? toHead(Item) : null;
  }

  /** Every version label of a story, highest first. */
  async listVersionLabels(storyId: string): Promise<string[]> {
    const labels: string[] = [];
    let cursor: string | undefined;
    do {
      const result = await this.queryPage(
        {
          ...versionQuery(storyId),
          ProjectionExpression: 'version',
        },
        { limit: 1000, cursor },
      );
      labels.push(...result.items.map((item) => String(item.version)));
      cursor = result.cursor ?? undefined;
    } while (cursor);
    return labels;
  }

  /** A story's versions, highest first. */
  async listVersions(storyId: string, page: PageRequest): Promise<Page<StoredVersion>> {
    const result = await this.queryPage(versionQuery(storyId), page);
    return { items: await this.toStoredVersions(result.items), cursor: result.cursor };
  }

  /** One version, or null. */
  async getVersion(storyId: string, version: string): Promise<StoredVersion | null> {
    const { Item } = await this.dynamo.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: storyPk(storyId), sk: versionSk(versionSortKey(version)) },
      }),
    );
    if (!Item || Item.retractedAt !== undefined) return null;
    const [stored] = await this.toStoredVersions([Item], 'throw');
    return stored ?? null;
  }

  /** The original text of a version's current revision, or null. */
  async getRawText(storyId: string, version: string): Promise<string | null> {
    const { Item } = await this.dynamo.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: storyPk(storyId), sk: versionSk(versionSortKey(version)) },
        ProjectionExpression: 'rawKey, rawVersionId, contentHash, retractedAt',
      }),
    );
    if (typeof Item?.rawKey !== 'string' || Item.retractedAt !== undefined) return null;
    const versionId = typeof Item.rawVersionId === 'string' ? Item.rawVersionId : undefined;
    const object = await this.blobs.getObject(Item.rawKey, { versionId });
    if (!object) return null;
    try {
      return readArchivedRaw(object.bytes, Item.rawKey, {
        storyId,
        version,
        contentHash: String(Item.contentHash),
      });
    } catch (error) {
      if (error instanceof ArchiveCorruptError) reportArchiveCorrupt(error);
      throw error;
    }
  }

  /** Every text ever uploaded for a version, newest revision first. */
  async listRevisions(storyId: string, version: string): Promise<RevisionRecord[]> {
    const { Items = [] } = await this.dynamo.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': storyPk(storyId), ':prefix': `R#${versionSortKey(version)}#` },
      }),
    );
    return Items.map((item) => ({
      contentHash: String(item.contentHash),
      revision: String(item.revision),
      rawKey: String(item.rawKey),
      ...(typeof item.rawVersionId === 'string' ? { rawVersionId: item.rawVersionId } : {}),
      sourceKey: String(item.sourceKey),
      ingestedAt: String(item.ingestedAt),
    })).sort((a, b) => (a.revision < b.revision ? 1 : -1));
  }

  /** Story versions citing a source, grouped by story, highest version first. */
  async listSourceCitations(citationId: string, page: PageRequest): Promise<Page<SourceCitation>> {
    const result = await this.queryPage(
      {
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': sourcePk(citationId) },
        ScanIndexForward: false,
      },
      page,
    );
    const items = await Promise.all(
      result.items.map(async (item): Promise<SourceCitation> => {
        const paragraphs = Array.isArray(item.paragraphs)
          ? (item.paragraphs as Paragraph[])
          : await this.readParagraphs(String(item.storyId), String(item.version), item.paragraphIndexes);
        return {
          storyId: String(item.storyId),
          version: String(item.version),
          title: String(item.title),
          publishedAt: String(item.publishedAt),
          ingestedAt: String(item.ingestedAt),
          paragraphs,
        };
      }),
    );
    return { items, cursor: result.cursor };
  }

  /**
   * Head versions that cite a source, newest first. Reads the source's index partition (its size is
   * the number of versions citing it, not the table) and keeps the entries that are their story's head.
   */
  async listSourceStories(citationId: string, page: PageRequest): Promise<Page<StoredVersion>> {
    const offset = page.cursor === undefined ? 0 : readOffset(decodeCursor(page.cursor));
    const entries: Item[] = [];
    let cursor: string | undefined;
    do {
      const result = await this.queryPage(
        {
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': sourcePk(citationId) },
          ProjectionExpression: 'storyId, versionKey',
        },
        { limit: 1000, cursor },
      );
      entries.push(...result.items);
      cursor = result.cursor ?? undefined;
    } while (cursor);
    const storyIds = [...new Set(entries.map((entry) => String(entry.storyId)))];
    const heads = await this.batchGet(storyIds.map((storyId) => ({ pk: storyPk(storyId), sk: HEAD_SK })));
    const citing = heads
      .filter((head) =>
        entries.some((entry) => entry.storyId === head.storyId && entry.versionKey === head.versionKey),
      )
      .sort((a, b) => (String(a.gsi1sk) < String(b.gsi1sk) ? -1 : 1));
    const pageHeads = citing.slice(offset, offset + page.limit);
    const versions = await this.getVersionItems(
      pageHeads.map((head) => ({
        pk: storyPk(String(head.storyId)),
        sk: versionSk(String(head.versionKey)),
      })),
    );
    const nextOffset = offset + page.limit;
    return {
      items: await this.toStoredVersions(versions),
      cursor: nextOffset < citing.length ? encodeCursor({ offset: nextOffset }) : null,
    };
  }

  /** Rejected uploads, newest first. */
  async listIngestErrors(page: PageRequest): Promise<Page<IngestErrorRecord>> {
    const result = await this.queryPage(
      {
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': ERRORS_PK },
        ScanIndexForward: false,
      },
      page,
    );
    return {
      items: result.items.map((item) => ({
        key: String(item.key),
        code: String(item.code),
        message: String(item.message),
        at: String(item.at),
      })),
      cursor: result.cursor,
    };
  }

  /** What became of the latest processed event of a key, or null. */
  async getIngestStatus(key: string): Promise<IngestStatus | null> {
    return (await readKeyStatus(this.dynamo, this.tableName, key))?.status ?? null;
  }

  /** Whether a version (or the whole story) is retracted. */
  getRetraction(storyId: string, version?: string): Promise<Retraction | null> {
    return readRetraction(this, storyId, version);
  }

  /** Stories retracted within the last 30 days and not published again. */
  listStoryTombstones(now: Date): Promise<Tombstone[]> {
    return readStoryTombstones(this, now);
  }

  /** Versions of a story retracted within the last 30 days and still retracted. */
  listVersionTombstones(storyId: string, now: Date): Promise<Tombstone[]> {
    return readVersionTombstones(this, storyId, now);
  }

  private async queryPage(
    input: Omit<QueryCommandInput, 'TableName'>,
    page: PageRequest,
  ): Promise<{ items: Item[]; cursor: string | null }> {
    const items: Item[] = [];
    let startKey = decodeCursor(page.cursor);
    // A Query may return fewer items than asked (1 MB pages): keep reading until the page is full.
    do {
      const result = await this.dynamo.send(
        new QueryCommand({
          ...input,
          TableName: this.tableName,
          Limit: page.limit - items.length,
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...(result.Items ?? []));
      startKey = result.LastEvaluatedKey;
    } while (startKey && items.length < page.limit);
    return { items, cursor: encodeCursor(startKey) };
  }

  private batchGet(keys: { pk: string; sk: string }[]): Promise<Item[]> {
    return batchGetItems(this.dynamo, this.tableName, keys);
  }

  /** Version items for the keys, in the keys' order (BatchGet answers in any order). */
  private async getVersionItems(keys: { pk: string; sk: string }[]): Promise<Item[]> {
    const items = await this.batchGet(keys);
    const live = items.filter((item) => item.retractedAt === undefined);
    const byKey = new Map<string, Item>(live.map((item) => [`${String(item.pk)}|${String(item.sk)}`, item]));
    return keys.flatMap((key) => {
      const item = byKey.get(`${key.pk}|${key.sk}`);
      return item ? [item] : [];
    });
  }

  /**
   * The versions of the items with their documents. A version whose archived document fails its
   * integrity check is reported and left out of a list (`skip`), or thrown for a single read (`throw`).
   */
  private async toStoredVersions(
    items: Item[],
    corrupt: 'skip' | 'throw' = 'skip',
  ): Promise<StoredVersion[]> {
    const versions = await Promise.all(
      items.map(async (item): Promise<StoredVersion | null> => {
        let document: StoryDocument;
        try {
          document = await this.readDocument(item);
        } catch (error) {
          if (!(error instanceof ArchiveCorruptError)) throw error;
          reportArchiveCorrupt(error);
          if (corrupt === 'throw') throw error;
          return null;
        }
        return {
          storyId: String(item.storyId),
          version: String(item.version),
          publishedAt: String(item.publishedAt),
          contentHash: String(item.contentHash),
          revision: String(item.revision),
          ingestedAt: String(item.ingestedAt),
          document,
        };
      }),
    );
    return versions.filter((version): version is StoredVersion => version !== null);
  }

  private async readDocument(item: Item): Promise<StoryDocument> {
    const version = {
      storyId: String(item.storyId),
      version: String(item.version),
      contentHash: String(item.contentHash),
    };
    if (item.documentGz instanceof Uint8Array) {
      return readArchivedDocument(item.documentGz, 'the version item', version, undefined);
    }
    const object = typeof item.documentKey === 'string' ? await this.blobs.getObject(item.documentKey) : null;
    if (!object) {
      throw new ArchiveCorruptError(
        version.storyId,
        version.version,
        String(item.documentKey),
        'it is missing',
      );
    }
    const recorded = typeof item.documentHash === 'string' ? item.documentHash : undefined;
    return readArchivedDocument(object.bytes, String(item.documentKey), version, recorded);
  }

  private async readParagraphs(storyId: string, version: string, indexes: unknown): Promise<Paragraph[]> {
    const stored = await this.getVersion(storyId, version).catch((error: unknown) => {
      if (error instanceof ArchiveCorruptError) return null;
      throw error;
    });
    const wanted = new Set(Array.isArray(indexes) ? indexes : []);
    return stored ? stored.document.paragraphs.filter((paragraph) => wanted.has(paragraph.index)) : [];
  }
}

/** The live (not retracted) versions of a story, highest first. */
function versionQuery(storyId: string): Omit<QueryCommandInput, 'TableName'> {
  return {
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    FilterExpression: 'attribute_not_exists(retractedAt)',
    ExpressionAttributeValues: { ':pk': storyPk(storyId), ':prefix': 'V#' },
    ScanIndexForward: false,
  };
}

function readOffset(cursor: Record<string, unknown> | undefined): number {
  const offset = cursor?.offset;
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) {
    throw new InvalidCursorError('cursor is not readable');
  }
  return offset;
}

function toHead(item: Item): StoryHead {
  return {
    storyId: String(item.storyId),
    title: String(item.title),
    version: String(item.version),
    updatedAt: String(item.updatedAt),
    contentHash: String(item.contentHash),
    revision: String(item.revision),
    ingestedAt: String(item.ingestedAt),
  };
}
