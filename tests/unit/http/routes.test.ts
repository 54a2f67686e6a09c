import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import type { StoryDocument } from '../../../functions/story/types.ts';
import { buildParagraph, buildStoryDocument } from '../../builders/story-document.ts';
import { BASE_URL, bodyJson, bodyText, createClient, minutesAfterStart, seedCorpus } from './http-harness.ts';
import { MemoryStoryReader } from './memory-reader.ts';

function seededClient() {
  const reader = new MemoryStoryReader();
  seedCorpus(reader);
  return createClient(reader);
}

interface JsonFeed {
  version: string;
  feed_url: string;
  next_url?: string;
  items: Array<{ id: string; url: string; title: string; content_html: string }>;
}

const xml = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  isArray: (name) => name === 'entry' || name === 'item' || name === 'link' || name === 'atom:link',
});

describe('handleHttpRequest: JSON routes', () => {
  it('answers /health with {"ok":true}', async () => {
    const response = await createClient().request('/health');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(bodyJson(response)).toEqual({ ok: true });
  });

  it('lists stories newest updatedAt first with id, title, latest version and updatedAt', async () => {
    const list = await seededClient().getJson('/stories');
    expect(list).toEqual({
      items: [
        { storyId: 'alpha', title: 'Alpha latest', version: 'v0.12', updatedAt: minutesAfterStart(20) },
        {
          storyId: 'beta',
          title: 'Beta <only> & "version"',
          version: 'v1.0',
          updatedAt: minutesAfterStart(5),
        },
      ],
      next: null,
    });
  });

  it('serves a story as its latest document plus every version label, highest first', async () => {
    const story = await seededClient().getJson<StoryDocument & { versions: string[] }>('/stories/alpha');
    expect(story.version).toBe('v0.12');
    expect(story.title).toBe('Alpha latest');
    expect(story.paragraphs).toHaveLength(3);
    expect(story.versions).toEqual(['v0.12', 'v0.11', 'v0.9']);
  });

  it('keeps v0.12 as the latest when v0.11 arrives after it', async () => {
    const reader = new MemoryStoryReader();
    reader.addVersion(buildStoryDocument({ storyId: 'late', version: 'v0.12', title: 'twelve' }));
    reader.addVersion(buildStoryDocument({ storyId: 'late', version: 'v0.11', title: 'eleven' }));
    const story = await createClient(reader).getJson<StoryDocument & { versions: string[] }>('/stories/late');
    expect(story.title).toBe('twelve');
    expect(story.versions).toEqual(['v0.12', 'v0.11']);
  });

  it('serves one version by its label, whatever the spelling of the same version', async () => {
    const client = seededClient();
    const version = await client.getJson<StoryDocument>('/stories/alpha/versions/v0.11');
    expect(version.version).toBe('v0.11');
    expect(version.title).toBe('Alpha middle');
    expect(await client.getJson('/stories/alpha/versions/V0.11')).toEqual(version);
    expect(await client.getJson('/stories/alpha/versions/v0.11.0')).toEqual(version);
  });

  it('serves the original text of a version as text/plain', async () => {
    const response = await seededClient().request('/stories/alpha/versions/v0.9/raw');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(bodyText(response)).toBe(
      'v0.9\nAlpha early\n2024-07-01 00:00:00\n\nShenzhen invested 80.3 billion yuan in research. [25773905]\n',
    );
  });

  it('diffs two versions: changed and added paragraphs, added citations, metric deltas', async () => {
    const diff = await seededClient().getJson<{
      from: string;
      to: string;
      paragraphs: { added: Array<{ text: string }>; changed: Array<{ from: string; to: string }> };
      citations: { added: string[]; removed: string[] };
      figures: { changed: Array<{ from: { value: number }; to: { value: number } }> };
      metrics: { paragraphs: { from: number; to: number; delta: number } };
    }>('/stories/alpha/diff?from=v0.9&to=v0.12');
    expect(diff.from).toBe('v0.9');
    expect(diff.to).toBe('v0.12');
    expect(diff.paragraphs.added.map((p) => p.text)).toEqual(['A new paragraph about chips.']);
    expect(diff.paragraphs.changed.map((p) => p.to)).toEqual([
      'Shenzhen invested 90 billion yuan in research and development.',
    ]);
    expect(diff.citations).toEqual({ added: ['934f7ccc'], removed: [] });
    expect(diff.figures.changed.map((change) => [change.from.value, change.to.value])).toEqual([
      [80.3e9, 90e9],
    ]);
    expect(diff.metrics.paragraphs).toEqual({ from: 2, to: 3, delta: 1 });
  });

  it('diffs the head against the version just below it when from and to are left out', async () => {
    const client = seededClient();
    const byDefault = await client.getJson<{ from: string; to: string }>('/stories/alpha/diff');
    expect([byDefault.from, byDefault.to]).toEqual(['v0.11', 'v0.12']);
    const toOnly = await client.getJson<{ from: string; to: string }>('/stories/alpha/diff?to=v0.11');
    expect([toOnly.from, toOnly.to]).toEqual(['v0.9', 'v0.11']);
    const fromOnly = await client.getJson<{ from: string; to: string }>('/stories/alpha/diff?from=v0.9');
    expect([fromOnly.from, fromOnly.to]).toEqual(['v0.9', 'v0.12']);
  });

  it('answers 400 when a story has no version before `to` to compare with', async () => {
    const client = seededClient();
    for (const target of ['/stories/beta/diff', '/stories/alpha/diff?to=v0.9']) {
      const response = await client.request(target);
      expect(response.status, target).toBe(400);
      expect(bodyJson(response)).toMatchObject({
        error: { code: 'bad_parameter', message: expect.stringContaining('first version') },
      });
    }
  });

  it('answers 400 when from or to is not a version, 404 naming what is absent', async () => {
    const client = seededClient();
    for (const query of ['?from=0.9&to=v0.12', '?from=v0.9&to=latest', '?to=', '?from=v1']) {
      const response = await client.request(`/stories/alpha/diff${query}`);
      expect(response.status, query).toBe(400);
      expect(bodyJson(response)).toMatchObject({ error: { code: 'bad_parameter' } });
    }
    const missing = await client.request('/stories/alpha/diff?from=v0.10&to=v0.12');
    expect(missing.status).toBe(404);
    expect(bodyJson(missing)).toMatchObject({ error: { message: 'no version v0.10 of story alpha' } });
    const nobody = await client.request('/stories/nobody/diff?from=v0.9&to=v0.12');
    expect(nobody.status).toBe(404);
    expect(bodyJson(nobody)).toMatchObject({ error: { message: 'no story nobody' } });
  });

  it('lists every story version citing a source, newest first, with the citing paragraphs only', async () => {
    const client = seededClient();
    const source = await client.getJson<{
      items: Array<{ storyId: string; version: string; paragraphs: Array<{ citations: string[] }> }>;
      next: string | null;
    }>('/sources/25773905');
    expect(source.items.map((item) => `${item.storyId}@${item.version}`)).toEqual([
      'alpha@v0.12',
      'alpha@v0.11',
      'beta@v1.0',
      'alpha@v0.9',
    ]);
    for (const item of source.items) {
      for (const paragraph of item.paragraphs) expect(paragraph.citations).toContain('25773905');
    }
    expect(source.next).toBeNull();
  });

  it('accepts an upper-case source id and answers for its lower-case form', async () => {
    const client = seededClient();
    expect(await client.getJson('/sources/934F7CCC')).toEqual(await client.getJson('/sources/934f7ccc'));
  });

  it('lists rejected uploads with key, code, message and time', async () => {
    const errors = await seededClient().getJson('/ingest/errors');
    expect(errors).toEqual({
      items: [
        {
          key: 'stories/broken.txt',
          code: 'missing_version',
          message: 'the first line is not a version',
          at: minutesAfterStart(30),
        },
      ],
      next: null,
    });
  });

  it('treats one trailing slash as the same resource', async () => {
    const client = seededClient();
    expect(await client.getJson('/stories/')).toEqual(await client.getJson('/stories'));
    expect(await client.getJson('/stories/alpha/')).toEqual(await client.getJson('/stories/alpha'));
    expect((await client.request('/stories//')).status).toBe(404);
  });
});

