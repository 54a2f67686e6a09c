import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { versionSortKey } from '../story/version.ts';
import { batchGetItems, buildHeadItem } from './dynamo-items.ts';
import { keyHash, keyPartition } from './dynamo-key-items.ts';
import { stringList } from './dynamo-keys.ts';
import type { KeyRemoval, KeyVersionLink, Retraction, SettledVersion, Tombstone } from './story-store.ts';
import { TABLE } from './table-definition.ts';

/**
 * The items of retraction (SPEC §6), written without transactions in an order that a crash and a
 * redelivery repeat harmlessly:
 * - key removal   KEY#<hash> / REMOVED                       the latest delete of the key (its order)
 * - key link      KEY#<hash> / LINK#<storyId>#<version key>   a version this key uploaded a text for
 * - version       STORY#<id> / V#<version key>  `keys` map: key hash → order of the upload whose text
 *                 the version holds; `retractedAt` once no key holds it
 * - tombstone     STORY#<id> / TOMB#<version key>, TOMBSTONES / STORY#<id>   RFC 6721 deleted entries
 *                 of the story feed and of the latest feed, with `expiresAt` (TTL, 30 days)
 */
const REMOVED_SK = 'REMOVED';
const LINK_PREFIX = 'LINK#';
const TOMBSTONE_PREFIX = 'TOMB#';
const STORY_TOMBSTONES_PK = 'TOMBSTONES';
const HEAD_SK = 'HEAD';
/** How long feeds carry a deleted entry (SPEC §6). */
export const TOMBSTONE_DAYS = 30;

type Item = Record<string, unknown>;
type Db = { dynamo: DynamoDBDocumentClient; tableName: string };

const storyPk = (storyId: string) => `STORY#${storyId}`;
const versionKeyOf = (version: string) => versionSortKey(version);

function isConditionFailure(error: unknown): boolean {
  return (error as Error)?.name === 'ConditionalCheckFailedException';
}

