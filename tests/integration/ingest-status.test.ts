import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleHttpRequest } from '../../functions/http/handle-http-request.ts';
import type { HttpResponse } from '../../functions/http/types.ts';
import type { IngestStatus } from '../../functions/store/story-store.ts';
import { buildUploadEvent, type UploadNotice } from '../builders/s3-events.ts';
import { buildStoryFile } from '../builders/story-file.ts';
import { bodyJson, splitTarget } from '../unit/http/http-harness.ts';
import { startTestPipeline, type TestPipeline } from './pipeline.ts';

const BASE_URL = 'http://localhost:3000';

describe('GET /ingest/status', () => {
  let pipeline: TestPipeline;

  beforeAll(async () => {
    pipeline = await startTestPipeline();
  });
  afterAll(async () => {
    await pipeline.stop();
  });

  function get(target: string): Promise<HttpResponse> {
    return handleHttpRequest(
      { method: 'GET', ...splitTarget(target), headers: {}, baseUrl: BASE_URL },
      { reader: pipeline.store, cursorSecret: 'status-test' },
    );
  }

  /** The ETag as PutObject answers it (quoted); S3 events and pipeline.upload give it bare. */
  function quoted(eTag: string): string {
    return `"${eTag}"`;
  }

  async function status(key: string): Promise<IngestStatus> {
    const response = await get(`/ingest/status?key=${encodeURIComponent(key)}`);
    expect(response.status, JSON.stringify(bodyJson(response))).toBe(200);
    return bodyJson<IngestStatus>(response);
  }

  /** Uploads `text` under `key` and runs the ingest handler on its event; resolves to the ETag. */
  async function uploadAndIngest(
    key: string,
    text: string,
    notice: Partial<UploadNotice> = {},
    metadata?: Record<string, string>,
  ): Promise<string> {
    const eTag = await pipeline.upload(key, text, metadata);
    const result = await pipeline.ingest(buildUploadEvent({ key, eTag, ...notice }));
    expect(result.batchItemFailures).toEqual([]);
    return eTag;
  }

  it('answers stored with the ETag of the processed object', async () => {
    const eTag = await uploadAndIngest('status/stored.txt', buildStoryFile({ version: 'v1.0' }));

    expect(await status('status/stored.txt')).toEqual({
      key: 'status/stored.txt',
      etag: quoted(eTag),
      outcome: 'stored',
      storyId: 'stored',
      version: 'v1.0',
      code: null,
      message: null,
      warnings: [],
      at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
  });

  it('answers duplicate with a same_text warning and changes no route when identical text comes again', async () => {
    const text = buildStoryFile({ version: 'v2.0', paragraphs: ['Same words [25773905].'] });
    await uploadAndIngest('status/same.txt', text, { eventTime: '2026-02-01T00:00:00.000Z' });
    const routes = ['/stories/same', '/stories/same/feed.atom', '/feeds/latest.json', '/stories'];
    const before = await Promise.all(routes.map((route) => get(route)));

    await uploadAndIngest('status/same.txt', text, { eventTime: '2026-02-01T01:00:00.000Z' });

    expect(await status('status/same.txt')).toMatchObject({
      outcome: 'duplicate',
      storyId: 'same',
      version: 'v2.0',
      warnings: [{ code: 'same_text', message: expect.stringContaining('v2.0') }],
    });
    const after = await Promise.all(routes.map((route) => get(route)));
    for (const [index, response] of after.entries()) {
      expect(response.headers.etag, routes[index]).toBe(before[index]?.headers.etag);
      expect(response.headers['last-modified'], routes[index]).toBe(before[index]?.headers['last-modified']);
    }
  });

  it('answers stale for an upload older than the stored text of its version', async () => {
    const metadata = { 'story-id': 'stale-story' };
    await uploadAndIngest(
      'status/stale-new.txt',
      buildStoryFile({ version: 'v1.0', title: 'Newer' }),
      { eventTime: '2026-03-01T00:00:10.000Z' },
      metadata,
    );
    await uploadAndIngest(
      'status/stale-old.txt',
      buildStoryFile({ version: 'v1.0', title: 'Older' }),
      { eventTime: '2026-03-01T00:00:05.000Z' },
      metadata,
    );

    expect(await status('status/stale-old.txt')).toMatchObject({
      outcome: 'stale',
      storyId: 'stale-story',
      version: 'v1.0',
    });
    expect((await pipeline.store.getHead('stale-story'))?.title).toBe('Newer');
  });

  it('answers rejected with the code, then stored after a good upload, which clears the key’s errors', async () => {
    const key = 'status/fixed.txt';
    const badTag = await uploadAndIngest(key, 'no version line\n\nTitle\n\n2024-01-01 00:00:00\n\nBody.');
    expect(await status(key)).toMatchObject({
      etag: quoted(badTag),
      outcome: 'rejected',
      code: 'missing_version',
      message: expect.any(String),
      storyId: null,
      version: null,
    });
    const listed = async () =>
      (await pipeline.store.listIngestErrors({ limit: 200 })).items.filter((error) => error.key === key);
    expect(await listed()).toHaveLength(1);

    const goodTag = await uploadAndIngest(key, buildStoryFile({ version: 'v0.2' }));

    expect(await status(key)).toMatchObject({ etag: quoted(goodTag), outcome: 'stored', code: null });
    expect(await listed()).toEqual([]);
  });

  it('keeps the status of the newer upload when an older event of the key arrives later', async () => {
    const key = 'status/reordered.txt';
    const oldTag = await pipeline.upload(key, buildStoryFile({ version: 'v1.0' }));
    const newTag = await pipeline.upload(key, buildStoryFile({ version: 'v1.1' }));
    await pipeline.ingest(buildUploadEvent({ key, eTag: newTag, sequencer: 'B2' }));
    await pipeline.ingest(buildUploadEvent({ key, eTag: oldTag, sequencer: 'A1' }));

    expect(await status(key)).toMatchObject({ etag: quoted(newTag), version: 'v1.1' });
  });

  it('orders sequencers of different lengths by value', async () => {
    const key = 'status/lengths.txt';
    const first = await pipeline.upload(key, buildStoryFile({ version: 'v3.0' }));
    const second = await pipeline.upload(key, buildStoryFile({ version: 'v3.1' }));
    await pipeline.ingest(buildUploadEvent({ key, eTag: second, sequencer: '1000' }));
    await pipeline.ingest(buildUploadEvent({ key, eTag: first, sequencer: 'FFF' }));

    expect((await status(key)).etag).toBe(quoted(second));
  });

  it('answers the same status when the same event is delivered again', async () => {
    const key = 'status/redelivered.txt';
    const eTag = await pipeline.upload(key, buildStoryFile({ version: 'v5.0' }));
    const event = buildUploadEvent({ key, eTag });
    await pipeline.ingest(event);
    const first = await status(key);
    await pipeline.ingest(event);

    expect(await status(key)).toEqual(first);
    expect(first.outcome).toBe('stored');
  });

  it('warns timestamp_not_later when a higher version is not published later than the one below', async () => {
    await uploadAndIngest(
      'stories/clock/v1.0.txt',
      buildStoryFile({ version: 'v1.0', timestamp: '2024-07-05 15:33:01' }),
    );
    await uploadAndIngest(
      'stories/clock/v1.1.txt',
      buildStoryFile({ version: 'v1.1', timestamp: '2024-07-05 15:33:01', title: 'Same minute' }),
    );

    expect(await status('stories/clock/v1.1.txt')).toMatchObject({
      outcome: 'stored',
      warnings: [{ code: 'timestamp_not_later', message: expect.stringContaining('v1.0') }],
    });
    expect((await status('stories/clock/v1.0.txt')).warnings).toEqual([]);
  });

  it('answers for a 1,000-byte key', async () => {
    const segments = Array.from({ length: 5 }, (_, index) => `${index}${'k'.repeat(197)}`);
    const key = `${segments.join('/')}kk.txt`;
    expect(Buffer.byteLength(key)).toBe(1_000);
    const eTag = await uploadAndIngest(
      key,
      buildStoryFile({ version: 'v1.0' }),
      {},
      { 'story-id': 'long-key' },
    );

    expect(await status(key)).toMatchObject({
      key,
      etag: quoted(eTag),
      outcome: 'stored',
      storyId: 'long-key',
    });
  });

  it('answers the ETag exactly as the uploader’s PutObject answered it', async () => {
    const key = 'status/put-etag.txt';
    const put = await pipeline.clients.s3.send(
      new PutObjectCommand({
        Bucket: pipeline.emulators.bucket,
        Key: key,
        Body: buildStoryFile({ version: 'v1.0' }),
      }),
    );
    // S3 event notifications carry the ETag without its quotes.
    await pipeline.ingest(buildUploadEvent({ key, eTag: (put.ETag ?? '').replace(/"/g, '') }));
    expect((await status(key)).etag).toBe(put.ETag);
  });

  it('answers 404 unknown_key for a key never processed and 400 without a key', async () => {
    const unknown = await get('/ingest/status?key=never%2Fuploaded.txt');
    expect(unknown.status).toBe(404);
    expect(bodyJson(unknown)).toEqual({ error: { code: 'unknown_key', message: expect.any(String) } });

    for (const target of ['/ingest/status', '/ingest/status?key=']) {
      const missing = await get(target);
      expect(missing.status, target).toBe(400);
      expect(bodyJson(missing)).toMatchObject({ error: { code: 'bad_parameter' } });
    }
  });
});
