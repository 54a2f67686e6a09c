import { describe, expect, it } from 'vitest';
import { chooseContentCoding } from '../../../functions/http/representation.ts';
import { buildStoryDocument } from '../../builders/story-document.ts';
import { bodyText, createClient, minutesAfterStart, NOW, seedCorpus } from './http-harness.ts';
import { MemoryStoryReader } from './memory-reader.ts';

function seededClient() {
  const reader = new MemoryStoryReader();
  seedCorpus(reader);
  return createClient(reader);
}

const GET_ROUTES = [
  '/feeds/latest.json',
  '/feeds/latest.atom',
  '/feeds/latest.rss',
  '/stories/alpha/feed.json',
  '/sources/25773905/feed.rss',
  '/stories',
  '/stories/alpha',
  '/stories/alpha/versions/v0.9',
  '/stories/alpha/versions/v0.9/raw',
  '/stories/alpha/diff?from=v0.9&to=v0.12',
  '/sources/25773905',
  '/ingest/errors',
  '/health',
  '/openapi.json',
];

describe('conditional GET', () => {
  it('gives every 200 GET a strong ETag, an HTTP-date Last-Modified, Cache-Control and Vary', async () => {
    const client = seededClient();
    for (const target of GET_ROUTES) {
      const response = await client.request(target);
      expect(response.status, target).toBe(200);
      expect(response.headers.etag, target).toMatch(/^"[A-Za-z0-9_-]+"$/);
      expect(response.headers['last-modified'], target).toMatch(
        /^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/,
      );
      expect(response.headers['cache-control'], target).toBeTruthy();
      expect(response.headers.vary, target).toBe('Accept-Encoding');
    }
  });

  it('answers 304 with no body to If-None-Match with the ETag, on every route', async () => {
    const client = seededClient();
    for (const target of GET_ROUTES) {
      const first = await client.request(target);
      const etag = first.headers.etag ?? '';
      const second = await client.request(target, { headers: { 'if-none-match': etag } });
      expect(second.status, target).toBe(304);
      expect(second.body, target).toBe('');
      expect(second.headers.etag).toBe(etag);
      expect(second.headers['cache-control']).toBe(first.headers['cache-control']);
    }
  });

  it('matches If-None-Match lists, weak tags and *, and ignores other tags', async () => {
    const client = seededClient();
    const etag = (await client.request('/stories')).headers.etag ?? '';
    const status = async (header: string) =>
      (await client.request('/stories', { headers: { 'if-none-match': header } })).status;
    expect(await status(`"other", ${etag}`)).toBe(304);
    expect(await status(`W/${etag}`)).toBe(304);
    expect(await status('*')).toBe(304);
    expect(await status('"other"')).toBe(200);
    expect(await status(`${etag.slice(0, -2)}"`)).toBe(200);
  });

  it('answers 304 to If-Modified-Since at or after Last-Modified, 200 before it', async () => {
    const client = seededClient();
    const first = await client.request('/stories/alpha');
    const lastModified = first.headers['last-modified'] ?? '';
    expect(lastModified).toBe(new Date(minutesAfterStart(20)).toUTCString());
    const at = await client.request('/stories/alpha', { headers: { 'if-modified-since': lastModified } });
    expect(at.status).toBe(304);
    const before = new Date(Date.parse(lastModified) - 1000).toUTCString();
    expect(
      (await client.request('/stories/alpha', { headers: { 'if-modified-since': before } })).status,
    ).toBe(200);
    expect(
      (await client.request('/stories/alpha', { headers: { 'if-modified-since': 'garbage' } })).status,
    ).toBe(200);
  });

  it('ignores If-Modified-Since when If-None-Match is present', async () => {
    const client = seededClient();
    const first = await client.request('/stories');
    const response = await client.request('/stories', {
      headers: { 'if-none-match': '"stale"', 'if-modified-since': first.headers['last-modified'] ?? '' },
    });
    expect(response.status).toBe(200);
  });

  it('answers 200 with a new ETag and Last-Modified once the data changes', async () => {
    const client = seededClient();
    const before = await client.request('/feeds/latest.json');
    client.reader.addVersion(
      buildStoryDocument({
        storyId: 'alpha',
        version: 'v0.13',
        title: 'Alpha newer',
        publishedAt: minutesAfterStart(60),
      }),
      { ingestedAt: minutesAfterStart(61) },
    );
    const after = await client.request('/feeds/latest.json', {
      headers: {
        'if-none-match': before.headers.etag ?? '',
        'if-modified-since': before.headers['last-modified'] ?? '',
      },
    });
    expect(after.status).toBe(200);
    expect(after.headers.etag).not.toBe(before.headers.etag);
    const sinceBefore = await client.request('/feeds/latest.json', {
      headers: { 'if-modified-since': before.headers['last-modified'] ?? '' },
    });
    expect(sinceBefore.status).toBe(200);
    expect(Date.parse(after.headers['last-modified'] ?? '')).toBe(Date.parse(minutesAfterStart(61)));
  });

  it('never sends a Last-Modified later than now', async () => {
    const reader = new MemoryStoryReader();
    reader.addVersion(buildStoryDocument({ storyId: 'future', publishedAt: '2099-01-01T00:00:00.000Z' }));
    const response = await createClient(reader).request('/stories/future');
    expect(Date.parse(response.headers['last-modified'] ?? '')).toBe(NOW.getTime());
  });
});