/** Runs a conditional write; a failed condition means another event already did (or outdid) it. */
async function conditionally(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

function expiresAt(when: string): number {
  return Math.floor(Date.parse(when) / 1000) + TOMBSTONE_DAYS * 86_400;
}

async function getItem(db: Db, pk: string, sk: string): Promise<Item | undefined> {
  const { Item } = await db.dynamo.send(
    new GetCommand({ TableName: db.tableName, Key: { pk, sk }, ConsistentRead: true }),
  );
  return Item;
}

/** Records that the key was deleted by the event at `order`, unless a later delete was recorded. */
export async function writeKeyRemoval(db: Db, key: string, removal: KeyRemoval): Promise<void> {
  await conditionally(
    db.dynamo.send(
      new PutCommand({
        TableName: db.tableName,
        Item: { pk: keyPartition(key), sk: REMOVED_SK, type: 'key-removal', ...removal },
        ConditionExpression: 'attribute_not_exists(pk) OR #order < :order',
        ExpressionAttributeNames: { '#order': 'order' },
        ExpressionAttributeValues: { ':order': removal.order },
      }),
    ),
  );
}

/** The latest recorded delete of the key, or null. */
export async function readKeyRemoval(db: Db, key: string): Promise<KeyRemoval | null> {
  const item = await getItem(db, keyPartition(key), REMOVED_SK);
  return item ? { order: String(item.order), at: String(item.at) } : null;
}

/** Remembers that `key` uploaded a text for the version (before the version can hold it). */
export async function writeKeyLink(db: Db, key: string, link: KeyVersionLink): Promise<void> {
  const versionKey = versionKeyOf(link.version);
  await db.dynamo.send(
    new PutCommand({
      TableName: db.tableName,
      Item: {
        pk: keyPartition(key),
        sk: `${LINK_PREFIX}${link.storyId}#${versionKey}`,
        type: 'key-link',
        storyId: link.storyId,
        version: link.version,
      },
    }),
  );
}

/** Every version the key uploaded a text for. */
export async function readKeyLinks(db: Db, key: string): Promise<KeyVersionLink[]> {
  const links: KeyVersionLink[] = [];
  for await (const item of queryItems(db, {
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': keyPartition(key), ':prefix': LINK_PREFIX },
    ConsistentRead: true,
  })) {
    links.push({ storyId: String(item.storyId), version: String(item.version) });
  }
  return links;
}

/**
 * Adds `key` (at `order`) to the keys holding the version's current text, for an upload of the very
 * same text: unless the version was retracted or replaced meanwhile, or a later event of the key holds it.
 */
export async function holdVersion(
  db: Db,
  key: string,
  version: { storyId: string; version: string; revision: string; order: string },
): Promise<void> {
  await conditionally(
    db.dynamo.send(
      new UpdateCommand({
        TableName: db.tableName,
        Key: { pk: storyPk(version.storyId), sk: `V#${versionKeyOf(version.version)}` },
        UpdateExpression: 'SET #keys.#hash = :order',
        ConditionExpression:
          '#revision = :revision AND attribute_not_exists(retractedAt) AND attribute_exists(#keys) AND ' +
          '(attribute_not_exists(#keys.#hash) OR #keys.#hash < :order)',
        ExpressionAttributeNames: { '#keys': 'keys', '#hash': keyHash(key), '#revision': 'revision' },
        ExpressionAttributeValues: { ':order': version.order, ':revision': version.revision },
      }),
    ),
  );
}

/**
 * Lets go of the version for a delete of `key` at `order`: drops the key from the version's holders
 * (unless a later upload of the key holds it), then retracts the version when no key holds it any more.
 */
export async function releaseVersion(
  db: Db,
  key: string,
  link: KeyVersionLink,
  removal: KeyRemoval,
): Promise<void> {
  const pk = storyPk(link.storyId);
  const versionKey = versionKeyOf(link.version);
  await conditionally(
    db.dynamo.send(
      new UpdateCommand({
        TableName: db.tableName,
        Key: { pk, sk: `V#${versionKey}` },
        UpdateExpression: 'REMOVE #keys.#hash',
        ConditionExpression: '#keys.#hash < :order',
        ExpressionAttributeNames: { '#keys': 'keys', '#hash': keyHash(key) },
        ExpressionAttributeValues: { ':order': removal.order },
      }),
    ),
  );
  const item = await getItem(db, pk, `V#${versionKey}`);
  const holders = item?.keys;
  if (!item || item.retractedAt !== undefined || !holders || Object.keys(holders).length > 0) return;
  // The tombstone first: a version is only ever retracted with its tombstone in place.
  await db.dynamo.send(
    new PutCommand({
      TableName: db.tableName,
      Item: {
        pk,
        sk: `${TOMBSTONE_PREFIX}${versionKey}`,
        type: 'version-tombstone',
        storyId: link.storyId,
        version: String(item.version),
        retractedAt: removal.at,
        [TABLE.ttlAttribute]: expiresAt(removal.at),
      },
    }),
  );
  await conditionally(
    db.dynamo.send(
      new UpdateCommand({
        TableName: db.tableName,
        Key: { pk, sk: `V#${versionKey}` },
        UpdateExpression: 'SET retractedAt = :at',
        ConditionExpression:
          '#revision = :revision AND attribute_not_exists(retractedAt) AND size(#keys) = :none',
        ExpressionAttributeNames: { '#revision': 'revision', '#keys': 'keys' },
        ExpressionAttributeValues: { ':at': removal.at, ':revision': item.revision, ':none': 0 },
      }),
    ),
  );
}

/**
 * Makes the rest of the table agree with a retracted version: its source index items go, and a head
 * that shows it moves down to the highest version left, or, when none is left, goes with a story
 * tombstone. Does nothing for a version that is not retracted; safe to repeat.
 */
export async function settleRetractedVersion(
  db: Db,
  storyId: string,
  version: string,
): Promise<SettledVersion> {
  const pk = storyPk(storyId);
  const versionKey = versionKeyOf(version);
  const item = await getItem(db, pk, `V#${versionKey}`);
  if (!item || typeof item.retractedAt !== 'string') return { state: 'live', sources: [] };
  const sources = [...new Set([...stringList(item.sources), ...stringList(item.staleSources)])];
  for (const citationId of sources) {
    await conditionally(
      db.dynamo.send(
        new DeleteCommand({
          TableName: db.tableName,
          Key: { pk: `SOURCE#${citationId}`, sk: `${storyId}#${versionKey}` },
          ConditionExpression: '#revision <= :revision',
          ExpressionAttributeNames: { '#revision': 'revision' },
          ExpressionAttributeValues: { ':revision': item.revision },
        }),
      ),
    );
  }
  const head = await getItem(db, pk, HEAD_SK);
  if (!head) return { state: 'story-retracted', sources };
  if (head.versionKey !== versionKey || String(head.revision) > String(item.revision)) {
    return { state: 'retracted', sources };
  }
  const headIs = {
    ConditionExpression: 'versionKey = :versionKey AND #revision = :revision',
    ExpressionAttributeNames: { '#revision': 'revision' },
    ExpressionAttributeValues: { ':versionKey': versionKey, ':revision': head.revision },
  };
  const below = await readHighestLiveVersion(db, storyId);
  if (below) {
    await conditionally(
      db.dynamo.send(new PutCommand({ TableName: db.tableName, Item: headItem(below), ...headIs })),
    );
    return { state: 'retracted', sources };
  }
  await db.dynamo.send(
    new PutCommand({
      TableName: db.tableName,
      Item: {
        pk: STORY_TOMBSTONES_PK,
        sk: `STORY#${storyId}`,
        type: 'story-tombstone',
        storyId,
        retractedAt: item.retractedAt,
        [TABLE.ttlAttribute]: expiresAt(item.retractedAt),
      },
    }),
  );
  await conditionally(
    db.dynamo.send(new DeleteCommand({ TableName: db.tableName, Key: { pk, sk: HEAD_SK }, ...headIs })),
  );
  return { state: 'story-retracted', sources };
}

async function readHighestLiveVersion(db: Db, storyId: string): Promise<Item | null> {
  for await (const item of queryItems(db, {
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    FilterExpression: 'attribute_not_exists(retractedAt)',
    ExpressionAttributeValues: { ':pk': storyPk(storyId), ':prefix': 'V#' },
    ScanIndexForward: false,
    Limit: 20,
    ConsistentRead: true,
  })) {
    return item;
  }
  return null;
}

/** The head item that shows a version item (the same item moveHead writes for it). */
function headItem(version: Item): Item {
  return buildHeadItem({
    storyId: String(version.storyId),
    title: version.title,
    version: version.version,
    versionKey: version.versionKey,
    publishedAt: String(version.publishedAt),
    contentHash: version.contentHash,
    revision: version.revision,
    ingestedAt: version.ingestedAt,
    sources: stringList(version.sources),
  });
}

// ---- reads ------------------------------------------------------------------------------------

/**
 * Whether a version (or, without one, the whole story) is retracted: a version item marked so, or a
 * story whose every version is. Null when live or unknown.
 */
export async function readRetraction(db: Db, storyId: string, version?: string): Promise<Retraction | null> {
  if (version !== undefined) {
    const { Item } = await db.dynamo.send(
      new GetCommand({
        TableName: db.tableName,
        Key: { pk: storyPk(storyId), sk: `V#${versionKeyOf(version)}` },
        ProjectionExpression: 'retractedAt',
      }),
    );
    return typeof Item?.retractedAt === 'string' ? { retractedAt: Item.retractedAt } : null;
  }
  let latest: string | null = null;
  for await (const item of queryItems(db, {
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': storyPk(storyId), ':prefix': 'V#' },
    ProjectionExpression: 'retractedAt',
  })) {
    if (typeof item.retractedAt !== 'string') return null;
    if (latest === null || item.retractedAt > latest) latest = item.retractedAt;
  }
  return latest === null ? null : { retractedAt: latest };
}

/** Stories retracted in the last 30 days (before `now`) that have not been published again, newest first. */
export async function readStoryTombstones(db: Db, now: Date): Promise<Tombstone[]> {
  const items = await queryLive(db, STORY_TOMBSTONES_PK, 'STORY#', now);
  const heads = await batchGet(
    db,
    items.map((item) => ({ pk: storyPk(String(item.storyId)), sk: HEAD_SK })),
  );
  const live = new Set(heads.map((head) => String(head.storyId)));
  return sortTombstones(
    items
      .filter((item) => !live.has(String(item.storyId)))
      .map((item) => ({
        storyId: String(item.storyId),
        version: null,
        retractedAt: String(item.retractedAt),
      })),
  );
}

/** Versions of a story retracted in the last 30 days (before `now`) and still retracted, newest first. */
export async function readVersionTombstones(db: Db, storyId: string, now: Date): Promise<Tombstone[]> {
  const items = await queryLive(db, storyPk(storyId), TOMBSTONE_PREFIX, now);
  const versions = await batchGet(
    db,
    items.map((item) => ({
      pk: storyPk(storyId),
      sk: `V#${String(item.sk).slice(TOMBSTONE_PREFIX.length)}`,
    })),
  );
  const retracted = new Set(
    versions.filter((version) => typeof version.retractedAt === 'string').map((version) => version.sk),
  );
  return sortTombstones(
    items
      .filter((item) => retracted.has(`V#${String(item.sk).slice(TOMBSTONE_PREFIX.length)}`))
      .map((item) => ({ storyId, version: String(item.version), retractedAt: String(item.retractedAt) })),
  );
}

function sortTombstones(tombstones: Tombstone[]): Tombstone[] {
  return tombstones.sort((a, b) =>
    a.retractedAt === b.retractedAt
      ? a.storyId < b.storyId
        ? -1
        : 1
      : a.retractedAt < b.retractedAt
        ? 1
        : -1,
  );
}

/** Items under a prefix whose `expiresAt` is after `now` (dynalite has no TTL, and TTL deletes lag on AWS). */
async function queryLive(db: Db, pk: string, prefix: string, now: Date): Promise<Item[]> {
  const items: Item[] = [];
  for await (const item of queryItems(db, {
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    FilterExpression: '#expiresAt > :now',
    ExpressionAttributeNames: { '#expiresAt': TABLE.ttlAttribute },
    ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix, ':now': Math.floor(now.getTime() / 1000) },
  })) {
    items.push(item);
  }
  return items;
}

/** Every item a Query matches, page after page (stop early by leaving the loop). */
async function* queryItems(db: Db, input: Omit<QueryCommandInput, 'TableName'>): AsyncGenerator<Item> {
  let startKey: Record<string, unknown> | undefined;
  do {
    const result = await db.dynamo.send(
      new QueryCommand({ ...input, TableName: db.tableName, ExclusiveStartKey: startKey }),
    );
    yield* result.Items ?? [];
    startKey = result.LastEvaluatedKey;
  } while (startKey);
}

function batchGet(db: Db, keys: { pk: string; sk: string }[]): Promise<Item[]> {
  return batchGetItems(db.dynamo, db.tableName, keys);
}
