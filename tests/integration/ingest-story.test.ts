import { readFileSync } from 'node:fs';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createIngestHandler } from '../../functions/ingest/ingest-handler.ts';
import { S3BlobStore } from '../../functions/store/s3-blob-store.ts';
import { parseStory } from '../../functions/story/parse-story.ts';
import { buildS3Record, buildSqsRecord, buildUploadEvent } from '../builders/s3-events.ts';
import { buildStoryFile } from '../builders/story-file.ts';
import { createFaultyClients, startTestPipeline, type TestPipeline } from './pipeline.ts';

const SEED_KEY = '000_8ac52d5236e3c6f4.txt';
const seedText = readFileSync(new URL(`../../seeds/${SEED_KEY}`, import.meta.url), 'utf8');

function throttled(): Error {
  return Object.assign(new Error('Rate of requests exceeds the allowed throughput.'), {
    name: 'ProvisionedThroughputExceededException',
  });
}

describe('ingest-story handler', () => {
  let pipeline: TestPipeline;

  beforeAll(async () => {
    pipeline = await startTestPipeline();
  });
  afterAll(async () => {
    await pipeline.stop();
  });

  it('stores the seed as the head of its story with the §2 document', async () => {
    await pipeline.upload(SEED_KEY, seedText);
    const result = await pipeline.ingest(buildUploadEvent({ key: SEED_KEY }));

    expect(result.batchItemFailures).toEqual([]);
    const head = await pipeline.store.getHead('8ac52d5236e3c6f4');
    expect(head).toMatchObject({ version: 'v0.12', updatedAt: '2024-07-05T15:33:01.103Z' });
    const stored = await pipeline.store.getVersion('8ac52d5236e3c6f4', 'v0.12');
    expect(stored?.document).toEqual(parseStory(seedText, { key: SEED_KEY }));
    expect(await pipeline.store.getRawText('8ac52d5236e3c6f4', 'v0.12')).toBe(seedText);
  });

  it('keeps one version when the same event is delivered 2–5 times', async () => {
    const key = 'stories/dup-story/v1.0.txt';
    await pipeline.upload(
      key,
      buildStoryFile({ version: 'v1.0', paragraphs: ['Alpha [25773905] [934f7ccc].'] }),
    );
    const record = buildS3Record({ key });
    await pipeline.ingest({ Records: [buildSqsRecord([record]), buildSqsRecord([record])] });
    for (let delivery = 0; delivery < 3; delivery += 1) {
      await pipeline.ingest({ Records: [buildSqsRecord([record], delivery + 2)] });
    }

    const items = (await pipeline.scanTable()).filter(
      (item) => item.pk === 'STORY#dup-story' || String(item.sk).startsWith('dup-story#'),
    );
    expect(items.map((item) => `${item.pk} ${item.sk}`)).toEqual([
      'SOURCE#25773905 dup-story#011.010.010',
      'SOURCE#934f7ccc dup-story#011.010.010',
      'STORY#dup-story HEAD',
      expect.stringMatching(/^STORY#dup-story R#011\.010\.010#[0-9a-f]{64}$/),
      'STORY#dup-story V#011.010.010',
    ]);
    expect(await pipeline.store.listVersionLabels('dup-story')).toEqual(['v1.0']);
    const citations = await pipeline.store.listSourceCitations('25773905', { limit: 200 });
    expect(citations.items.filter((item) => item.storyId === 'dup-story')).toHaveLength(1);
  });

  it('keeps v0.12 as head when v0.11 arrives later, with both in the history', async () => {
    await pipeline.upload('stories/order/v0.12.txt', buildStoryFile({ version: 'v0.12', title: 'Twelve' }));
    await pipeline.upload('stories/order/v0.11.txt', buildStoryFile({ version: 'v0.11', title: 'Eleven' }));
    await pipeline.ingest(buildUploadEvent({ key: 'stories/order/v0.12.txt' }));
    await pipeline.ingest(buildUploadEvent({ key: 'stories/order/v0.11.txt' }));

    expect(await pipeline.store.getHead('order')).toMatchObject({ version: 'v0.12', title: 'Twelve' });
    expect(await pipeline.store.listVersionLabels('order')).toEqual(['v0.12', 'v0.11']);
  });

  it('orders versions numerically: v0.9 < v0.12 < v1.0 < v10.0', async () => {
    for (const version of ['v10.0', 'v0.9', 'v1.0', 'v0.12']) {
      const key = `stories/numeric/${version}.txt`;
      await pipeline.upload(key, buildStoryFile({ version }));
      await pipeline.ingest(buildUploadEvent({ key }));
    }
    expect(await pipeline.store.listVersionLabels('numeric')).toEqual(['v10.0', 'v1.0', 'v0.12', 'v0.9']);
    expect((await pipeline.store.getHead('numeric'))?.version).toBe('v10.0');
  });

  it('ends with the highest of 50 concurrently ingested versions as head, all 50 stored', async () => {
    const versions = Array.from({ length: 50 }, (_, index) => `v${Math.floor(index / 10)}.${index % 10}`);
    await Promise.all(
      versions.map((version) => pipeline.upload(`stories/burst/${version}.txt`, buildStoryFile({ version }))),
    );
    const shuffled = [...versions].sort(() => Math.random() - 0.5);
    const results = await Promise.all(
      shuffled.map((version) => pipeline.ingest(buildUploadEvent({ key: `stories/burst/${version}.txt` }))),
    );

    expect(results.flatMap((result) => result.batchItemFailures)).toEqual([]);
    expect((await pipeline.store.getHead('burst'))?.version).toBe('v4.9');
    expect(await pipeline.store.listVersionLabels('burst')).toHaveLength(50);
  });

  it('replaces a re-uploaded version with its new text and keeps the old text retrievable', async () => {
    const key = 'stories/rewrite/v2.0.txt';
    const oldText = buildStoryFile({ version: 'v2.0', paragraphs: ['First draft cites [25773905].'] });
    const newText = buildStoryFile({ version: 'v2.0', paragraphs: ['Second draft cites [934f7ccc].'] });
    await pipeline.upload(key, oldText);
    await pipeline.ingest(buildUploadEvent({ key }));
    const before = await pipeline.store.getHead('rewrite');
    await pipeline.upload(key, newText);
    await pipeline.ingest(buildUploadEvent({ key }));

    const after = await pipeline.store.getHead('rewrite');
    expect(after?.contentHash).not.toBe(before?.contentHash);
    const stored = await pipeline.store.getVersion('rewrite', 'v2.0');
    expect(stored?.document.paragraphs[0]?.text).toBe('Second draft cites.');
    expect(await pipeline.store.getRawText('rewrite', 'v2.0')).toBe(newText);
    const revisions = await pipeline.store.listRevisions('rewrite', 'v2.0');
    expect(revisions).toHaveLength(2);
    const texts = await Promise.all(
      revisions.map(async (revision) =>
        new TextDecoder().decode((await pipeline.blobs.getObject(revision.rawKey))?.bytes),
      ),
    );
    expect(texts).toEqual([newText, oldText]);
    const oldSource = await pipeline.store.listSourceCitations('25773905', { limit: 200 });
    expect(oldSource.items.some((item) => item.storyId === 'rewrite')).toBe(false);
  });

  it('records every rejected file as an ingest error, leaves it in place and goes on with the batch', async () => {
    const bad = {
      'rejects/missing-version.txt': 'Title only\n\n2024-01-01 00:00:00\n\nBody.',
      'rejects/binary.txt': 'v0.1\n\nTitle\n\n2024-01-01 00:00:00\n\nBody\u0000.',
      'rejects/bad-date.txt': 'v0.1\n\nTitle\n\n2023-02-29 10:00:00\n\nBody.',
      'rejects/empty-body.txt': 'v0.1\n\nTitle\n\n2024-01-01 00:00:00\n\nDisclaimer: none.',
      'rejects/no-title.txt': 'v0.1\n',
      'rejects/!bad-id.txt': buildStoryFile(),
    };
    for (const [key, text] of Object.entries(bad)) await pipeline.upload(key, text);
    await pipeline.upload('rejects/latin1.txt', Uint8Array.from([0x76, 0x30, 0x2e, 0x31, 0x0a, 0xe9, 0xff]));
    await pipeline.upload('rejects/huge.txt', new Uint8Array(1_048_577).fill(0x61));
    await pipeline.upload('rejects/fine.txt', buildStoryFile({ title: 'The good one' }));
    const keys = [...Object.keys(bad), 'rejects/latin1.txt', 'rejects/huge.txt', 'rejects/fine.txt'];

    const result = await pipeline.ingest(buildUploadEvent(...keys.map((key) => ({ key }))));

    expect(result.batchItemFailures).toEqual([]);
    const errors = await pipeline.store.listIngestErrors({ limit: 200 });
    const codes = Object.fromEntries(errors.items.map((error) => [error.key, error.code]));
    expect(codes).toMatchObject({
      'rejects/missing-version.txt': 'missing_version',
      'rejects/binary.txt': 'binary_content',
      'rejects/bad-date.txt': 'invalid_timestamp',
      'rejects/empty-body.txt': 'empty_body',
      'rejects/no-title.txt': 'missing_title',
      'rejects/!bad-id.txt': 'invalid_story_id',
      'rejects/latin1.txt': 'invalid_encoding',
      'rejects/huge.txt': 'too_large',
    });
    for (const error of errors.items) {
      expect(error.message.length).toBeGreaterThan(10);
      expect(Date.parse(error.at)).not.toBeNaN();
    }
    const head = await pipeline.clients.s3.send(
      new HeadObjectCommand({ Bucket: pipeline.emulators.bucket, Key: 'rejects/binary.txt' }),
    );
    expect(head.ContentLength).toBeGreaterThan(0);
    expect((await pipeline.store.getHead('fine'))?.title).toBe('The good one');
  });

  it('retries only the record that hit a transient failure', async () => {
    await pipeline.upload('transient/slow.txt', buildStoryFile({ title: 'Throttled once' }));
    await pipeline.upload('transient/quick.txt', buildStoryFile({ title: 'Quick' }));
    const event = buildUploadEvent({ key: 'transient/slow.txt' }, { key: 'transient/quick.txt' });
    const faulty = createFaultyClients(pipeline.env, ({ service, input }) =>
      service === 's3' && input.Key === 'transient/slow.txt' ? throttled() : undefined,
    );

    const first = await pipeline.ingest(event, faulty);
    expect(first.batchItemFailures).toEqual([{ itemIdentifier: event.Records[0]?.messageId }]);
    expect(await pipeline.store.getHead('slow')).toBeNull();
    expect((await pipeline.store.getHead('quick'))?.title).toBe('Quick');

    const retry = await pipeline.ingest({ Records: event.Records.slice(0, 1) });
    expect(retry.batchItemFailures).toEqual([]);
    expect((await pipeline.store.getHead('slow'))?.title).toBe('Throttled once');
  });

  it('records an object deleted before its event is handled, without failing the record', async () => {
    await pipeline.upload('gone/vanished.txt', buildStoryFile());
    await pipeline.remove('gone/vanished.txt');
    const result = await pipeline.ingest(buildUploadEvent({ key: 'gone/vanished.txt' }));

    expect(result.batchItemFailures).toEqual([]);
    const errors = await pipeline.store.listIngestErrors({ limit: 200 });
    expect(errors.items.find((error) => error.key === 'gone/vanished.txt')?.code).toBe('object_missing');
  });

  it('decodes URL-encoded keys with spaces, plus signs and unicode', async () => {
    const key = 'stories/enc-story/draft one+two é.txt';
    await pipeline.upload(key, buildStoryFile({ title: 'Encoded' }));
    const result = await pipeline.ingest(buildUploadEvent({ key }));

    expect(result.batchItemFailures).toEqual([]);
    expect((await pipeline.store.getHead('enc-story'))?.title).toBe('Encoded');
  });

  it('takes the story id from x-amz-meta-story-id when present', async () => {
    await pipeline.upload('misc/whatever.txt', buildStoryFile({ title: 'By metadata' }), {
      'story-id': 'meta-id',
    });
    await pipeline.ingest(buildUploadEvent({ key: 'misc/whatever.txt' }));
    expect((await pipeline.store.getHead('meta-id'))?.title).toBe('By metadata');
  });

  it('ignores the s3:TestEvent message, archive keys and non-story suffixes', async () => {
    const testEvent = buildSqsRecord([]);
    testEvent.body = JSON.stringify({ Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: 'stories' });
    await pipeline.upload('_archive/x/y.txt', buildStoryFile());
    await pipeline.upload('images/photo.png', 'not a story');
    const event = buildUploadEvent({ key: '_archive/x/y.txt' }, { key: 'images/photo.png' });
    const result = await pipeline.ingest({ Records: [testEvent, ...event.Records] });

    expect(result.batchItemFailures).toEqual([]);
    expect(await pipeline.store.getHead('y')).toBeNull();
  });

  it('sends a message that is not an S3 notification back to the queue (and so to the DLQ)', async () => {
    const record = buildSqsRecord([]);
    record.body = 'not json';
    const result = await pipeline.ingest({ Records: [record] });
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: record.messageId }]);
  });

  it('keeps a document too big for one item in the bucket, whole', async () => {
    const words = Array.from(
      { length: 120_000 },
      (_, index) => `w${((index * 7919) % 100_003).toString(36)}`,
    );
    const paragraphs = Array.from(
      { length: 60 },
      (_, index) => `${words.slice(index * 2000, (index + 1) * 2000).join(' ')}.`,
    );
    const text = buildStoryFile({ version: 'v1.0', paragraphs });
    expect(text.length).toBeLessThan(1_048_576);
    await pipeline.upload('stories/big/v1.0.txt', text);
    const result = await pipeline.ingest(buildUploadEvent({ key: 'stories/big/v1.0.txt' }));

    expect(result.batchItemFailures).toEqual([]);
    const stored = await pipeline.store.getVersion('big', 'v1.0');
    expect(stored?.document).toEqual(parseStory(text, { key: 'stories/big/v1.0.txt' }));
  });
});

