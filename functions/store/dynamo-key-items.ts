import { createHash } from 'node:crypto';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import { versionSortKey } from '../story/version.ts';
import type {
  IngestStatus,
  IngestStatusOutcome,
  IngestStatusWrite,
  IngestWarning,
  NeighbourVersions,
} from './story-store.ts';

/**
 * The items kept per bucket key (pk `KEY#<sha256 of the key>`, so a 1,024-byte key fits): the status of
 * its latest processed event (sk `STATUS`) and a reference to each ingest error recorded for it
 * (sk `ERR#<order>`), so the errors of a key can be found and cleared without reading every error.
 */
const STATUS_SK = 'STATUS';
const ERROR_REF_PREFIX = 'ERR#';

type Item = Record<string, unknown>;

/** The SHA-256 (hex) of a bucket key: short enough for any DynamoDB key or attribute name. */
export function keyHash(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** The partition of everything recorded about one bucket key. */
export function keyPartition(key: string): string {
  return `KEY#${keyHash(key)}`;
}

function isConditionFailure(error: unknown): boolean {
  return (error as Error)?.name === 'ConditionalCheckFailedException';
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function toWarnings(value: unknown): IngestWarning[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry): IngestWarning[] => {
    const { code, message } = (entry ?? {}) as Record<string, unknown>;
    return (code === 'timestamp_not_later' || code === 'same_text') && typeof message === 'string'
      ? [{ code, message }]
      : [];
  });
}

function toStatus(item: Item): IngestStatus {
  return {
    key: String(item.key),
    etag: stringOrNull(item.etag),
    outcome: item.outcome as IngestStatus['outcome'],
    storyId: stringOrNull(item.storyId),
    version: stringOrNull(item.version),
    code: stringOrNull(item.code),
    message: stringOrNull(item.message),
    warnings: toWarnings(item.warnings),
    at: String(item.at),
  };
}

/** Reads the status of a key and the order of the event that wrote it (strongly consistent). */
export async function readKeyStatus(
  dynamo: DynamoDBDocumentClient,
  tableName: string,
  key: string,
): Promise<{ status: IngestStatus; order: string } | null> {
  const { Item } = await dynamo.send(
    new GetCommand({
      TableName: tableName,
      Key: { pk: keyPartition(key), sk: STATUS_SK },
      ConsistentRead: true,
    }),
  );
  return Item ? { status: toStatus(Item), order: String(Item.order) } : null;
}

/** Writes a key's status unless a later-ordered event wrote it; the same event writing again is a no-op. */
export async function writeKeyStatus(
  dynamo: DynamoDBDocumentClient,
  tableName: string,
  status: IngestStatus,
  order: string,
): Promise<IngestStatusWrite> {
  try {
    const { Attributes } = await dynamo.send(
      new PutCommand({
        TableName: tableName,
        Item: { pk: keyPartition(status.key), sk: STATUS_SK, type: 'ingest-status', ...status, order },
        ConditionExpression: 'attribute_not_exists(pk) OR #order <= :order',
        ExpressionAttributeNames: { '#order': 'order' },
        ExpressionAttributeValues: { ':order': order },
        ReturnValues: 'ALL_OLD',
      }),
    );
    const outcome = Attributes?.outcome;
    return {
      written: true,
      previousOutcome: typeof outcome === 'string' ? (outcome as IngestStatusOutcome) : null,
      previousOrder: typeof Attributes?.order === 'string' ? Attributes.order : null,
    };
  } catch (error) {
    if (isConditionFailure(error)) return { written: false, previousOutcome: null, previousOrder: null };
    throw error;
  }
}

/** Remembers where the error item of a rejected upload of `key` is, before that item is written. */
export async function writeErrorReference(
  dynamo: DynamoDBDocumentClient,
  tableName: string,
  key: string,
  order: string,
  errorKey: { pk: string; sk: string },
): Promise<void> {
  await dynamo.send(
    new PutCommand({
      TableName: tableName,
      Item: {
        pk: keyPartition(key),
        sk: `${ERROR_REF_PREFIX}${order}`,
        type: 'ingest-error-ref',
        order,
        errorPk: errorKey.pk,
        errorSk: errorKey.sk,
      },
    }),
  );
}

/**
 * Deletes the error items of `key` recorded by events ordered before `order` (and at it, when
 * `inclusive`): each error item first, then its reference, so a crash leaves nothing unreachable.
 */
export async function deleteKeyErrors(
  dynamo: DynamoDBDocumentClient,
  tableName: string,
  key: string,
  order: string,
  inclusive = false,
): Promise<void> {
  const pk = keyPartition(key);
  const { Items = [] } = await dynamo.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :first AND :last',
      ExpressionAttributeValues: {
        ':pk': pk,
        ':first': ERROR_REF_PREFIX,
        ':last': `${ERROR_REF_PREFIX}${order}`,
      },
      ConsistentRead: true,
    }),
  );
  for (const reference of Items) {
    if (!inclusive && reference.order === order) continue;
    await dynamo.send(
      new DeleteCommand({
        TableName: tableName,
        Key: { pk: String(reference.errorPk), sk: String(reference.errorSk) },
      }),
    );
    await dynamo.send(new DeleteCommand({ TableName: tableName, Key: { pk, sk: String(reference.sk) } }));
  }
}

/** The nearest live (not retracted) versions below and above one version of a story. */
export async function readNeighbourVersions(
  dynamo: DynamoDBDocumentClient,
  tableName: string,
  storyId: string,
  version: string,
): Promise<NeighbourVersions> {
  const versionKey = versionSortKey(version);
  const sk = `V#${versionKey}`;
  const nearest = async (below: boolean) => {
    let startKey: Record<string, unknown> | undefined;
    do {
      const result = await dynamo.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: below
            ? 'pk = :pk AND sk BETWEEN :prefix AND :sk'
            : 'pk = :pk AND sk BETWEEN :sk AND :end',
          FilterExpression: 'attribute_not_exists(retractedAt) AND versionKey <> :versionKey',
          ExpressionAttributeValues: {
            ':pk': `STORY#${storyId}`,
            ':sk': sk,
            ':versionKey': versionKey,
            ...(below ? { ':prefix': 'V#' } : { ':end': 'V#\uffff' }),
          },
          ProjectionExpression: 'version, publishedAt',
          ScanIndexForward: !below,
          Limit: 10,
          ExclusiveStartKey: startKey,
          ConsistentRead: true,
        }),
      );
      const found = result.Items?.[0];
      if (found) return { version: String(found.version), publishedAt: String(found.publishedAt) };
      startKey = result.LastEvaluatedKey;
    } while (startKey);
    return null;
  };
  const [below, above] = await Promise.all([nearest(true), nearest(false)]);
  return { below, above };
}
