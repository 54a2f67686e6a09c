import { gunzipSync, gzipSync } from 'node:zlib';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { hashHex } from '../../functions/store/dynamo-keys.ts';
import { parseStory } from '../../functions/story/parse-story.ts';
import { buildHttpApiEvent } from '../builders/api-gateway-events.ts';
import { buildUploadEvent } from '../builders/s3-events.ts';
import { buildStoryFile } from '../builders/story-file.ts';
import { startTestPipeline, type TestPipeline } from './pipeline.ts';

type Handler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

let pipeline: TestPipeline;
let handler: Handler;

async function get(target: string): Promise<{ status: number; body: string }> {
  const result = await handler(buildHttpApiEvent(target));
  const raw = Buffer.from(result.body ?? '', result.isBase64Encoded ? 'base64' : 'utf8');
  const gzipped = Object.entries(result.headers ?? {}).some(
    ([name, value]) => name.toLowerCase() === 'content-encoding' && value === 'gzip',
  );
  return { status: result.statusCode ?? 200, body: (gzipped ? gunzipSync(raw) : raw).toString('utf8') };
}

async function ingest(key: string, text: string) {
  await pipeline.upload(key, text);
  const result = await pipeline.ingest(buildUploadEvent({ key }));
  expect(result.batchItemFailures).toEqual([]);
}

/** A story whose document gzips to more than a table item holds, so it is archived in the bucket. */
function bigStoryText(): string {
  const words = Array.from({ length: 120_000 }, (_, index) => `w${((index * 7919) % 100_003).toString(36)}`);
  const paragraphs = Array.from(
    { length: 60 },
    (_, index) => `${words.slice(index * 2000, (index + 1) * 2000).join(' ')} [abcdef12].`,
  );
  return buildStoryFile({
    version: 'v1.0',
    title: 'Big story',
    timestamp: '2024-05-02 10:00:00',
    paragraphs,
  });
}

const SMALL = buildStoryFile({
  version: 'v0.1',
  title: 'Small story',
  timestamp: '2024-05-01 10:00:00',
  paragraphs: ['A small story cites [abcdef12].'],
});
const BIG = bigStoryText();
const archiveBase = (storyId: string, text: string, key: string) =>
  `_archive/${storyId}/${hashHex(parseStory(text, { key }).contentHash)}`;

beforeAll(async () => {
  pipeline = await startTestPipeline();
  process.env.READ_CACHE_MS = '0';
  ({ handler } = await import('../../functions/serve-api.ts'));
  await ingest('stories/small/v0.1.txt', SMALL);
  await ingest('stories/big/v1.0.txt', BIG);
});

afterAll(async () => {
  await pipeline.stop();
});

describe('archived objects changed in the bucket after ingest', () => {
  it.each([
    ['bytes that are not gzip', () => Buffer.from('not gzip at all')],
    [
      'a valid gzip of another document',
      () =>
        gzipSync(JSON.stringify({ ...parseStory(BIG, { key: 'stories/big/v1.0.txt' }), title: 'Forged' })),
    ],
  ])(
    'keeps every feed up when the stored document is replaced by %s, and names the fault on its routes',
    async (_, forged) => {
      const reported = vi.spyOn(console, 'error').mockImplementation(() => undefined);
      await pipeline.upload(`${archiveBase('big', BIG, 'stories/big/v1.0.txt')}.doc.json.gz`, forged());

      for (const target of [
        '/feeds/latest.json',
        '/feeds/latest.atom',
        '/sources/abcdef12/feed.json',
        '/stories',
      ]) {
        expect((await get(target)).status, target).toBe(200);
      }
      const latest = JSON.parse((await get('/feeds/latest.json')).body) as { items: { title: string }[] };
      expect(latest.items.map((item) => item.title)).toEqual(['Small story']);
      for (const target of ['/stories/big', '/stories/big/versions/v1.0']) {
        const answer = await get(target);
        expect(answer.status, target).toBe(500);
        expect(JSON.parse(answer.body).error.code).toBe('archive_corrupt');
      }
      expect(reported.mock.calls.flat().join('\n')).toContain('"message":"archive_corrupt"');
      reported.mockRestore();

      await ingest('stories/big/v1.0.txt', BIG);
      const repaired = await get('/stories/big');
      expect(repaired.status).toBe(200);
      expect(JSON.parse(repaired.body).title).toBe('Big story');
    },
  );

  it('answers archive_corrupt for a raw text replaced in the bucket, and serves it again after a re-upload', async () => {
    const rawKey = `${archiveBase('small', SMALL, 'stories/small/v0.1.txt')}.raw`;
    const reported = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    await pipeline.upload(rawKey, SMALL.replace('A small story', 'A forged story'));

    const raw = await get('/stories/small/versions/v0.1/raw');
    expect(raw.status).toBe(500);
    expect(JSON.parse(raw.body).error.code).toBe('archive_corrupt');
    expect(raw.body).not.toContain('forged');
    expect((await get('/stories/small')).status).toBe(200);
    expect(reported.mock.calls.flat().join('\n')).toContain(`"key":"${rawKey}"`);
    reported.mockRestore();

    await ingest('stories/small/v0.1.txt', SMALL);
    const again = await get('/stories/small/versions/v0.1/raw');
    expect(again).toEqual({ status: 200, body: SMALL });
  });
});

describe('ingest errors of any key S3 accepts', () => {
  it('records and lists a rejected upload whose key is 1,000 bytes', async () => {
    const key = `stories/rejects/${'k'.repeat(980)}.txt`;
    expect(Buffer.byteLength(key)).toBe(1000);
    await pipeline.upload(key, 'no version line here\n');
    const result = await pipeline.ingest(buildUploadEvent({ key }));

    expect(result.batchItemFailures).toEqual([]);
    const listed = JSON.parse((await get('/ingest/errors')).body) as {
      items: { key: string; code: string }[];
    };
    expect(listed.items).toContainEqual(expect.objectContaining({ key, code: 'missing_version' }));
  });
});