describe('ingest after a crash between any two writes', () => {
  let pipeline: TestPipeline;

  beforeAll(async () => {
    pipeline = await startTestPipeline();
  });
  afterAll(async () => {
    await pipeline.stop();
  });

  it('converges to the state of a clean run when the event is redelivered', async () => {
    const key = 'stories/crashy/v1.0.txt';
    const firstText = buildStoryFile({ version: 'v1.0', paragraphs: ['Old [25773905] [aaaaaaaa].'] });
    const secondText = buildStoryFile({ version: 'v1.0', paragraphs: ['New [934f7ccc] [25773905].'] });
    const firstUpload = buildUploadEvent({ key });
    const secondUpload = buildUploadEvent({ key });

    const runScenario = async (crashAt: number | null): Promise<{ calls: number; state: unknown[] }> => {
      await pipeline.upload(key, firstText);
      await pipeline.ingest(firstUpload);
      await pipeline.upload(key, secondText);
      let calls = 0;
      const faulty = createFaultyClients(pipeline.env, () => {
        calls += 1;
        return calls === crashAt ? new Error('injected crash') : undefined;
      });
      const crashed = await pipeline.ingest(secondUpload, faulty);
      if (crashAt !== null && crashAt <= calls) {
        expect(crashed.batchItemFailures).toHaveLength(1);
        const redelivered = await pipeline.ingest(secondUpload);
        expect(redelivered.batchItemFailures).toEqual([]);
      }
      const state = (await pipeline.scanTable()).filter(
        (item) => item.pk === 'STORY#crashy' || String(item.sk).startsWith('crashy#'),
      );
      return { calls, state };
    };

    const clean = await runScenario(null);
    expect(clean.calls).toBeGreaterThan(5);
    for (let crashAt = 1; crashAt <= clean.calls; crashAt += 1) {
      await resetStory(pipeline);
      const crashed = await runScenario(crashAt);
      expect(crashed.state, `crash at write ${crashAt}`).toEqual(clean.state);
    }
  });
});

