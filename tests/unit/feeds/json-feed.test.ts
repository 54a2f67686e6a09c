import { parseJsonFeed } from 'feedsmith';
import { describe, expect, it } from 'vitest';
import { renderContentHtml, renderContentText } from '../../../functions/feeds/content.ts';
import { renderJsonFeed } from '../../../functions/feeds/json-feed.ts';
import {
  BASE_URL,
  buildFeedDocuments,
  buildFeedEntry,
  buildFeedModel,
  HOSTILE_TEXT,
} from '../../builders/feed-model.ts';
import { buildParagraph, buildStoryDocument } from '../../builders/story-document.ts';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe('renderJsonFeed', () => {
  it('renders a JSON Feed 1.1 document that a feed parser reads', () => {
    const model = buildFeedModel('json');
    const json = JSON.parse(renderJsonFeed(model));
    expect(json.version).toBe('https://jsonfeed.org/version/1.1');
    const feed = parseJsonFeed(json);
    expect(feed).toMatchObject({
      title: model.title,
      home_page_url: `${BASE_URL}/`,
      feed_url: `${BASE_URL}/feeds/latest.json`,
      description: model.description,
      authors: [{ name: 'storyfeed' }],
    });
    expect(feed.items?.map((item) => item.id)).toEqual([
      `${BASE_URL}/stories/shenzhen`,
      `${BASE_URL}/stories/market-wrap.2024-06`,
      `${BASE_URL}/stories/harbour`,
    ]);
  });

  it('gives each item its JSON URL as id, its page as url, the JSON URL as _storyfeed.api_url, content and ISO dates', () => {
    const [document] = buildFeedDocuments();
    if (document === undefined) throw new Error('no document');
    const json = JSON.parse(renderJsonFeed(buildFeedModel('json', { entries: [buildFeedEntry(document)] })));
    const [item] = json.items;
    expect(item).toEqual({
      id: `${BASE_URL}/stories/shenzhen`,
      url: `${BASE_URL}/read/shenzhen`,
      title: document.title,
      summary: document.paragraphs[0]?.text,
      content_html: renderContentHtml(document, BASE_URL),
      content_text: renderContentText(document),
      date_published: '2024-07-05T15:33:01.103Z',
      date_modified: '2024-07-05T15:33:01.103Z',
      tags: ['🌳'],
      _storyfeed: { api_url: `${BASE_URL}/stories/shenzhen` },
    });
    expect(item.date_published).toMatch(ISO);
    expect(item.content_html).toContain(`<a href="${BASE_URL}/cited/25773905">[25773905]</a>`);
  });

  it('tags an item with its marker only when the version has one', () => {
    const json = JSON.parse(renderJsonFeed(buildFeedModel('json')));
    expect(json.items.map((item: { tags?: string[] }) => item.tags)).toEqual([['🌳'], undefined, ['⚓']]);
  });

  it('links the next page only when there is one', () => {
    const next = `${BASE_URL}/feeds/latest.json?cursor=abc&limit=3`;
    expect(JSON.parse(renderJsonFeed(buildFeedModel('json', { nextUrl: next }))).next_url).toBe(next);
    expect(JSON.parse(renderJsonFeed(buildFeedModel('json')))).not.toHaveProperty('next_url');
  });

  it('renders an empty feed with the required, empty items array', () => {
    const json = JSON.parse(renderJsonFeed(buildFeedModel('json', { entries: [] })));
    expect(json.items).toEqual([]);
    expect(parseJsonFeed(json).title).toBe('storyfeed: latest stories');
  });

  it('gives hostile titles and paragraphs back exactly, control characters included', () => {
    const document = buildStoryDocument({
      title: HOSTILE_TEXT,
      marker: HOSTILE_TEXT,
      paragraphs: [buildParagraph(HOSTILE_TEXT)],
    });
    const text = renderJsonFeed(
      buildFeedModel('json', { title: HOSTILE_TEXT, entries: [buildFeedEntry(document)] }),
    );
    const feed = parseJsonFeed(JSON.parse(text));
    expect(feed.title).toBe(HOSTILE_TEXT);
    expect(feed.items?.[0]?.title).toBe(HOSTILE_TEXT);
    expect(feed.items?.[0]?.summary).toBe(HOSTILE_TEXT);
    expect(feed.items?.[0]?.tags).toEqual([HOSTILE_TEXT]);
    expect(feed.items?.[0]?.content_text?.startsWith(HOSTILE_TEXT)).toBe(true);
    expect(Array.from(text).filter((c) => c < ' ')).toEqual([]);
  });
});