describe('handleHttpRequest: feeds', () => {
  it('serves the latest feed as JSON Feed with one entry per story, id = the story URL, url = its page', async () => {
    const response = await seededClient().request('/feeds/latest.json');
    expect(response.headers['content-type']).toBe('application/feed+json; charset=utf-8');
    expect(response.headers['cache-control']).toBe('public, max-age=60');
    const feed = bodyJson<JsonFeed>(response);
    expect(feed.version).toBe('https://jsonfeed.org/version/1.1');
    expect(feed.feed_url).toBe(`${BASE_URL}/feeds/latest.json`);
    expect(feed.items.map((item) => [item.id, item.url, item.title])).toEqual([
      [`${BASE_URL}/stories/alpha`, `${BASE_URL}/read/alpha`, 'Alpha latest'],
      [`${BASE_URL}/stories/beta`, `${BASE_URL}/read/beta`, 'Beta <only> & "version"'],
    ]);
    expect(feed.items[0]?.content_html).toContain(`${BASE_URL}/cited/934f7ccc`);
  });

  it('keeps a story entry id when a new version arrives', async () => {
    const client = seededClient();
    const before = bodyJson<JsonFeed>(await client.request('/feeds/latest.json'));
    client.reader.addVersion(
      buildStoryDocument({
        storyId: 'alpha',
        version: 'v0.13',
        title: 'Alpha newer',
        publishedAt: minutesAfterStart(40),
      }),
    );
    const after = bodyJson<JsonFeed>(await client.request('/feeds/latest.json'));
    expect(after.items[0]?.title).toBe('Alpha newer');
    expect(after.items[0]?.id).toBe(before.items[0]?.id);
  });

  it('serves the latest feed as Atom and RSS with the same entries and their own self links', async () => {
    const client = seededClient();
    const atomResponse = await client.request('/feeds/latest.atom');
    expect(atomResponse.headers['content-type']).toBe('application/atom+xml; charset=utf-8');
    const atom = xml.parse(bodyText(atomResponse)).feed;
    expect(atom.entry.map((entry: { id: string }) => entry.id)).toEqual([
      `${BASE_URL}/stories/alpha`,
      `${BASE_URL}/stories/beta`,
    ]);
    expect(atom.link.find((link: Record<string, string>) => link['@rel'] === 'self')['@href']).toBe(
      `${BASE_URL}/feeds/latest.atom`,
    );
    const rssResponse = await client.request('/feeds/latest.rss');
    expect(rssResponse.headers['content-type']).toBe('application/rss+xml; charset=utf-8');
    const channel = xml.parse(bodyText(rssResponse)).rss.channel;
    expect(channel.item.map((item: { title: string }) => item.title)).toEqual([
      'Alpha latest',
      'Beta <only> & "version"',
    ]);
    expect(channel['atom:link'][0]['@href']).toBe(`${BASE_URL}/feeds/latest.rss`);
  });

  it("serves a story's feed with one entry per version, highest first, id = the version URL", async () => {
    const feed = bodyJson<JsonFeed>(await seededClient().request('/stories/alpha/feed.json'));
    expect(feed.items.map((item) => item.id)).toEqual([
      `${BASE_URL}/stories/alpha/versions/v0.12`,
      `${BASE_URL}/stories/alpha/versions/v0.11`,
      `${BASE_URL}/stories/alpha/versions/v0.9`,
    ]);
  });

  it('serves a source feed with the stories whose latest version cites it', async () => {
    const client = seededClient();
    const feed = bodyJson<JsonFeed>(await client.request('/sources/934f7ccc/feed.json'));
    expect(feed.items.map((item) => item.id)).toEqual([`${BASE_URL}/stories/alpha`]);
    const both = bodyJson<JsonFeed>(await client.request('/sources/25773905/feed.json'));
    expect(both.items.map((item) => item.id)).toEqual([
      `${BASE_URL}/stories/alpha`,
      `${BASE_URL}/stories/beta`,
    ]);
  });

  it('answers an empty source feed for a source only older versions cite, 404 for one never cited', async () => {
    const reader = new MemoryStoryReader();
    const paragraph = buildParagraph('Old claim.', ['cafebabe']);
    reader.addVersion(buildStoryDocument({ storyId: 'gamma', version: 'v0.1', paragraphs: [paragraph] }));
    reader.addVersion(
      buildStoryDocument({
        storyId: 'gamma',
        version: 'v0.2',
        paragraphs: [buildParagraph('Claim withdrawn.')],
      }),
    );
    const client = createClient(reader);
    const response = await client.request('/sources/cafebabe/feed.json');
    expect(response.status).toBe(200);
    expect(bodyJson<JsonFeed>(response).items).toEqual([]);
    expect((await client.request('/sources/deadbeef/feed.json')).status).toBe(404);
    expect((await client.request('/sources/deadbeef')).status).toBe(404);
  });

  it('answers 404 for the feed of an unknown story and for an unknown feed format', async () => {
    const client = seededClient();
    expect((await client.request('/stories/nobody/feed.json')).status).toBe(404);
    expect((await client.request('/stories/alpha/feed.xml')).status).toBe(404);
    expect((await client.request('/feeds/latest.xml')).status).toBe(404);
  });
});

