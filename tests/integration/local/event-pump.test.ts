import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { S3Event, SQSEvent, SQSRecord } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readDeadLetters } from '../../../local/dead-letters.ts';
import {
  createEventPump,
  type EventPump,
  type EventPumpOptions,
  type IngestHandler,
  type PumpResult,
} from '../../../local/event-pump.ts';
import { IngestLedger } from '../../../local/ledger.ts';

/** An event exactly as s3rver emits it: key not encoded, bucket ARN with spaces. */
function s3rverEvent(key: string, eventName = 'ObjectCreated:Put', eTag = 'abc123'): S3Event {
  return {
    Records: [
      {
        eventVersion: '2.0',
        eventSource: 'aws:s3',
        awsRegion: 'us-east-1',
        eventTime: new Date().toISOString(),
        eventName,
        userIdentity: { principalId: 'AWS:X' },
        requestParameters: { sourceIPAddress: '127.0.0.1' },
        responseElements: { 'x-amz-request-id': 'R', 'x-amz-id-2': 'I' },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: 'testConfigId',
          bucket: { name: 'stories', ownerIdentity: { principalId: 'P' }, arn: 'arn:aws:s3: : :stories' },
          object: { key, size: 10, eTag, sequencer: '1' },
        },
      },
    ],
  };
}

let dataDir: string;
let pump: EventPump | undefined;

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'storyfeed-pump-'));
});

afterEach(async () => {
  await pump?.drain();
  pump = undefined;
  rmSync(dataDir, { recursive: true, force: true });
});

/** Starts a pump with fast retries around `handler`; results are collected into `results`. */
function startPump(
  handler: IngestHandler,
  results: PumpResult[] = [],
  options: Partial<EventPumpOptions> = {},
) {
  pump = createEventPump({
    handler,
    ledger: IngestLedger.open(join(dataDir, 'ingested.jsonl')),
    deadLetterPath: join(dataDir, 'dlq.jsonl'),
    baseDelayMs: 5,
    batchWindowMs: 5,
    onResult: (result) => results.push(result),
    ...options,
  });
  return pump;
}

/** A handler that records every batch and succeeds. */
function recordingHandler(batches: SQSEvent[]): IngestHandler {
  return async (event) => {
    batches.push(event);
    return { batchItemFailures: [] };
  };
}

function s3RecordOf(record: SQSRecord | undefined) {
  const body = JSON.parse(record?.body ?? '{}') as S3Event;
  return body.Records[0];
}

