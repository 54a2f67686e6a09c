import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { handleHttpRequest } from '../../../functions/http/handle-http-request.ts';
import type { HttpResponse } from '../../../functions/http/types.ts';
import { BASE_URL, bodyText, CURSOR_SECRET, createClient, NOW, seedCorpus } from './http-harness.ts';
import { MemoryStoryReader } from './memory-reader.ts';

function seededReader(): MemoryStoryReader {
  const reader = new MemoryStoryReader();
  seedCorpus(reader);
  return reader;
}

function expectClientError(response: HttpResponse, label: string): void {
  expect(response.status, label).toBeGreaterThanOrEqual(400);
  expect(response.status, label).toBeLessThan(500);
  const body = bodyText(response);
  expect(body, label).not.toMatch(/at .+\.ts:\d+|Error:|stack/);
  expect(JSON.parse(body), label).toMatchObject({
    error: { code: expect.any(String), message: expect.any(String) },
  });
}

describe('hostile input', () => {
  it('answers 400 or 404 to path traversal, encoded slashes, huge ids, unicode and NUL', async () => {
    const client = createClient(seededReader());
    const targets = [
      '/stories/..',
      '/stories/../health',
      '/stories/..%2F..%2Fetc%2Fpasswd',
      '/stories/%2e%2e%2f%2e%2e',
      '/stories/alpha%2Fversions%2Fv0.9',
      '/stories/alpha/versions/..%2F..%2Fbeta',
      `/stories/${'a'.repeat(10 * 1024)}`,
      `/stories/alpha/versions/v${'9'.repeat(10 * 1024)}.1`,
      `/sources/${'f'.repeat(10 * 1024)}`,
      `/${'x/'.repeat(5000)}`,
      '/stories/%E2%80%AEalpha',
      '/stories/%F0%9F%8C%B3',
      '/stories/😀',
      '/stories/alpha%00',
      '/stories/alpha\u0000',
      '/stories/%',
      '/stories/%zz',
      '/stories/%C0%AF',
      '/stories/alpha/diff?from=v0.9&to=%00',
      '/stories/alpha/versions/v0.9/raw/..',
      '/STORIES',
      '//stories',
      '/stories?limit=%F0%9F%98%80',
    ];
    for (const target of targets) {
      const response = await client.request(target);
      expectClientError(response, target.slice(0, 60));
    }
    expect(client.errors).toEqual([]);
  });

  it('never answers 5xx to random paths, methods, queries and headers', async () => {
    const reader = seededReader();
    const errors: unknown[] = [];
    const deps = {
      reader,
      cursorSecret: CURSOR_SECRET,
      now: () => NOW,
      log: (error: unknown) => errors.push(error),
    };
    const segment = fc.oneof(
      fc.constantFrom(
        'stories',
        'sources',
        'feeds',
        'versions',
        'raw',
        'diff',
        'feed.json',
        'latest.rss',
        'alpha',
        'v0.12',
        '25773905',
        '..',
        '.',
        '',
        '%2F',
        '%00',
        '%',
        '%E0%A4',
      ),
      fc.string({ maxLength: 20 }),
      fc.string({ unit: 'grapheme', maxLength: 10 }).map(encodeURIComponent),
    );
    const path = fc.array(segment, { maxLength: 6 }).map((parts) => `/${parts.join('/')}`);
    const query = fc.dictionary(
      fc.constantFrom('limit', 'cursor', 'from', 'to', 'x'),
      fc.oneof(
        fc.string({ maxLength: 30 }),
        fc.constantFrom('7', '0', '200', '201', 'v0.9', 'v0.12', '-1', '1e3'),
      ),
    );
    const headers = fc.dictionary(
      fc.constantFrom('if-none-match', 'if-modified-since', 'accept-encoding', 'host', 'origin'),
      fc.string({ maxLength: 40 }),
    );
    const method = fc.constantFrom(
      'GET',
      'HEAD',
      'POST',
      'PUT',
      'DELETE',
      'OPTIONS',
      'PATCH',
      'TRACE',
      'get',
      '',
    );
    await fc.assert(
      fc.asyncProperty(method, path, query, headers, async (m, p, q, h) => {
        const response = await handleHttpRequest(
          { method: m, path: p, query: q, headers: h, baseUrl: BASE_URL },
          deps,
        );
        expect(response.status).toBeLessThan(500);
        expect(response.headers['x-content-type-options']).toBe('nosniff');
      }),
      { numRuns: 1500 },
    );
    expect(errors).toEqual([]);
  });
});
