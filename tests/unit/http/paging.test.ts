import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openCursor, sealCursor } from '../../../functions/http/cursor.ts';
import { buildParagraph, buildStoryDocument } from '../../builders/story-document.ts';
import { BASE_URL, bodyJson, createClient, minutesAfterStart, splitTarget } from './http-harness.ts';
import { MemoryStoryReader } from './memory-reader.ts';

const STORY_COUNT = 250;

function storyId(n: number): string {
  return `story-${String(n).padStart(3, '0')}`;
}

/** 250 stories, several sharing a timestamp (ties broken by id), all citing source aaaabbbb. */
function readerWithManyStories(): MemoryStoryReader {
  const reader = new MemoryStoryReader();
  for (let n = 0; n < STORY_COUNT; n += 1) {
    reader.addVersion(
      buildStoryDocument({
        storyId: storyId(n),
        version: 'v1.0',
        title: `Story ${n}`,
        publishedAt: minutesAfterStart(Math.floor(n / 3)),
        paragraphs: [buildParagraph(`Paragraph of story ${n}.`, ['aaaabbbb'])],
      }),
    );
    reader.addIngestError({
      key: `bad/${n}.txt`,
      code: 'empty_body',
      message: 'no body',
      at: minutesAfterStart(n),
    });
  }
  return reader;
}

interface ListPage {
  items: Array<Record<string, string>>;
  next: string | null;
}

async function collectList(client: ReturnType<typeof createClient>, first: string, key: string) {
  const seen: string[] = [];
  let target: string | null = first;
  let pages = 0;
  while (target !== null) {
    expect(target.startsWith(BASE_URL) || pages === 0).toBe(true);
    const page: ListPage = await client.getJson<ListPage>(target);
    expect(page.items.length).toBeLessThanOrEqual(7);
    seen.push(...page.items.map((item) => String(item[key])));
    target = page.next;
    pages += 1;
  }
  return { seen, pages };
}

describe('paging', () => {
  it('pages through 250 stories with limit 7 following next URLs, without a gap or a repeat', async () => {
    const client = createClient(readerWithManyStories());
    const { seen, pages } = await collectList(client, '/stories?limit=7', 'storyId');
    expect(pages).toBe(Math.ceil(STORY_COUNT / 7));
    expect(new Set(seen).size).toBe(STORY_COUNT);
    const all = await client.getJson<ListPage>('/stories?limit=200');
    const rest = await client.getJson<ListPage>(all.next ?? 'missing next');
    expect(seen).toEqual([...all.items, ...rest.items].map((item) => item.storyId));
  });

  it('pages the ingest errors and a source list the same way', async () => {
    const client = createClient(readerWithManyStories());
    const errors = await collectList(client, '/ingest/errors?limit=7', 'key');
    expect(new Set(errors.seen).size).toBe(STORY_COUNT);
    expect(errors.seen[0]).toBe(`bad/${STORY_COUNT - 1}.txt`);
    const source = await collectList(client, '/sources/AAAABBBB?limit=7', 'storyId');
    expect(new Set(source.seen).size).toBe(STORY_COUNT);
  });

  it('pages the latest feed through next_url, and Atom through link rel="next"', async () => {
    const client = createClient(readerWithManyStories());
    const ids: string[] = [];
    let target: string | undefined = '/feeds/latest.json?limit=7';
    while (target !== undefined) {
      const feed: { items: Array<{ id: string }>; next_url?: string; feed_url: string } =
        await client.getJson(target);
      expect(feed.feed_url).toBe(target.startsWith(BASE_URL) ? target : `${BASE_URL}${target}`);
      ids.push(...feed.items.map((item) => item.id));
      target = feed.next_url;
    }
    expect(new Set(ids).size).toBe(STORY_COUNT);
    const atom = await client.request('/feeds/latest.atom?limit=7');
    const next = /<link[^>]*rel="next"[^>]*href="([^"]+)"/
      .exec(String(atom.body))?.[1]
      ?.replaceAll('&amp;', '&');
    expect(next?.startsWith(`${BASE_URL}/feeds/latest.atom?limit=7&cursor=`)).toBe(true);
    expect((await client.request(next ?? '')).status).toBe(200);
  });

  it('defaults to 50 items a page and says next: null on the last page', async () => {
    const client = createClient(readerWithManyStories());
    const first = await client.getJson<ListPage>('/stories');
    expect(first.items).toHaveLength(50);
    expect(first.next).toMatch(new RegExp(`^${BASE_URL}/stories\\?limit=50&cursor=`));
    const last = await client.getJson<ListPage>('/stories?limit=200');
    expect((await client.getJson<ListPage>(last.next ?? '')).next).toBeNull();
  });
});