describe('HEAD', () => {
  it('answers with the status and headers of GET, the length GET would send and an empty body', async () => {
    const client = seededClient();
    for (const target of [...GET_ROUTES, '/stories/nobody', '/stories?limit=0']) {
      const get = await client.request(target);
      const head = await client.request(target, { method: 'HEAD' });
      expect(head.status, target).toBe(get.status);
      const { 'content-length': length, ...headHeaders } = head.headers;
      expect(headHeaders, target).toEqual(get.headers);
      expect(length, target).toBe(String(Buffer.from(get.body).byteLength));
      expect(head.body, target).toBe('');
    }
  });

  it('answers 304 to a conditional HEAD', async () => {
    const client = seededClient();
    const etag = (await client.request('/stories/alpha', { method: 'HEAD' })).headers.etag ?? '';
    const head = await client.request('/stories/alpha', {
      method: 'HEAD',
      headers: { 'if-none-match': etag },
    });
    expect(head.status).toBe(304);
  });
});

describe('compression', () => {
  for (const coding of ['gzip', 'br'] as const) {
    it(`sends ${coding} when accepted, which decompresses to the identity body, with its own ETag`, async () => {
      const client = seededClient();
      for (const target of ['/feeds/latest.atom', '/stories/alpha', '/openapi.json']) {
        const plain = await client.request(target);
        const compressed = await client.request(target, { headers: { 'accept-encoding': coding } });
        expect(compressed.headers['content-encoding'], target).toBe(coding);
        expect(compressed.body).toBeInstanceOf(Uint8Array);
        expect(compressed.body.length).toBeLessThan(Buffer.byteLength(String(plain.body)));
        expect(bodyText(compressed)).toBe(plain.body);
        expect(compressed.headers.etag).toBe(`${plain.headers.etag?.slice(0, -1)}-${coding}"`);
        const notModified = await client.request(target, {
          headers: { 'accept-encoding': coding, 'if-none-match': compressed.headers.etag ?? '' },
        });
        expect(notModified.status).toBe(304);
        expect(notModified.headers.etag).toBe(compressed.headers.etag);
        const crossed = await client.request(target, {
          headers: { 'if-none-match': compressed.headers.etag ?? '' },
        });
        expect(crossed.status).toBe(304);
        expect(crossed.headers.etag).toBe(plain.headers.etag);
      }
    });
  }

  it('sends the identity body when no compression is accepted, and leaves tiny bodies alone', async () => {
    const client = seededClient();
    const refused = await client.request('/openapi.json', {
      headers: { 'accept-encoding': 'gzip;q=0, br;q=0' },
    });
    expect(refused.headers['content-encoding']).toBeUndefined();
    expect(typeof refused.body).toBe('string');
    const tiny = await client.request('/health', { headers: { 'accept-encoding': 'gzip, br' } });
    expect(tiny.headers['content-encoding']).toBeUndefined();
    expect(tiny.body).toBe('{"ok":true}');
  });

  it('reads Accept-Encoding q-values', () => {
    expect(chooseContentCoding(undefined)).toBeNull();
    expect(chooseContentCoding('')).toBeNull();
    expect(chooseContentCoding('gzip, deflate, br')).toBe('br');
    expect(chooseContentCoding('gzip')).toBe('gzip');
    expect(chooseContentCoding('br;q=0.5, gzip;q=0.8')).toBe('gzip');
    expect(chooseContentCoding('br;q=0, gzip')).toBe('gzip');
    expect(chooseContentCoding('GZIP;Q=1.0')).toBe('gzip');
    expect(chooseContentCoding('*')).toBe('br');
    expect(chooseContentCoding('*;q=0, identity')).toBeNull();
    expect(chooseContentCoding('br;q=0, *')).toBe('gzip');
    expect(chooseContentCoding('deflate, compress')).toBeNull();
    expect(chooseContentCoding('gzip;q=0.2, identity;q=1')).toBeNull();
    expect(chooseContentCoding('gzip;q=bogus')).toBeNull();
  });
});

describe('HEAD with compression', () => {
  it('tells the compressed length when the client accepts gzip', async () => {
    const client = seededClient();
    const headers = { 'accept-encoding': 'gzip' };
    const get = await client.request('/feeds/latest.json', { headers });
    const head = await client.request('/feeds/latest.json', { method: 'HEAD', headers });
    expect(get.headers['content-encoding']).toBe('gzip');
    expect(head.headers['content-length']).toBe(String(Buffer.from(get.body).byteLength));
  });
});
