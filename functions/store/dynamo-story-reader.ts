import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { Paragraph, StoryDocument } from '../story/types.ts';
import { versionSortKey } from '../story/version.ts';
import {
  ArchiveCorruptError,
  readArchivedDocument,
  readArchivedRaw,
  reportArchiveCorrupt,
} from './archive-integrity.ts';
import type { BlobStore } from './blob-store.ts';
import { DynamoChangeMarker } from './change-marker.ts';
import { batchGetItems } from './dynamo-items.ts';
import { readKeyStatus } from './dynamo-key-items.ts';
import {
  decodeCursor,
  ERRORS_PK,
  encodeCursor,
  HEAD_SK,
  InvalidCursorError,
  type Item,
  STORIES_PK,
  sourcePk,
  storyPk,
  versionSk,
} from './dynamo-keys.ts';
import { readRetraction, readStoryTombstones, readVersionTombstones } from './dynamo-retraction.ts';
import type {
  ChangeTimes,
  IngestErrorRecord,
  IngestStatus,
  Page,
  PageRequest,
  Retraction,
  RevisionRecord,
  SourceCitation,
  StoredVersion,
  StoryHead,
  StoryReader,
  Tombstone,
} from './story-store.ts';
import { TABLE } from './table-definition.ts';

/**
 * The StoryReader on one DynamoDB table (layout in table-definition.ts), with large documents and
 * raw texts in the bucket, each checked against the hash recorded at ingest. The API function
 * needs only this; DynamoStoryStore adds the writes.
 */
export class DynamoStoryReader implements StoryReader {
  constructor(
    readonly dynamo: DynamoDBDocumentClient,
    readonly tableName: string,
    protected readonly blobs: BlobStore,
  ) {}

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
      // A head that no longer cites the source took its story out of this list when it was ingested.
      changedAt: heads.filter((head) => !citing.includes(head)).map((head) => String(head.ingestedAt)),
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

  /** The change marker's times. */
  getChangeTimes(): Promise<ChangeTimes> {
    return new DynamoChangeMarker(this.dynamo, this.tableName).readTimes();
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
