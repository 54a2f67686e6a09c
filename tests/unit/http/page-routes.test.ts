import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { HttpError } from '../../../functions/http/errors.ts';
import { PAGE_CSP } from '../../../functions/http/page-routes.ts';
import type { HttpResponse } from '../../../functions/http/types.ts';
import { STYLESHEET_CSS, STYLESHEET_PATH } from '../../../functions/pages/stylesheet.ts';
import type { StoredVersion } from '../../../functions/store/story-store.ts';
import { BASE_URL, bodyJson, bodyText, createClient, seedCorpus } from './http-harness.ts';
import { MemoryStoryReader } from './memory-reader.ts';

function seededClient() {
  const reader = new MemoryStoryReader();
  seedCorpus(reader);
  return createClient(reader);
}

function expectPage(response: HttpResponse, status = 200): string {
  expect(response.status).toBe(status);
  expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
  expect(response.headers['content-security-policy']).toBe(PAGE_CSP);
  return bodyText(response);
}

describe('page routes', () => {
  it('serves the latest stories at / with titles escaped, feed links and the caching of §3', async () => {
    const response = await seededClient().request('/');
    const html = expectPage(response);
    expect(response.headers.etag).toMatch(/^"[\w-]+"$/);
    expect(response.headers['last-modified']).toBe(new Date('2024-07-01T00:20:00Z').toUTCString());
    expect(response.headers['cache-control']).toBe('public, max-age=60');
    expect(html).toContain(`<a href="${BASE_URL}/read/alpha">Alpha latest</a>`);
    expect(html).toContain('Beta &lt;only&gt; &amp; &quot;version&quot;');
    expect(html).toContain(
      `<link rel="alternate" type="application/atom+xml" title="storyfeed: latest stories (Atom)" href="${BASE_URL}/feeds/latest.atom"/>`,
    );
  });

  it('answers 304 to a matching If-None-Match and an empty HEAD with the length GET would send', async () => {
    const client = seededClient();
    const first = await client.request('/read/alpha');
    const again = await client.request('/read/alpha', {
      headers: { 'If-None-Match': first.headers.etag ?? '' },
    });
    expect(again.status).toBe(304);
    expect(again.body).toBe('');
    expect(again.headers['content-security-policy']).toBe(PAGE_CSP);
    const head = await client.request('/read/alpha', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    expect(head.headers['content-length']).toBe(String(Buffer.byteLength(bodyText(first))));
  });

  it('pages the home page with a signed cursor', async () => {
    const client = seededClient();
    const html = expectPage(await client.request('/?limit=1'));
    const next = /<a href="([^"]+)" rel="next">/.exec(html)?.[1]?.replaceAll('&amp;', '&');
    expect(next).toMatch(new RegExp(`^${BASE_URL}/\\?limit=1&cursor=`));
    const second = expectPage(await client.request(next ?? ''));
    expect(second).toContain('Beta &lt;only&gt;');
    expect(second).not.toContain('rel="next"');
  });

  it('serves a story page with every version linked, the chart and the changes from the version before', async () => {
    const html = expectPage(await seededClient().request('/read/alpha'));
    expect(html).toContain('<h1>Alpha latest</h1>');
    for (const version of ['v0.11', 'v0.9']) {
      expect(html).toContain(`<a href="${BASE_URL}/read/alpha/${version}">${version}</a>`);
    }
    expect(html).toContain(`href="${BASE_URL}/read/alpha/changes?from=v0.11&amp;to=v0.12"`);
    expect(html).toContain('<th scope="row">v0.9</th>');
    expect(html).toContain(`href="${BASE_URL}/stories/alpha/feed.rss"`);
  });

  it('serves a version page with its raw text link; the first version links no changes', async () => {
    const html = expectPage(await seededClient().request('/read/alpha/V0.9.0'));
    expect(html).toContain('<h1>Alpha early</h1>');
    expect(html).toContain(`href="${BASE_URL}/stories/alpha/versions/v0.9/raw"`);
    expect(html).toContain('This is the first version.');
  });

  it('shows the changes from the version below the head by default, numbers kept whole', async () => {
    const html = expectPage(await seededClient().request('/read/alpha/changes?from=v0.9'));
    expect(html).toContain(
      'Shenzhen invested <del>80.3 billion yuan</del><ins>90 billion yuan</ins> in research',
    );
    expect(html).toContain(`Added: <a class="cite" href="${BASE_URL}/cited/934f7ccc"`);
    const byDefault = expectPage(await seededClient().request('/read/alpha/changes'));
    expect(byDefault).toContain('<option value="v0.11" selected="">v0.11</option>');
  });

  it('lists the versions citing a source', async () => {
    const html = expectPage(await seededClient().request('/cited/25773905'));
    expect(html).toContain(`<a href="${BASE_URL}/read/alpha/v0.12">Alpha latest</a>`);
    expect(html).toContain('<mark>[25773905]</mark>');
  });

  it('answers failures on pages as HTML pages: 400, 404 naming what is missing, 405', async () => {
    const client = seededClient();
    const cases: Array<[string, number, string]> = [
      ['/read/nobody', 404, 'no story nobody'],
      ['/read/alpha/v9.9', 404, 'no version v9.9 of story alpha'],
      ['/read/alpha/changes?from=v0.10', 404, 'no version v0.10 of story alpha'],
      ['/read/beta/changes', 400, 'v1.0 is the first version of story beta'],
      ['/read/alpha/latest', 400, 'version must be a version label'],
      ['/read/a/b/c', 404, 'no such path'],
      // The path arrives decoded once (as API Gateway hands it): a % left in it is part of the id.
      ['/read/%E0%A4%A', 400, 'storyId must match'],
      ['/cited/deadbeef', 404, 'no story cites the source deadbeef'],
      ['/cited/xyz', 400, 'citationId must be'],
    ];
    for (const [target, status, message] of cases) {
      const html = expectPage(await client.request(target), status);
      expect(html, target).toContain(message);
      expect(html).toContain(`Error ${status}`);
    }
    const post = await client.request('/read/alpha', { method: 'POST' });
    expect(expectPage(post, 405)).toContain('only GET and HEAD');
    expect(post.headers.allow).toBe('GET, HEAD');
  });

  it('answers a 410 thrown by a read as a 410 page, and as JSON on the API', async () => {
    const reader = new MemoryStoryReader();
    seedCorpus(reader);
    reader.getVersion = async (): Promise<StoredVersion | null> => {
      throw new HttpError(410, 'not_found', 'this version was retracted');
    };
    const client = createClient(reader);
    expect(expectPage(await client.request('/read/alpha/v0.9'), 410)).toContain('<h1>Retracted</h1>');
    const json = await client.request('/stories/alpha/versions/v0.9');
    expect(json.status).toBe(410);
    expect(bodyJson(json)).toMatchObject({ error: { message: 'this version was retracted' } });
  });

  it('keeps JSON errors on the API routes', async () => {
    const response = await seededClient().request('/stories/nobody');
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(bodyJson(response)).toEqual({ error: { code: 'not_found', message: 'no story nobody' } });
  });

  it('serves the stylesheet at its hashed path for a year, and nothing else under /assets/', async () => {
    const client = seededClient();
    const css = await client.request(STYLESHEET_PATH);
    expect(css.status).toBe(200);
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(css.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(bodyText(css)).toBe(STYLESHEET_CSS);
    expect((await client.request('/assets/style.0000000000000000.css')).status).toBe(404);
  });

  it('links every feed entry to a page that answers 200 text/html', async () => {
    const client = seededClient();
    const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' });
    const pageUrls = new Set<string>();
    for (const feed of ['/feeds/latest', '/stories/alpha/feed', '/sources/25773905/feed']) {
      const json = bodyJson<{ items: Array<{ url: string; _storyfeed: { api_url: string } }> }>(
        await client.request(`${feed}.json`),
      );
      for (const item of json.items) {
        pageUrls.add(item.url);
        expect((await client.request(item._storyfeed.api_url)).status).toBe(200);
      }
      const atom = xml.parse(bodyText(await client.request(`${feed}.atom`)));
      for (const entry of [atom.feed.entry].flat()) {
        for (const link of [entry.link].flat()) {
          if (link.rel === 'alternate') {
            expect(link.type).toBe('text/html');
            pageUrls.add(link.href);
          }
        }
      }
      const rss = xml.parse(bodyText(await client.request(`${feed}.rss`)));
      for (const item of [rss.rss.channel.item].flat()) pageUrls.add(item.link);
    }
    expect(pageUrls).toContain(`${BASE_URL}/read/alpha/v0.9`);
    expect(pageUrls).toContain(`${BASE_URL}/read/beta`);
    for (const url of pageUrls) {
      expectPage(await client.request(url));
    }
  });
});
