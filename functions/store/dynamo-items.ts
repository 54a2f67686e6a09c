import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { TABLE } from './table-definition.ts';

/** Helpers the story store and the retraction items share: the head item's shape and BatchGet. */

type Item = Record<string, unknown>;

const BATCH_GET_LIMIT = 100;
/** Milliseconds from 0000-01-01 to the Unix epoch, so every 4-digit year is non-negative. */
const YEAR_ZERO_OFFSET_MS = 62_167_219_200_000;
const INVERTED_TIME_BASE = 999_999_999_999_999;

/** Sort key that orders newer times first, ties by story id ascending. */
export function invertedTimeKey(iso: string, storyId: string): string {
  const shifted = Date.parse(iso) + YEAR_ZERO_OFFSET_MS;
  return `${String(INVERTED_TIME_BASE - shifted).padStart(15, '0')}#${storyId}`;
}

/** The fields of a version that its story's head shows. */
export interface HeadFields {
  storyId: string;
  title: unknown;
  version: unknown;
  versionKey: unknown;
  publishedAt: string;
  contentHash: unknown;
  revision: unknown;
  ingestedAt: unknown;
  /** The version's cited sources: when a later version replaces it as head, their feeds change too. */
  sources: string[];
}

/** The head item (STORY#<id> / HEAD, listed by the byUpdated index) that shows one version. */
export function buildHeadItem(fields: HeadFields): Item {
  return {
    pk: `STORY#${fields.storyId}`,
    sk: 'HEAD',
    type: 'head',
    storyId: fields.storyId,
    title: fields.title,
    version: fields.version,
    versionKey: fields.versionKey,
    updatedAt: fields.publishedAt,
    contentHash: fields.contentHash,
    revision: fields.revision,
    ingestedAt: fields.ingestedAt,
    sources: fields.sources,
    [TABLE.indexes.byUpdated.partitionKey]: 'STORIES',
    [TABLE.indexes.byUpdated.sortKey]: invertedTimeKey(fields.publishedAt, fields.storyId),
  };
}

/** BatchGetItem over any number of keys, retrying unprocessed keys with backoff; items in any order. */
export async function batchGetItems(
  dynamo: DynamoDBDocumentClient,
  tableName: string,
  keys: { pk: string; sk: string }[],
): Promise<Item[]> {
  const found: Item[] = [];
  for (let start = 0; start < keys.length; start += BATCH_GET_LIMIT) {
    let pending: Record<string, unknown>[] | undefined = keys.slice(start, start + BATCH_GET_LIMIT);
    for (let attempt = 0; pending && pending.length > 0; attempt += 1) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 20 * 2 ** attempt)));
      const result: BatchGetCommandOutput = await dynamo.send(
        new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending } } }),
      );
      found.push(...((result.Responses?.[tableName] ?? []) as Item[]));
      pending = result.UnprocessedKeys?.[tableName]?.Keys;
    }
  }
  return found;
}
