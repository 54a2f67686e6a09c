import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ChangeTimes } from './story-store.ts';

/**
 * The change marker item (pk `META`, sk `CHANGE`): a counter that every change of what is published
 * (a stored version, a moved head, a retraction, a recorded ingest error) bumps once, after its
 * writes. The API reads this one small item to learn that its cached answers are out of date,
 * instead of re-reading every entry.
 */
export const CHANGE_MARKER_KEY = { pk: 'META', sk: 'CHANGE' } as const;

/** Reads and bumps the change marker. */
export interface ChangeMarker {
  /** The marker's current value; null when nothing has bumped it yet. */
  read(): Promise<string | null>;
  /** Records that what is published changed; call once after the change's last write. */
  bump(): Promise<void>;
  /**
   * Records when versions were last retracted (`retractedAt`, this clock): a retraction takes entries
   * out of lists and feeds, and no entry left dates that change, so their Last-Modified counts it.
   */
  recordRetraction(): Promise<void>;
}

/** The change marker on the storyfeed table. */
export class DynamoChangeMarker implements ChangeMarker {
  constructor(
    private readonly dynamo: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** One strongly consistent GetItem of a ~60-byte item (1 read unit). */
  async read(): Promise<string | null> {
    const result = await this.dynamo.send(
      new GetCommand({
        TableName: this.tableName,
        Key: CHANGE_MARKER_KEY,
        ConsistentRead: true,
        ProjectionExpression: 'generation',
      }),
    );
    const generation = result.Item?.generation;
    return typeof generation === 'number' || typeof generation === 'string' ? String(generation) : null;
  }

  /** The marker's times (one strongly consistent GetItem). */
  async readTimes(): Promise<ChangeTimes> {
    const { Item } = await this.dynamo.send(
      new GetCommand({
        TableName: this.tableName,
        Key: CHANGE_MARKER_KEY,
        ConsistentRead: true,
        ProjectionExpression: 'changedAt, retractedAt',
      }),
    );
    const text = (value: unknown) => (typeof value === 'string' ? value : null);
    return { changedAt: text(Item?.changedAt), retractedAt: text(Item?.retractedAt) };
  }

  /** One UpdateItem; an earlier time (another clock) never replaces a later one. */
  async recordRetraction(): Promise<void> {
    try {
      await this.dynamo.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: CHANGE_MARKER_KEY,
          UpdateExpression: 'SET retractedAt = :now',
          ConditionExpression: 'attribute_not_exists(retractedAt) OR retractedAt < :now',
          ExpressionAttributeValues: { ':now': this.clock().toISOString() },
        }),
      );
    } catch (error) {
      if ((error as Error)?.name !== 'ConditionalCheckFailedException') throw error;
    }
  }

  /** One UpdateItem (ADD is atomic, so concurrent writers never lose a bump). */
  async bump(): Promise<void> {
    await this.dynamo.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: CHANGE_MARKER_KEY,
        UpdateExpression: 'ADD generation :one SET changedAt = :now',
        ExpressionAttributeValues: { ':one': 1, ':now': this.clock().toISOString() },
      }),
    );
  }
}