describe('cursors', () => {
  async function nextCursor(target: string): Promise<string> {
    const client = createClient(readerWithManyStories());
    const page = bodyJson<ListPage & { next_url?: string }>(await client.request(target));
    const next = page.next ?? page.next_url ?? '';
    return splitTarget(next).query.cursor ?? '';
  }

  it('hands out an opaque cursor, not the store continuation', async () => {
    const cursor = await nextCursor('/stories?limit=7');
    expect(cursor).not.toBe('7');
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  });

  it('rejects a tampered cursor with 400, whichever character changes', async () => {
    const client = createClient(readerWithManyStories());
    const cursor = await nextCursor('/stories?limit=7');
    for (let i = 0; i < cursor.length; i += 1) {
      if (cursor[i] === '.') continue;
      const tampered = `${cursor.slice(0, i)}${cursor[i] === 'A' ? 'B' : 'A'}${cursor.slice(i + 1)}`;
      const response = await client.request(`/stories?limit=7&cursor=${tampered}`);
      expect(response.status, tampered).toBe(400);
      expect(bodyJson(response)).toMatchObject({ error: { code: 'bad_parameter' } });
    }
    const forged = `${Buffer.from('14').toString('base64url')}${cursor.slice(cursor.indexOf('.'))}`;
    expect((await client.request(`/stories?cursor=${forged}`)).status).toBe(400);
    expect((await client.request(`/stories?cursor=${Buffer.from('14').toString('base64url')}`)).status).toBe(
      400,
    );
  });

  it('rejects a cursor issued by another route or for another story', async () => {
    const client = createClient(readerWithManyStories());
    const storiesCursor = await nextCursor('/stories?limit=7');
    for (const target of [
      '/ingest/errors',
      '/feeds/latest.json',
      '/sources/aaaabbbb',
      '/sources/aaaabbbb/feed.rss',
    ]) {
      expect((await client.request(`${target}?cursor=${storiesCursor}`)).status, target).toBe(400);
    }
    const sourceCursor = await nextCursor('/sources/aaaabbbb?limit=7');
    expect((await client.request(`/sources/aaaabbbb?cursor=${sourceCursor}`)).status).toBe(200);
    expect((await client.request(`/sources/aaaabbbc?cursor=${sourceCursor}`)).status).toBe(400);
    const feedCursor = await nextCursor('/feeds/latest.json?limit=7');
    expect((await client.request(`/feeds/latest.atom?cursor=${feedCursor}`)).status).toBe(200);
    expect((await client.request(`/stories?cursor=${feedCursor}`)).status).toBe(400);
  });

  it('rejects a cursor signed with another secret', async () => {
    const reader = readerWithManyStories();
    const other = createClient(reader, { cursorSecret: 'another secret' });
    const page = await other.getJson<ListPage>('/stories?limit=7');
    const cursor = splitTarget(page.next ?? '').query.cursor;
    expect((await createClient(reader).request(`/stories?cursor=${cursor}`)).status).toBe(400);
  });

  it('answers 400, never 5xx, for any malformed cursor', async () => {
    const client = createClient(readerWithManyStories());
    for (const cursor of ['', '.', 'abc', 'a.b.c', '%00', 'é.é', 'x'.repeat(10_000), '..', '\u0000']) {
      const response = await client.request(`/stories?cursor=${encodeURIComponent(cursor)}`);
      expect(response.status, JSON.stringify(cursor.slice(0, 20))).toBe(400);
    }
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 80 }), async (cursor) => {
        const response = await client.request(`/stories?cursor=${encodeURIComponent(cursor)}`);
        expect(response.status).toBe(400);
      }),
      { numRuns: 200 },
    );
  });

  it('opens what it seals for any store continuation, and nothing else', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string(), (storeCursor, scope) => {
        const sealed = sealCursor(storeCursor, scope, 'k');
        expect(openCursor(sealed, scope, 'k')).toBe(storeCursor);
        expect(() => openCursor(sealed, `${scope}x`, 'k')).toThrow();
        expect(() => openCursor(sealed, scope, 'other')).toThrow();
      }),
    );
  });
});
