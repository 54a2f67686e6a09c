import { createHash, randomUUID } from 'node:crypto';
import type { Context, S3Event, S3EventRecord, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { encodeS3Key } from '../functions/ingest/s3-notification.ts';
import { isStoryKey } from '../functions/store/table-definition.ts';
import { appendDeadLetter } from './dead-letters.ts';
import { createLambdaContext } from './lambda-context.ts';
import type { IngestLedger } from './ledger.ts';

/** The ingest Lambda's signature: an SQS batch in, the partial batch failures out. */
export type IngestHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | undefined>;

/** What became of one message after one try. */
export type PumpOutcome = 'ok' | 'retry' | 'dead';

export interface PumpResult {
  messageId: string;
  /** The object key as stored (decoded). */
  key: string;
  outcome: PumpOutcome;
  /** Which try this was (SQS ApproximateReceiveCount). */
  receiveCount: number;
  /** How long the batch holding this message took in the handler. */
  ms: number;
  /** For `retry`: when the next try starts. */
  retryInMs?: number;
  /** For `retry` and `dead`: why the try failed. */
  error?: string;
}

export interface EventPumpOptions {
  handler: IngestHandler;
  /** Finished objects are recorded here (the reconcile ledger). */
  ledger: IngestLedger;
  /** Where dead letters are appended. */
  deadLetterPath: string;
  /** Fills in the ETag of an event that lacks one (s3rver's copy events). */
  resolveETag?: (bucket: string, key: string) => Promise<string | undefined>;
  onResult?: (result: PumpResult) => void;
  /** Called when an accepted event could not be queued (e.g. its ETag could not be read). */
  onError?: (error: Error) => void;
  maxBatchSize?: number;
  batchWindowMs?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  maxReceives?: number;
  /** Batches in the handler at once (Lambda would run several). */
  concurrency?: number;
  handlerTimeoutMs?: number;
}

/** Carries S3 events into the ingest handler as SQS would, with retries and a dead-letter file. */
export interface EventPump {
  /** Takes one S3 event notification, as s3rver emits it or as reconcile builds it. */
  accept(event: S3Event): void;
  /** Resolves when nothing is queued, waiting for a retry, or in the handler. */
  idle(): Promise<void>;
  /** Stops accepting, lets in-flight batches finish, drops what is queued; returns how many were dropped. */
  drain(): Promise<number>;
}

export const INGEST_QUEUE_ARN = 'arn:aws:sqs:us-east-1:000000000000:storyfeed-ingest';
const S3_SENDER_ID = 'AIDAJHIPRHEMV73VRJEBU';

interface Message {
  messageId: string;
  key: string;
  bucket: string;
  eTag: string;
  /** An ObjectRemoved event (a delete). */
  removed: boolean;
  body: string;
  sentAt: number;
  firstReceivedAt?: number;
  receiveCount: number;
}

/** Starts an event pump; see {@link EventPump}. */
export function createEventPump(options: EventPumpOptions): EventPump {
  const maxBatchSize = options.maxBatchSize ?? 10;
  const batchWindowMs = options.batchWindowMs ?? 20;
  const baseDelayMs = options.baseDelayMs ?? 200;
  const maxDelayMs = options.maxDelayMs ?? 5_000;
  const maxReceives = options.maxReceives ?? 5;
  const concurrency = options.concurrency ?? 2;
  const handlerTimeoutMs = options.handlerTimeoutMs ?? 30_000;

  let accepting = true;
  let preparing = 0;
  let inFlight = 0;
  let batchTimer: NodeJS.Timeout | undefined;
  const ready: Message[] = [];
  const delayed = new Map<NodeJS.Timeout, Message>();
  let idleWaiters: (() => void)[] = [];

  const isIdle = () => preparing === 0 && inFlight === 0 && ready.length === 0 && delayed.size === 0;
  const settle = () => {
    if (!isIdle()) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const resolve of waiters) resolve();
  };

  const schedule = () => {
    if (!accepting || ready.length === 0 || inFlight >= concurrency) return;
    if (ready.length >= maxBatchSize) {
      if (batchTimer) clearTimeout(batchTimer);
      batchTimer = undefined;
      dispatch();
    } else if (!batchTimer) {
      batchTimer = setTimeout(() => {
        batchTimer = undefined;
        dispatch();
      }, batchWindowMs);
    }
  };

  const dispatch = () => {
    while (accepting && ready.length > 0 && inFlight < concurrency) {
      const batch = ready.splice(0, maxBatchSize);
      inFlight += 1;
      void runBatch(batch).finally(() => {
        inFlight -= 1;
        schedule();
        settle();
      });
    }
  };

  const runBatch = async (batch: Message[]) => {
    const now = Date.now();
    for (const message of batch) {
      message.receiveCount += 1;
      message.firstReceivedAt ??= now;
    }
    const event: SQSEvent = { Records: batch.map(toSqsRecord) };
    const started = performance.now();
    let failed: Set<string>;
    let error: string | undefined;
    try {
      const response = await options.handler(
        event,
        createLambdaContext('storyfeed-ingest', handlerTimeoutMs),
      );
      failed = failedIds(response, batch);
      if (failed.size > 0) error = 'reported as a batch item failure';
    } catch (thrown) {
      // A handler that throws fails the whole batch, as on Lambda.
      failed = new Set(batch.map((message) => message.messageId));
      error = thrown instanceof Error ? thrown.message : String(thrown);
    }
    const ms = Math.round(performance.now() - started);
    for (const message of batch) {
      const base = { messageId: message.messageId, key: message.key, receiveCount: message.receiveCount, ms };
      if (!failed.has(message.messageId)) {
        options.ledger.record(message.key, message.eTag, message.removed ? 'removed' : 'done');
        options.onResult?.({ ...base, outcome: 'ok' });
      } else if (message.receiveCount >= maxReceives) {
        appendDeadLetter(options.deadLetterPath, {
          messageId: message.messageId,
          bucket: message.bucket,
          key: message.key,
          eTag: message.eTag,
          receiveCount: message.receiveCount,
          failedAt: new Date().toISOString(),
          error: error ?? 'failed',
          body: message.body,
        });
        options.ledger.record(message.key, message.eTag, 'dead');
        options.onResult?.({ ...base, outcome: 'dead', error: error ?? 'failed' });
      } else {
        const retryInMs = Math.min(maxDelayMs, baseDelayMs * 2 ** (message.receiveCount - 1));
        const timer = setTimeout(() => {
          delayed.delete(timer);
          ready.push(message);
          schedule();
        }, retryInMs);
        delayed.set(timer, message);
        options.onResult?.({ ...base, outcome: 'retry', retryInMs, error: error ?? 'failed' });
      }
    }
  };

  const enqueue = (record: S3EventRecord) => {
    const normalised = normaliseS3Record(record);
    ready.push({
      messageId: randomUUID(),
      key: record.s3.object.key,
      bucket: record.s3.bucket.name,
      eTag: normalised.s3.object.eTag ?? '',
      removed: record.eventName.startsWith('ObjectRemoved'),
      body: JSON.stringify({ Records: [normalised] }),
      sentAt: Date.now(),
      receiveCount: 0,
    });
    schedule();
  };

  return {
    accept(event) {
      if (!accepting) return;
      for (const record of event.Records) {
        const removed = record.eventName.startsWith('ObjectRemoved');
        if (!(removed || record.eventName.startsWith('ObjectCreated')) || !isStoryKey(record.s3.object.key))
          continue;
        const resolveETag = options.resolveETag;
        // A delete goes through the same queue and handler; it has no ETag to resolve.
        if (removed || record.s3.object.eTag || !resolveETag) {
          enqueue(record);
          continue;
        }
        preparing += 1;
        resolveETag(record.s3.bucket.name, record.s3.object.key)
          .then((eTag) => {
            if (!accepting) return;
            const object = { ...record.s3.object, ...(eTag ? { eTag } : {}) };
            enqueue({ ...record, s3: { ...record.s3, object } });
          })
          .catch((error: unknown) =>
            options.onError?.(error instanceof Error ? error : new Error(String(error))),
          )
          .finally(() => {
            preparing -= 1;
            settle();
          });
      }
    },
    idle() {
      return isIdle() ? Promise.resolve() : new Promise((resolve) => idleWaiters.push(resolve));
    },
    async drain() {
      accepting = false;
      if (batchTimer) clearTimeout(batchTimer);
      batchTimer = undefined;
      for (const timer of delayed.keys()) clearTimeout(timer);
      const dropped = ready.length + delayed.size;
      ready.length = 0;
      delayed.clear();
      settle();
      await this.idle();
      return dropped;
    },
  };

  function toSqsRecord(message: Message): SQSRecord {
    return {
      messageId: message.messageId,
      receiptHandle: `local-${message.messageId}-${message.receiveCount}`,
      body: message.body,
      attributes: {
        ApproximateReceiveCount: String(message.receiveCount),
        SentTimestamp: String(message.sentAt),
        SenderId: S3_SENDER_ID,
        ApproximateFirstReceiveTimestamp: String(message.firstReceivedAt ?? message.sentAt),
      },
      messageAttributes: {},
      md5OfBody: createHash('md5').update(message.body).digest('hex'),
      eventSource: 'aws:sqs',
      eventSourceARN: INGEST_QUEUE_ARN,
      awsRegion: 'us-east-1',
    };
  }
}

/**
 * Makes an s3rver event record look like real S3's: the key URL-encoded (each path segment with
 * encodeURIComponent, spaces as `+`, `/` kept), the bucket ARN `arn:aws:s3:::<bucket>`, the ETag bare.
 */
export function normaliseS3Record(record: S3EventRecord): S3EventRecord {
  const object = record.s3.object;
  const eTag = object.eTag?.replace(/"/g, '');
  return {
    ...record,
    s3: {
      ...record.s3,
      bucket: { ...record.s3.bucket, arn: `arn:aws:s3:::${record.s3.bucket.name}` },
      object: { ...object, key: encodeS3Key(object.key), ...(eTag ? { eTag } : {}) },
    },
  };
}

function failedIds(response: SQSBatchResponse | undefined, batch: Message[]): Set<string> {
  const all = new Set(batch.map((message) => message.messageId));
  if (!response || !Array.isArray(response.batchItemFailures)) return new Set();
  const failed = new Set<string>();
  for (const failure of response.batchItemFailures) {
    // Lambda treats an unknown or empty identifier as a failure of the whole batch.
    if (!all.has(failure.itemIdentifier)) return all;
    failed.add(failure.itemIdentifier);
  }
  return failed;
}
