import { describe, expect, it } from 'vitest';
import { RepresentationCache } from '../../../functions/http/representation-cache.ts';
import { cacheStoryReader } from '../../../functions/store/cached-reader.ts';
import { FreshnessGate } from '../../../functions/store/freshness-gate.ts';
import { buildParagraph, buildStoryDocument } from '../../builders/story-document.ts';
import { bodyJson, bodyText, createClient, minutesAfterStart, NOW, seedCorpus } from './http-harness.ts';
import { MemoryStoryReader } from './memory-reader.ts';

/**
 * A client whose answers are prepared once per data generation, over a change marker the test bumps
 * (as ingest does after a write) and a clock the test moves (never real time).
 */
function preparedClient() {
  const reader = new MemoryStoryReader();
  seedCorpus(reader);
  const state = { marker: 1, now: 0, markerReads: 0, heads: 0 };
  const gate = new FreshnessGate(
    async () => {
      state.markerReads += 1;
      return String(state.marker);
    },
    { clock: () => state.now },
  );
  const counting = Object.assign(Object.create(reader) as MemoryStoryReader, {
    listLatestVersions: (page: Parameters<MemoryStoryReader['listLatestVersions']>[0]) => {
      state.heads += 1;
      return reader.listLatestVersions(page);
    },
  });
  const client = createClient(reader, {
    reader: cacheStoryReader(counting, gate),
    representations: new RepresentationCache(gate),
  });
  /** Stores a new version of story `gamma`, and bumps the marker as the writer does. */
  const write = (version: string, text: string) => {
    reader.addVersion(
      buildStoryDocument({
        storyId: 'gamma',
        version,
        publishedAt: minutesAfterStart(60),
        paragraphs: [buildParagraph(text, [])],
      }),
    );
    state.marker += 1;
  };
  return { client, state, write };
}

const feedTitles = (response: Parameters<typeof bodyJson>[0]) =>
  bodyJson<{ items: { title: string }[] }>(response).items.map((item) => item.title);

describe('prepared answers', () => {
  it('answers If-None-Match with 304 and no body, for identity and compressed variants', async () => {
    const { client } = preparedClient();
    for (const encoding of ['', 'gzip', 'br']) {
      const headers = encoding ? { 'accept-encoding': encoding } : undefined;
      const first = await client.request('/feeds/latest.json', { headers });
      const etag = first.headers.etag ?? '';
      const again = await client.request('/feeds/latest.json', {
        headers: { ...headers, 'if-none-match': etag },
      });
      expect(again.status).toBe(304);
      expect(again.body).toBe('');
      expect(again.headers.etag).toBe(etag);
      expect(again.headers['content-type']).toBeUndefined();
    }
  });

  it('keeps the ETag while the data stays the same, across a marker bump without a change', async () => {
    const { client, state } = preparedClient();
    const first = await client.request('/feeds/latest.json');
    state.now += 5_000;
    state.marker += 1;
    const second = await client.request('/feeds/latest.json');
    expect(second.headers.etag).toBe(first.headers.etag);
    expect(bodyText(second)).toBe(bodyText(first));
  });

  it('reads and renders a hot feed once, not per request, while nothing changes', async () => {
    const { client, state } = preparedClient();
    for (let request = 0; request < 20; request += 1) {
      state.now += 100;
      expect((await client.request('/feeds/latest.json')).status).toBe(200);
    }
    expect(state.heads).toBe(1);
  });

  it('shows a new version in every route once 1 s has passed since its write', async () => {
    const { client, state, write } = preparedClient();
    const before = await client.request('/feeds/latest.json');
    expect(feedTitles(before)).not.toContain('Gamma news');
    await client.request('/stories');
    write('v1.0', 'Gamma news.');
    state.now += 1_000;
    const after = await client.request('/feeds/latest.json');
    expect(after.headers.etag).not.toBe(before.headers.etag);
    expect(bodyText(after)).toContain('Gamma news.');
    const list = bodyJson<{ items: { storyId: string }[] }>(await client.request('/stories'));
    expect(list.items.map((item) => item.storyId)).toContain('gamma');
    const stale = await client.request('/feeds/latest.json', {
      headers: { 'if-none-match': before.headers.etag ?? '' },
    });
    expect(stale.status).toBe(200);
  });

  it('renews an answer in the background: within the bound a request gets the old one without waiting', async () => {
    const { client, state, write } = preparedClient();
    await client.request('/stories/gamma').catch(() => undefined);
    write('v1.0', 'Gamma first.');
    state.now += 1_000;
    expect(bodyText(await client.request('/stories/gamma'))).toContain('Gamma first.');
    state.now += 300;
    write('v1.1', 'Gamma second.');
    // The marker check due now runs in the background; this answer comes from memory.
    const during = await client.request('/stories/gamma');
    expect(bodyText(during)).toContain('Gamma first.');
    await new Promise((resolve) => setImmediate(resolve));
    state.now += 100;
    await client.request('/stories/gamma');
    await new Promise((resolve) => setImmediate(resolve));
    state.now += 100;
    expect(bodyText(await client.request('/stories/gamma'))).toContain('Gamma second.');
  });
});

describe('item 9 of issue 10', () => {
  it('decodes the path once: /stories/other%2D1 (as API Gateway hands /stories/other%252D1) is not other-1', async () => {
    const reader = new MemoryStoryReader();
    reader.addVersion(buildStoryDocument({ storyId: 'other-1' }));
    const client = createClient(reader);
    expect((await client.request('/stories/other-1')).status).toBe(200);
    const response = await client.request('/stories/other%2D1');
    expect([400, 404]).toContain(response.status);
  });

  it('ignores an If-Modified-Since in the future (RFC 9110 §13.1.3)', async () => {
    const reader = new MemoryStoryReader();
    seedCorpus(reader);
    const client = createClient(reader);
    const future = new Date(NOW.getTime() + 24 * 3600_000).toUTCString();
    const response = await client.request('/stories', { headers: { 'if-modified-since': future } });
    expect(response.status).toBe(200);
    const past = (await client.request('/stories')).headers['last-modified'] ?? '';
    expect((await client.request('/stories', { headers: { 'if-modified-since': past } })).status).toBe(304);
  });
});
