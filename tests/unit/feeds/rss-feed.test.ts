import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { parseRssFeed } from 'feedsmith';
import { describe, expect, it } from 'vitest';
import { renderContentHtml } from '../../../functions/feeds/content.ts';
import { renderRssFeed } from '../../../functions/feeds/rss-feed.ts';
import {
  BASE_URL,
  buildFeedDocuments,
  buildFeedEntry,
  buildFeedModel,
  createExactXmlParser,
  HOSTILE_TEXT,
  HOSTILE_TEXT_IN_XML,
  listXmlForbiddenChars,
} from '../../builders/feed-model.ts';
import { buildParagraph, buildStoryDocument } from '../../builders/story-document.ts';

const RFC_822_GMT =
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;

const xml = createExactXmlParser(['item', 'atom:link']);

interface XmlChannel {
  title: string;
  link: string;
  description: string;
  lastBuildDate: string;
  'atom:link': Array<{ '@_rel': string; '@_type': string; '@_href': string }>;
  item: Array<Record<string, unknown>>;
}

function channelOf(rss: string): XmlChannel {
  return xml.parse(rss).rss.channel;
}

describe('renderRssFeed', () => {
  it('renders a well-formed RSS 2.0 channel with title, link, description, lastBuildDate and self link', () => {
    const model = buildFeedModel('rss');
    const rss = renderRssFeed(model);
    expect(XMLValidator.validate(rss)).toBe(true);
    const root = xml.parse(rss).rss;
    expect(root['@_version']).toBe('2.0');
    expect(root['@_xmlns:atom']).toBe('http://www.w3.org/2005/Atom');
    const feed = parseRssFeed(rss);
    expect(feed).toMatchObject({
      title: model.title,
      link: `${BASE_URL}/`,
      description: model.description,
      lastBuildDate: 'Fri, 05 Jul 2024 15:33:01 GMT',
    });
    expect(feed.atom?.links).toEqual([
      { rel: 'self', type: 'application/rss+xml', href: `${BASE_URL}/feeds/latest.rss` },
    ]);
  });

  it('renders one item per story with its JSON URL as non-permalink guid, its page as link, HTML description and RFC 822 pubDate', () => {
    const [document] = buildFeedDocuments();
    if (document === undefined) throw new Error('no document');
    const feed = parseRssFeed(renderRssFeed(buildFeedModel('rss')));
    expect(feed.items).toHaveLength(3);
    expect(feed.items?.[0]).toEqual({
      guid: { value: `${BASE_URL}/stories/shenzhen`, isPermaLink: false },
      title: document.title,
      link: `${BASE_URL}/read/shenzhen`,
      description: renderContentHtml(document, BASE_URL),
      pubDate: 'Fri, 05 Jul 2024 15:33:01 GMT',
      categories: [{ name: '🌳' }],
    });
    expect(feed.items?.[0]?.description).toContain(`<a href="${BASE_URL}/cited/25773905">[25773905]</a>`);
  });

  it('dates every item in RFC 822 with a four-digit year and GMT, at the version timestamp to the second', () => {
    const channel = channelOf(renderRssFeed(buildFeedModel('rss')));
    const dates = channel.item.map((item) => String(item.pubDate));
    for (const date of dates) {
      expect(date).toMatch(RFC_822_GMT);
    }
    expect(dates.map((date) => new Date(date).toISOString())).toEqual([
      '2024-07-05T15:33:01.000Z',
      '2024-06-30T08:00:00.000Z',
      '2023-01-09T23:59:59.000Z',
    ]);
    expect(channel.lastBuildDate).toMatch(RFC_822_GMT);
  });

  it('links the next page with atom:link only when there is one', () => {
    const next = `${BASE_URL}/feeds/latest.rss?cursor=abc&limit=3`;
    const paged = channelOf(renderRssFeed(buildFeedModel('rss', { nextUrl: next })))['atom:link'];
    expect(paged.map((link) => [link['@_rel'], link['@_href']])).toEqual([
      ['self', `${BASE_URL}/feeds/latest.rss`],
      ['next', next],
    ]);
    const single = channelOf(renderRssFeed(buildFeedModel('rss')))['atom:link'];
    expect(single.map((link) => link['@_rel'])).toEqual(['self']);
  });

  it('renders an empty channel that is still valid', () => {
    const rss = renderRssFeed(buildFeedModel('rss', { entries: [], updated: '1970-01-01T00:00:00.000Z' }));
    expect(XMLValidator.validate(rss)).toBe(true);
    expect(parseRssFeed(rss).lastBuildDate).toBe('Thu, 01 Jan 1970 00:00:00 GMT');
  });

  it('gives hostile text back exactly, minus what XML 1.0 cannot carry, with no injected element', () => {
    const document = buildStoryDocument({
      title: HOSTILE_TEXT,
      paragraphs: [buildParagraph(HOSTILE_TEXT)],
      marker: null,
    });
    const rss = renderRssFeed(
      buildFeedModel('rss', {
        title: HOSTILE_TEXT,
        description: HOSTILE_TEXT,
        entries: [buildFeedEntry(document)],
      }),
    );
    expect(XMLValidator.validate(rss)).toBe(true);
    expect(listXmlForbiddenChars(rss)).toEqual([]);

    const feed = parseRssFeed(rss);
    expect(feed.title).toBe(HOSTILE_TEXT_IN_XML);
    expect(feed.description).toBe(HOSTILE_TEXT_IN_XML);
    expect(feed.items?.[0]?.title).toBe(HOSTILE_TEXT_IN_XML);

    const channel = channelOf(rss);
    expect(channel.title).toBe(HOSTILE_TEXT_IN_XML);
    const [item] = channel.item;
    expect(Object.keys(item ?? {}).filter((key) => key !== '#text')).toEqual([
      'guid',
      'title',
      'link',
      'description',
      'pubDate',
    ]);
    expect(item?.title).toBe(HOSTILE_TEXT_IN_XML);
    const html = new XMLParser({
      processEntities: true,
      htmlEntities: true,
      trimValues: false,
      parseTagValue: false,
    });
    expect(html.parse(`<div>${String(item?.description)}</div>`).div.p[0]).toBe(HOSTILE_TEXT_IN_XML);
  });
});
