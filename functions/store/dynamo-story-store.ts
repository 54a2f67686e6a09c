import { gzipSync } from 'node:zlib';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { StoryDocument } from '../story/types.ts';
import { versionSortKey } from '../story/version.ts';
import { hashArchiveBytes } from './archive-integrity.ts';
import { buildHeadItem } from './dynamo-items.ts';
import {
  deleteKeyErrors,
  keyHash,
  readKeyStatus,
  readNeighbourVersions,
  writeErrorReference,
  writeKeyStatus,
} from './dynamo-key-items.ts';
import {
  documentArchiveKey,
  ERRORS_PK,
  hashHex,
  INLINE_DOCUMENT_LIMIT,
  type Item,
  ingestErrorSk,
  isConditionFailure,
  revisionSk,
  sourcePk,
  sourceSk,
  storyPk,
  stringList,
  versionSk,
} from './dynamo-keys.ts';
import {
  holdVersion,
  readKeyLinks,
  readKeyRemoval,
  releaseVersion,
  settleRetractedVersion,
  writeKeyLink,
  writeKeyRemoval,
} from './dynamo-retraction.ts';
import { DynamoStoryReader } from './dynamo-story-reader.ts';
import type {
  HeadMove,
  IngestErrorRecord,
  IngestStatus,
  IngestStatusWrite,
  KeyRemoval,
  KeyVersionLink,
  NeighbourVersions,
  SettledVersion,
  StoryWriter,
  VersionWrite,
  VersionWriteResult,
} from './story-store.ts';

export { hashHex, InvalidCursorError, ingestErrorSk, rawArchiveKey } from './dynamo-keys.ts';

/**
 * The StoryReader and StoryWriter on one DynamoDB table: the reads of DynamoStoryReader plus the
 * writes of ingest and retraction, each idempotent and conditional (dynalite has no transactions).
 * The same adapter runs on AWS, in `npm start` and in the tests.
 */
export class DynamoStoryStore extends DynamoStoryReader implements StoryWriter {
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

  /**
   * Conditionally points the head at this version (not when a higher version, or a later revision, is
   * head), and answers the sources the replaced head cited, from the head it overwrote (ALL_OLD). A head
   * written before heads carried their sources is looked up in its version item.
   */
  async moveHead(write: VersionWrite): Promise<HeadMove> {
    const { document } = write;
    const versionKey = versionSortKey(document.version);
    let previous: Item | undefined;
    try {
      ({ Attributes: previous } = await this.dynamo.send(
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
            sources: document.citations.map((citation) => citation.id),
          }),
          ConditionExpression:
            'attribute_not_exists(pk) OR versionKey < :versionKey OR (versionKey = :versionKey AND #revision <= :revision)',
          ExpressionAttributeNames: { '#revision': 'revision' },
          ExpressionAttributeValues: { ':versionKey': versionKey, ':revision': write.revision },
          ReturnValues: 'ALL_OLD',
        }),
      ));
    } catch (error) {
      if (isConditionFailure(error)) return { moved: false, previousSources: [] };
      throw error;
    }
    if (!previous) return { moved: true, previousSources: [] };
    if (Array.isArray(previous.sources))
      return { moved: true, previousSources: stringList(previous.sources) };
    const { Item } = await this.dynamo.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: storyPk(document.storyId), sk: versionSk(String(previous.versionKey)) },
        ProjectionExpression: '#sources',
        ExpressionAttributeNames: { '#sources': 'sources' },
      }),
    );
    return { moved: true, previousSources: stringList(Item?.sources) };
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
  settleRetractedVersion(storyId: string, version: string): Promise<SettledVersion> {
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
}