describe('handleHttpRequest: errors', () => {
  it('answers 404 not_found for unknown paths, stories, versions and sources', async () => {
    const client = seededClient();
    for (const path of [
      '/nope',
      '/stories/alpha/extra',
      '/stories/nobody',
      '/stories/alpha/versions/v9.9',
      '/stories/alpha/versions/v9.9/raw',
      '/sources/0123456789abcdef',
      'stories',
    ]) {
      const response = await client.request(path);
      expect(response.status, path).toBe(404);
      expect(response.headers['cache-control']).toBe('no-store');
      expect(bodyJson(response)).toMatchObject({ error: { code: 'not_found' } });
    }
  });

  it('answers 400 bad_parameter for invalid ids, versions, source ids and limits', async () => {
    const client = seededClient();
    const targets = [
      '/stories/-leading-dash',
      `/stories/${'a'.repeat(129)}`,
      '/stories/a%2Fb',
      '/stories/alpha/versions/0.12',
      '/stories/alpha/versions/v1',
      '/stories/alpha/versions/v1.2.3.4/raw',
      '/sources/1234567',
      `/sources/${'a'.repeat(65)}`,
      '/sources/12345678z',
      '/stories?limit=0',
      '/stories?limit=201',
      '/stories?limit=1.5',
      '/stories?limit=-1',
      '/stories?limit=ten',
      '/stories?limit=',
      '/feeds/latest.json?limit=500',
      '/stories/%E0%A4%A',
    ];
    for (const target of targets) {
      const response = await client.request(target);
      expect(response.status, target).toBe(400);
      expect(bodyJson(response), target).toMatchObject({ error: { code: 'bad_parameter' } });
    }
  });

  it('accepts limits 1 and 200', async () => {
    const client = seededClient();
    expect((await client.getJson<{ items: unknown[] }>('/stories?limit=1')).items).toHaveLength(1);
    expect((await client.getJson<{ items: unknown[] }>('/stories?limit=200')).items).toHaveLength(2);
  });

  it('answers 405 with Allow: GET, HEAD for other methods on a known path', async () => {
    const client = seededClient();
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'get']) {
      const response = await client.request('/stories/alpha', { method });
      expect(response.status, method).toBe(405);
      expect(response.headers.allow).toBe('GET, HEAD');
      expect(bodyJson(response)).toMatchObject({ error: { code: 'method_not_allowed' } });
    }
  });

  it('answers a CORS preflight with 204 and the allowed methods', async () => {
    const response = await seededClient().request('/feeds/latest.json', {
      method: 'OPTIONS',
      headers: { origin: 'https://reader.example', 'access-control-request-method': 'GET' },
    });
    expect(response.status).toBe(204);
    expect(response.body).toBe('');
    expect(response.headers['access-control-allow-origin']).toBe('*');
    expect(response.headers['access-control-allow-methods']).toContain('GET');
    expect(response.headers['access-control-allow-headers']).toContain('If-None-Match');
  });

  it('hides an unexpected failure behind a bare 500 and hands the error to the log', async () => {
    const reader = new MemoryStoryReader();
    reader.listStories = async () => {
      throw new Error('ProvisionedThroughputExceeded at arn:aws:dynamodb:secret');
    };
    const client = createClient(reader);
    const response = await client.request('/stories');
    expect(response.status).toBe(500);
    expect(bodyText(response)).toBe('{"error":{"code":"internal","message":"internal error"}}');
    expect(client.errors).toHaveLength(1);
    expect(String(client.errors[0])).toContain('ProvisionedThroughputExceeded');
  });

  it('puts nosniff and CORS headers on every response, errors included', async () => {
    const client = seededClient();
    const responses = await Promise.all([
      client.request('/stories'),
      client.request('/nope'),
      client.request('/stories?limit=0'),
      client.request('/stories', { method: 'POST' }),
      client.request('/stories', { method: 'OPTIONS' }),
    ]);
    for (const response of responses) {
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['access-control-allow-origin']).toBe('*');
      expect(response.headers['access-control-expose-headers']).toMatch(/ETag.*Last-Modified/);
    }
  });
});