describe('createEventPump', () => {
  it('wraps each S3 record in an SQS message with the key URL-encoded and the ARN fixed', async () => {
    const batches: SQSEvent[] = [];
    const pump = startPump(recordingHandler(batches));
    pump.accept(s3rverEvent('stories/my story/v0.1 + notes.txt'));
    await pump.idle();
    const message = batches[0]?.Records[0];
    expect(message).toMatchObject({
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:storyfeed-ingest',
      attributes: { ApproximateReceiveCount: '1' },
    });
    expect(message?.messageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(message?.receiptHandle).toBeTruthy();
    const record = s3RecordOf(message);
    expect(record?.s3.object.key).toBe('stories/my+story/v0.1+%2B+notes.txt');
    expect(record?.s3.bucket.arn).toBe('arn:aws:s3:::stories');
    expect(decodeURIComponent((record?.s3.object.key ?? '').replace(/\+/g, ' '))).toBe(
      'stories/my story/v0.1 + notes.txt',
    );
  });

  it('delivers created and removed story files, never other suffixes or the archive', async () => {
    const batches: SQSEvent[] = [];
    const pump = startPump(recordingHandler(batches));
    pump.accept(s3rverEvent('a.txt'));
    pump.accept(s3rverEvent('b.md'));
    pump.accept(s3rverEvent('c.txt', 'ObjectRemoved:Delete'));
    pump.accept(s3rverEvent('d.json'));
    pump.accept(s3rverEvent('_archive/e.txt'));
    await pump.idle();
    const keys = batches.flatMap((batch) => batch.Records.map((record) => s3RecordOf(record)?.s3.object.key));
    expect(keys.sort()).toEqual(['a.txt', 'b.md', 'c.txt']);
    const removed = batches.flatMap((batch) => batch.Records.map((record) => s3RecordOf(record)?.eventName));
    expect(removed.filter((name) => name === 'ObjectRemoved:Delete')).toHaveLength(1);
  });

  it('batches up to ten messages per invocation', async () => {
    const batches: SQSEvent[] = [];
    const pump = startPump(recordingHandler(batches), [], { concurrency: 1 });
    for (let index = 0; index < 25; index += 1) pump.accept(s3rverEvent(`story-${index}.txt`));
    await pump.idle();
    expect(batches.map((batch) => batch.Records.length)).toEqual([10, 10, 5]);
  });

  it('retries only the failed items, with growing delays, and records the rest as done', async () => {
    const tries = new Map<string, number>();
    const receiveCounts: string[] = [];
    const results: PumpResult[] = [];
    const pump = startPump(async (event) => {
      const failures = [];
      for (const record of event.Records) {
        const key = s3RecordOf(record)?.s3.object.key ?? '';
        tries.set(key, (tries.get(key) ?? 0) + 1);
        if (key === 'flaky.txt') {
          receiveCounts.push(record.attributes.ApproximateReceiveCount);
          if ((tries.get(key) ?? 0) < 3) failures.push({ itemIdentifier: record.messageId });
        }
      }
      return { batchItemFailures: failures };
    }, results);
    pump.accept(s3rverEvent('flaky.txt'));
    pump.accept(s3rverEvent('steady.txt'));
    await pump.idle();
    expect(tries.get('steady.txt')).toBe(1);
    expect(receiveCounts).toEqual(['1', '2', '3']);
    const retries = results.filter((result) => result.outcome === 'retry').map((result) => result.retryInMs);
    expect(retries).toEqual([5, 10]);
    const ledger = IngestLedger.open(join(dataDir, 'ingested.jsonl'));
    expect(ledger.has('flaky.txt', 'abc123')).toBe(true);
    expect(ledger.has('steady.txt', '"abc123"')).toBe(true);
  });

  it('fails the whole batch when the handler throws', async () => {
    let calls = 0;
    const seen: number[] = [];
    const pump = startPump(async (event) => {
      calls += 1;
      seen.push(event.Records.length);
      if (calls === 1) throw new Error('table unavailable');
      return { batchItemFailures: [] };
    });
    pump.accept(s3rverEvent('a.txt'));
    pump.accept(s3rverEvent('b.txt'));
    await pump.idle();
    expect(seen).toEqual([2, 2]);
  });

  it('keeps a dead letter after five failed tries', async () => {
    const results: PumpResult[] = [];
    let calls = 0;
    const pump = startPump(async () => {
      calls += 1;
      throw new Error('always broken');
    }, results);
    pump.accept(s3rverEvent('doomed story.txt', 'ObjectCreated:Put', 'feed'));
    await pump.idle();
    expect(calls).toBe(5);
    expect(results.map((result) => result.outcome)).toEqual(['retry', 'retry', 'retry', 'retry', 'dead']);
    const letters = readDeadLetters(join(dataDir, 'dlq.jsonl'));
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({
      key: 'doomed story.txt',
      bucket: 'stories',
      eTag: 'feed',
      receiveCount: 5,
      error: 'always broken',
    });
    expect(IngestLedger.open(join(dataDir, 'ingested.jsonl')).has('doomed story.txt', 'feed')).toBe(true);
  });

  it('lets an in-flight batch finish on drain and takes no new events', async () => {
    const finished: string[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const pump = startPump(async (event) => {
      await gate;
      for (const record of event.Records) finished.push(s3RecordOf(record)?.s3.object.key ?? '');
      return { batchItemFailures: [] };
    });
    pump.accept(s3rverEvent('in-flight.txt'));
    await new Promise((resolve) => setTimeout(resolve, 30));
    const drained = pump.drain();
    pump.accept(s3rverEvent('too-late.txt'));
    release();
    await drained;
    expect(finished).toEqual(['in-flight.txt']);
  });

  it('fills in the ETag of events that lack one', async () => {
    const batches: SQSEvent[] = [];
    const pump = startPump(recordingHandler(batches), [], { resolveETag: async () => 'from-head' });
    const event = s3rverEvent('copied.txt', 'ObjectCreated:Copy');
    const record = event.Records[0];
    if (record) delete (record.s3.object as { eTag?: string }).eTag;
    pump.accept(event);
    await pump.idle();
    expect(s3RecordOf(batches[0]?.Records[0])?.s3.object.eTag).toBe('from-head');
  });
});