/** Deletes every item of the crash test's story so each scenario starts from nothing. */
async function resetStory(pipeline: TestPipeline): Promise<void> {
  const { DeleteCommand } = await import('@aws-sdk/lib-dynamodb');
  const items = (await pipeline.scanTable()).filter(
    (item) => item.pk === 'STORY#crashy' || String(item.sk).startsWith('crashy#'),
  );
  for (const item of items) {
    await pipeline.clients.dynamo.send(
      new DeleteCommand({ TableName: pipeline.emulators.tableName, Key: { pk: item.pk, sk: item.sk } }),
    );
  }
}

describe('ingest observability', () => {
  let pipeline: TestPipeline;
  const disabled = process.env.POWERTOOLS_METRICS_DISABLED;

  beforeAll(async () => {
    pipeline = await startTestPipeline();
    process.env.POWERTOOLS_METRICS_DISABLED = 'false';
  });
  afterAll(async () => {
    process.env.POWERTOOLS_METRICS_DISABLED = disabled;
    await pipeline.stop();
  });

  it('logs one JSON line per record and publishes the four EMF metrics', async () => {
    await pipeline.upload('obs/good.txt', buildStoryFile({ version: 'v0.3' }));
    await pipeline.upload('obs/bad.txt', 'not a story');
    const written: string[] = [];
    const capture = (chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    };
    const spies = [
      vi.spyOn(process.stdout, 'write').mockImplementation(capture),
      vi.spyOn(process.stderr, 'write').mockImplementation(capture),
    ];
    const handler = createIngestHandler({
      blobs: pipeline.blobs,
      store: pipeline.store,
      logger: new Logger({ serviceName: 'ingest-test', logLevel: 'INFO' }),
      metrics: new Metrics({ namespace: 'storyfeed-test', serviceName: 'ingest-test' }),
    });
    const faulty = createFaultyClients(pipeline.env, ({ service, input }) =>
      service === 's3' && input.Key === 'obs/slow.txt' ? throttled() : undefined,
    );
    const slowBlobs = new S3BlobStore(faulty.s3, pipeline.emulators.bucket);
    const slowHandler = createIngestHandler({
      blobs: slowBlobs,
      store: pipeline.store,
      logger: new Logger({ serviceName: 'ingest-test', logLevel: 'INFO' }),
      metrics: new Metrics({ namespace: 'storyfeed-test', serviceName: 'ingest-test' }),
    });
    try {
      await handler(buildUploadEvent({ key: 'obs/good.txt' }, { key: 'obs/bad.txt' }));
      await slowHandler(buildUploadEvent({ key: 'obs/slow.txt' }));
    } finally {
      for (const spy of spies) spy.mockRestore();
    }

    const lines = written.flatMap((chunk) => chunk.split('\n')).filter((line) => line.startsWith('{'));
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const ingested = entries.filter((entry) => entry.message === 'ingested' || entry.outcome === 'retried');
    expect(ingested).toHaveLength(3);
    // Records of a batch are ingested in parallel, so their lines come in any order.
    expect(ingested).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          key: 'obs/good.txt',
          storyId: 'good',
          version: 'v0.3',
          outcome: 'stored',
          ms: expect.any(Number),
        }),
        expect.objectContaining({
          key: 'obs/bad.txt',
          outcome: 'rejected',
          code: 'missing_version',
          ms: expect.any(Number),
        }),
        expect.objectContaining({ key: 'obs/slow.txt', outcome: 'retried', ms: expect.any(Number) }),
      ]),
    );
    const metricNames = entries
      .filter((entry) => entry._aws !== undefined)
      .flatMap((entry) => Object.keys(entry))
      .filter((name) => /^(StoryVersionsIngested|IngestRejected|IngestRetried|IngestDurationMs)$/.test(name));
    expect(new Set(metricNames)).toEqual(
      new Set(['StoryVersionsIngested', 'IngestRejected', 'IngestRetried', 'IngestDurationMs']),
    );
  });
});
