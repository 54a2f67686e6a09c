import { describe, expect, it } from 'vitest';
import { RESPONSE_BYTE_LIMIT } from '../../../functions/http/feed-budget.ts';
import type { LargeAnswerStore } from '../../../functions/http/types.ts';
import { buildFigure, buildParagraph, buildStoryDocument } from '../../builders/story-document.ts';
import { BASE_URL, bodyJson, bodyText, createClient } from './http-harness.ts';
import { MemoryStoryReader } from './memory-reader.ts';

/** A LargeAnswerStore in memory: what was published, by URL. */
function memoryAnswers() {
  const kept = new Map<string, { body: string; contentType: string }>();
  const store: LargeAnswerStore = {
    async publish(name, body, contentType) {
      const url = `https://bucket.example.test/_archive/responses/${name}?X-Amz-Expires=300`;
      kept.set(url, { body: Buffer.from(body).toString('utf8'), contentType });
      return url;
    },
  };
  return { store, kept };
}

function storyOf(storyId: string, paragraphs: string[], minute: number, cited = true) {
  return buildStoryDocument({
    storyId,
    publishedAt: new Date(Date.UTC(2024, 6, 1) + minute * 60_000).toISOString(),
    paragraphs: paragraphs.map((text, index) => buildParagraph(text, cited ? ['25773905'] : [], index)),
    figures: [],
  });
}

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');

describe('the response limit of feeds', () => {
  it('pages limit=200 of 20 KB stories by the bytes it emits, and the next links visit every story once', async () => {
    const reader = new MemoryStoryReader();
    // Ampersands and a multibyte letter: the rendered bytes grow well past the characters of text.
    const text = 'Q & A: prices rose by 5 € & more. '.repeat(600);
    for (let index = 0; index < 200; index += 1) reader.addVersion(storyOf(`big-${index}`, [text], index));
    const client = createClient(reader);
    for (const format of ['json', 'atom', 'rss']) {
      const seen: string[] = [];
      let target: string | null = `/feeds/latest.${format}?limit=200`;
      let pages = 0;
      while (target) {
        const response = await client.request(target);
        expect(response.status, target).toBe(200);
        const body = bodyText(response);
        expect(bytes(body)).toBeLessThanOrEqual(RESPONSE_BYTE_LIMIT);
        pages += 1;
        const ids = [...body.matchAll(/stories\/(big-\d+)/g)].map((match) => match[1] ?? '');
        seen.push(...new Set(ids));
        const next =
          format === 'json'
            ? (JSON.parse(body) as { next_url?: string }).next_url
            : /<(?:atom:)?link[^>]*rel="next"[^>]*href="([^"]+)"|<(?:atom:)?link[^>]*href="([^"]+)"[^>]*rel="next"/
                .exec(body)
                ?.slice(1)
                .find(Boolean);
        target = next ? next.replaceAll('&amp;', '&') : null;
      }
      expect(pages, format).toBeGreaterThan(1);
      expect(seen.length, format).toBe(200);
      expect(new Set(seen).size, format).toBe(200);
    }
  });

  it('shortens a story of 70,000 one-word cited paragraphs to fit one page, in every format', async () => {
    const reader = new MemoryStoryReader();
    const words = Array.from({ length: 70_000 }, (_, index) => `w${index}.`);
    reader.addVersion(storyOf('wordy', words, 0));
    const client = createClient(reader);
    for (const format of ['json', 'atom', 'rss']) {
      const response = await client.request(`/feeds/latest.${format}`);
      expect(response.status).toBe(200);
      const body = bodyText(response);
      expect(bytes(body)).toBeLessThanOrEqual(RESPONSE_BYTE_LIMIT);
      expect(body).toContain('w0.');
      expect(body).toContain('shortened for the feed');
    }
  });

  it('counts escaped bytes, not characters: a story of 400,000 ampersands fits in Atom and RSS', async () => {
    const reader = new MemoryStoryReader();
    reader.addVersion(storyOf('ampersands', ['&'.repeat(400_000)], 0, false));
    const client = createClient(reader);
    for (const format of ['json', 'atom', 'rss']) {
      const response = await client.request(`/feeds/latest.${format}`);
      expect(response.status).toBe(200);
      expect(bytes(bodyText(response))).toBeLessThanOrEqual(RESPONSE_BYTE_LIMIT);
    }
  });
});

describe('a single document over the response limit', () => {
  it('answers 303 to a stored copy that is the whole document, and 304 to its ETag', async () => {
    const reader = new MemoryStoryReader();
    const figures = Array.from({ length: 60_000 }, (_, index) =>
      buildFigure({
        text: '5%',
        value: 5,
        kind: 'percent',
        unit: '%',
        paragraph: 0,
        qualifier: null,
        citations: [`${index}`],
      }),
    );
    reader.addVersion(
      buildStoryDocument({
        storyId: 'percent-bomb',
        paragraphs: [buildParagraph('5% '.repeat(1000), [])],
        figures,
      }),
    );
    const { store, kept } = memoryAnswers();
    const client = createClient(reader, { largeAnswers: store });
    const response = await client.request('/stories/percent-bomb');
    expect(response.status).toBe(303);
    const location = response.headers.location ?? '';
    expect(response.headers['cache-control']).toBe('no-store');
    const stored = kept.get(location);
    expect(stored?.contentType).toBe('application/json; charset=utf-8');
    expect(bytes(stored?.body ?? '')).toBeGreaterThan(RESPONSE_BYTE_LIMIT);
    const document = JSON.parse(stored?.body ?? '{}') as {
      storyId: string;
      figures: unknown[];
      versions: string[];
    };
    expect(document.storyId).toBe('percent-bomb');
    expect(document.figures).toHaveLength(60_000);
    expect(document.versions).toEqual(['v0.12']);
    const head = await client.request('/stories/percent-bomb', { method: 'HEAD' });
    expect(head.status).toBe(303);
    const again = await client.request('/stories/percent-bomb', {
      headers: { 'if-none-match': response.headers.etag ?? '' },
    });
    expect(again.status).toBe(304);
    const small = await client.request('/stories?limit=1');
    expect(bodyJson<{ next: string | null }>(small).next).toBeNull();
    expect(BASE_URL).toBeTruthy();
  });
});
