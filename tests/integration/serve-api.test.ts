import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { parseAtomFeed, parseJsonFeed, parseRssFeed } from 'feedsmith';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../../functions/http/openapi.ts';
import { buildHttpApiEvent } from '../builders/api-gateway-events.ts';
import { buildUploadEvent } from '../builders/s3-events.ts';
import { buildStoryFile } from '../builders/story-file.ts';
import { createValidator, type OpenApiDocument } from '../unit/http/openapi-validator.ts';
import { startTestPipeline, type TestPipeline } from './pipeline.ts';

const SEED_ID = '8ac52d5236e3c6f4';
const seedText = readFileSync(new URL('../../seeds/000_8ac52d5236e3c6f4.txt', import.meta.url), 'utf8');
const BASE = 'https://api.example.test';

type Handler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

interface Answer {
  status: number;
  headers: Record<string, string>;
  text: string;
}

describe('serve-api handler over ingested data', () => {
  let pipeline: TestPipeline;
  let handler: Handler;

  async function get(target: string, options: Parameters<typeof buildHttpApiEvent>[1] = {}): Promise<Answer> {
    const result = await handler(buildHttpApiEvent(target, options));
    const raw = result.body ?? '';
    const bytes = result.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw);
    const headers = Object.fromEntries(
      Object.entries(result.headers ?? {}).map(([name, value]) => [name.toLowerCase(), String(value)]),
    );
    const text =
      headers['content-encoding'] === 'gzip' ? gunzipSync(bytes).toString('utf8') : bytes.toString('utf8');
    return { status: result.statusCode ?? 200, headers, text };
  }

  async function getJson<T>(target: string): Promise<T> {
    const answer = await get(target);
    expect(answer.status, `${target}: ${answer.text}`).toBe(200);
    return JSON.parse(answer.text) as T;
  }

  async function ingest(key: string, text: string): Promise<void> {
    await pipeline.upload(key, text);
    const result = await pipeline.ingest(buildUploadEvent({ key }));
    expect(result.batchItemFailures).toEqual([]);
  }

  beforeAll(async () => {
    pipeline = await startTestPipeline();
    process.env.READ_CACHE_MS = '0';
    process.env.CURSOR_SECRET = 'integration-test-secret';
    ({ handler } = await import('../../functions/serve-api.ts'));
    await ingest('000_8ac52d5236e3c6f4.txt', seedText);
    await ingest(
      'stories/harbour/v0.11.txt',
      buildStoryFile({
        version: 'v0.11',
        title: 'Harbour & <Bay> "news"',
        timestamp: '2024-07-06 09:00:00',
        paragraphs: ['The port handled 80.3 billion yuan of goods [25773905].', 'Unchanged closing line.'],
      }),
    );
    await ingest(
      'stories/harbour/v0.12.txt',
      buildStoryFile({
        version: 'v0.12',
        title: 'Harbour & <Bay> "news"',
        timestamp: '2024-07-07 09:00:00',
        paragraphs: [
          'The port handled 90 billion yuan of goods [25773905] [abcdef12].',
          'A brand new paragraph about ferries.',
          'Unchanged closing line.',
        ],
      }),
    );
  });
  afterAll(async () => {
    await pipeline.stop();
  });

  it('answers /health', async () => {
    expect(await getJson('/health')).toEqual({ ok: true });
  });

  it('serves the latest feed as JSON Feed 1.1, newest story first', async () => {
    const answer = await get('/feeds/latest.json');
    expect(answer.headers['content-type']).toMatch(/^application\/feed\+json/);
    expect(answer.headers['cache-control']).toBe('public, max-age=60');
    const feed = parseJsonFeed(JSON.parse(answer.text));
    expect(feed.items?.map((item) => item.id)).toEqual([
      `${BASE}/stories/harbour`,
      `${BASE}/stories/${SEED_ID}`,
    ]);
    expect(feed.items?.[0]?.title).toBe('Harbour & <Bay> "news"');
    expect(feed.items?.[0]?.date_modified).toBe('2024-07-07T09:00:00.000Z');
    expect(feed.items?.[0]?.content_html).toContain(`${BASE}/cited/abcdef12`);
    expect(JSON.parse(answer.text).version).toBe('https://jsonfeed.org/version/1.1');
  });

  it('serves the latest feed as Atom and RSS that parse back to the same entries', async () => {
    const atom = await get('/feeds/latest.atom');
    expect(atom.headers['content-type']).toMatch(/^application\/atom\+xml/);
    expect(XMLValidator.validate(atom.text)).toBe(true);
    const atomFeed = parseAtomFeed(atom.text);
    expect(atomFeed.entries?.map((entry) => entry.id)).toEqual([
      `${BASE}/stories/harbour`,
      `${BASE}/stories/${SEED_ID}`,
    ]);
    expect(atomFeed.entries?.[0]?.title).toEqual({ type: 'text', value: 'Harbour & <Bay> "news"' });

    const rss = await get('/feeds/latest.rss');
    expect(rss.headers['content-type']).toMatch(/^application\/rss\+xml/);
    const rssFeed = parseRssFeed(rss.text);
    expect(rssFeed.items?.map((item) => item.title)).toEqual([
      'Harbour & <Bay> "news"',
      'Shenzhen and Xuhui: Transforming into Global Tech and AI Hubs',
    ]);
    expect(rssFeed.items?.[1]?.pubDate).toBe('Fri, 05 Jul 2024 15:33:01 GMT');
  });

  it('keeps a story entry id stable when a new version arrives, and gives each version its own id', async () => {
    const story = parseJsonFeed(JSON.parse((await get('/stories/harbour/feed.json')).text));
    expect(story.items?.map((item) => item.id)).toEqual([
      `${BASE}/stories/harbour/versions/v0.12`,
      `${BASE}/stories/harbour/versions/v0.11`,
    ]);
  });

  it('serves the source feed of the stories whose latest version cites it', async () => {
    const feed = new XMLParser().parse((await get('/sources/abcdef12/feed.atom')).text) as {
      feed: { entry: { id: string } | { id: string }[] };
    };
    const entries = [feed.feed.entry].flat();
    expect(entries.map((entry) => entry.id)).toEqual([`${BASE}/stories/harbour`]);
  });

  it('serves a story as its latest document plus every version label', async () => {
    const story = await getJson<{ version: string; versions: string[]; storyId: string }>('/stories/harbour');
    expect(story).toMatchObject({ storyId: 'harbour', version: 'v0.12', versions: ['v0.12', 'v0.11'] });
    const seed = await getJson<{ metrics: { words: number } }>(`/stories/${SEED_ID}`);
    expect(seed.metrics.words).toBe(823);
  });

  it('serves one version, v0.12.0 naming v0.12, and its raw text', async () => {
    const version = await getJson<{ version: string; title: string }>('/stories/harbour/versions/v0.11');
    expect(version.version).toBe('v0.11');
    expect((await getJson<{ version: string }>(`/stories/${SEED_ID}/versions/v0.12.0`)).version).toBe(
      'v0.12',
    );
    const raw = await get(`/stories/${SEED_ID}/versions/v0.12/raw`);
    expect(raw.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(raw.text).toBe(seedText);
  });

  it('diffs two versions: changed paragraph, added paragraph, citations and figures', async () => {
    const diff = await getJson<{
      paragraphs: { added: { text: string }[]; removed: unknown[]; changed: unknown[] };
      citations: { added: string[]; removed: string[] };
      figures: { changed: { from: { value: number }; to: { value: number } }[] };
      metrics: Record<string, { delta: number }>;
    }>('/stories/harbour/diff?from=v0.11&to=v0.12');
    expect(diff.paragraphs.added.map((paragraph) => paragraph.text)).toEqual([
      'A brand new paragraph about ferries.',
    ]);
    expect(diff.paragraphs.changed).toHaveLength(1);
    expect(diff.citations).toEqual({ added: ['abcdef12'], removed: [] });
    expect(diff.figures.changed.map((change) => [change.from.value, change.to.value])).toEqual([
      [80.3e9, 90e9],
    ]);
    expect(diff.metrics.paragraphs?.delta).toBe(1);
  });

  it('lists the versions citing a source with the paragraphs that do', async () => {
    const list = await getJson<{
      items: { storyId: string; version: string; paragraphs: { index: number }[] }[];
    }>('/sources/25773905');
    const harbour = list.items.filter((item) => item.storyId === 'harbour').map((item) => item.version);
    expect(harbour).toEqual(['v0.12', 'v0.11']);
    const seed = list.items.find((item) => item.storyId === SEED_ID);
    expect(seed?.paragraphs.map((paragraph) => paragraph.index)).toEqual([0, 1, 5]);
  });

  it('lists rejected uploads newest first', async () => {
    await ingest('broken/late.txt', 'no version here\n\ntitle\n\n2024-01-01 00:00:00\n\nbody');
    const errors = await getJson<{ items: { key: string; code: string; at: string }[] }>('/ingest/errors');
    expect(errors.items[0]).toMatchObject({ key: 'broken/late.txt', code: 'missing_version' });
  });

  it('answers 304 to If-None-Match and If-Modified-Since, and a new ETag after a same-version re-upload', async () => {
    const first = await get('/stories/harbour');
    const etag = first.headers.etag ?? '';
    expect(etag).toMatch(/^"/);
    expect((await get('/stories/harbour', { headers: { 'if-none-match': etag } })).status).toBe(304);
    const since = first.headers['last-modified'] ?? '';
    const notModified = await get('/stories/harbour', { headers: { 'if-modified-since': since } });
    expect(notModified).toMatchObject({ status: 304, text: '' });

    await ingest(
      'stories/harbour/v0.12-fixed.txt',
      buildStoryFile({ version: 'v0.12', title: 'Harbour & <Bay> "news"', timestamp: '2024-07-07 09:00:00' }),
    );
    const changed = await get('/stories/harbour', { headers: { 'if-none-match': etag } });
    expect(changed.status).toBe(200);
    expect(changed.headers.etag).not.toBe(etag);
  });

  it('compresses with gzip when the client accepts it, and answers HEAD without a body', async () => {
    const zipped = await handler(
      buildHttpApiEvent('/feeds/latest.json', { headers: { 'accept-encoding': 'gzip' } }),
    );
    expect(zipped.headers?.['content-encoding']).toBe('gzip');
    expect(zipped.isBase64Encoded).toBe(true);
    const head = await get('/feeds/latest.json', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.text).toBe('');
  });

  it('builds absolute URLs from the stage when there is no PUBLIC_BASE_URL', async () => {
    const feed = JSON.parse((await get('/feeds/latest.json', { stage: 'prod' })).text) as {
      feed_url: string;
    };
    expect(feed.feed_url).toBe(`${BASE}/prod/feeds/latest.json`);
  });

  it('answers every JSON route as its OpenAPI schema says', async () => {
    const validate = createValidator(buildOpenApiDocument(BASE) as unknown as OpenApiDocument);
    const samples: [string, string][] = [
      ['/stories', '/stories?limit=2'],
      ['/stories/{storyId}', '/stories/harbour'],
      ['/stories/{storyId}/versions/{version}', `/stories/${SEED_ID}/versions/v0.12`],
      ['/stories/{storyId}/diff', '/stories/harbour/diff?from=v0.11&to=v0.12'],
      ['/sources/{citationId}', '/sources/25773905'],
      ['/ingest/errors', '/ingest/errors'],
      ['/health', '/health'],
      ['/feeds/latest.json', '/feeds/latest.json'],
    ];
    for (const [pathKey, target] of samples) {
      const answer = await get(target);
      expect(validate(pathKey, String(answer.status), { ...answer, body: answer.text })).toEqual([]);
    }
    const missing = await get('/stories/nobody-here');
    expect(validate('/stories/{storyId}', '404', { ...missing, body: missing.text })).toEqual([]);
  });

  it('never answers 5xx to hostile input', async () => {
    const hostile = [
      '/stories/..%2F..%2Fetc%2Fpasswd',
      '/stories/../../etc/passwd',
      `/stories/${'a'.repeat(10_240)}`,
      '/stories/harbour/versions/v0.x',
      '/stories/harbour/versions/v99.0',
      '/stories/%E2%9C%93/feed.json',
      '/stories?cursor=not-a-cursor',
      '/stories?limit=0',
      '/stories?limit=201',
      '/sources/zz/feed.json',
      '/stories/harbour/diff?from=v0.11&to=',
      '/stories/harbour/diff?from=v0.11&to=v9.9',
      '/nope',
    ];
    for (const target of hostile) {
      const answer = await get(target);
      expect(answer.status, target).toBeGreaterThanOrEqual(400);
      expect(answer.status, target).toBeLessThan(500);
      expect(JSON.parse(answer.text).error.code, target).toEqual(expect.any(String));
    }
    const post = await get('/stories', { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
  });

  // Runs last: it adds a story that the list assertions above do not expect.
  it('answers a story over the 6 MB response limit with 303 to a presigned copy in the bucket', async () => {
    await ingest('stories/percent-bomb/v1.0.txt', buildStoryFile({ paragraphs: ['5% '.repeat(70_000)] }));
    const answer = await get('/stories/percent-bomb');
    expect(answer.status).toBe(303);
    expect(answer.headers['cache-control']).toBe('no-store');
    const location = answer.headers.location ?? '';
    expect(location).toContain('X-Amz-Signature=');
    const copy = await fetch(location);
    expect(copy.status).toBe(200);
    expect(copy.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const text = await copy.text();
    expect(Buffer.byteLength(text)).toBeGreaterThan(5_000_000);
    const document = JSON.parse(text) as { storyId: string; figures: unknown[]; versions: string[] };
    expect(document.storyId).toBe('percent-bomb');
    expect(document.figures).toHaveLength(70_000);
    expect(document.versions).toEqual(['v0.1']);
  });
});
