import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { parseAtomFeed } from 'feedsmith';
import { describe, expect, it } from 'vitest';
import { renderAtomFeed } from '../../../functions/feeds/atom-feed.ts';
import { renderContentHtml } from '../../../functions/feeds/content.ts';
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

const xml = createExactXmlParser(['entry', 'link', 'category']);

interface XmlLink {
  '@_rel': string;
  '@_href': string;
  '@_type'?: string;
}

function linksOf(atom: string): XmlLink[] {
  return xml.parse(atom).feed.link;
}

describe('renderAtomFeed', () => {
  it('renders a well-formed Atom 1.0 feed with id, title, updated, author and self link', () => {
    const model = buildFeedModel('atom');
    const atom = renderAtomFeed(model);
    expect(atom.startsWith('<?xml version="1.0" encoding="utf-8"?>\n')).toBe(true);
    expect(XMLValidator.validate(atom)).toBe(true);
    expect(xml.parse(atom).feed['@_xmlns']).toBe('http://www.w3.org/2005/Atom');
    const feed = parseAtomFeed(atom);
    expect(feed.id).toBe(`${BASE_URL}/feeds/latest.atom`);
    expect(feed.title).toEqual({ value: model.title, type: 'text' });
    expect(feed.updated).toBe('2024-07-05T15:33:01.103Z');
    expect(feed.authors).toEqual([{ name: 'storyfeed' }]);
    expect(feed.links).toEqual([
      { rel: 'self', type: 'application/atom+xml', href: `${BASE_URL}/feeds/latest.atom` },
      { rel: 'alternate', type: 'text/html', href: `${BASE_URL}/` },
    ]);
  });

  it('renders one entry per story with its JSON URL as id, its page as alternate link and its JSON as related link', () => {
    const documents = buildFeedDocuments();
    const feed = parseAtomFeed(renderAtomFeed(buildFeedModel('atom')));
    expect(feed.entries).toHaveLength(3);
    const [entry] = feed.entries ?? [];
    const [document] = documents;
    if (document === undefined) throw new Error('no document');
    expect(entry).toEqual({
      id: `${BASE_URL}/stories/shenzhen`,
      title: { value: document.title, type: 'text' },
      updated: '2024-07-05T15:33:01.103Z',
      published: '2024-07-05T15:33:01.103Z',
      links: [
        { rel: 'alternate', type: 'text/html', href: `${BASE_URL}/read/shenzhen` },
        { rel: 'related', type: 'application/json', href: `${BASE_URL}/stories/shenzhen` },
      ],
      summary: { value: document.paragraphs[0]?.text, type: 'text' },
      content: { value: renderContentHtml(document, BASE_URL), type: 'html' },
      categories: [{ term: '🌳' }],
    });
    expect(entry?.content?.value).toContain(`<a href="${BASE_URL}/cited/934f7ccc">[934f7ccc]</a>`);
    expect(feed.entries?.map((e) => e.categories)).toEqual([[{ term: '🌳' }], undefined, [{ term: '⚓' }]]);
  });

  it('links the next page (RFC 5005) only when there is one', () => {
    const next = `${BASE_URL}/feeds/latest.atom?cursor=a%2Fb&limit=3`;
    const paged = linksOf(renderAtomFeed(buildFeedModel('atom', { nextUrl: next })));
    expect(paged.filter((link) => link['@_rel'] === 'next')).toEqual([
      { '@_rel': 'next', '@_type': 'application/atom+xml', '@_href': next },
    ]);
    const single = linksOf(renderAtomFeed(buildFeedModel('atom')));
    expect(single.map((link) => link['@_rel'])).toEqual(['self', 'alternate']);
  });

  it('keeps the same feed id on every page', () => {
    const first = buildFeedModel('atom', { selfUrl: `${BASE_URL}/feeds/latest.atom?limit=2` });
    const second = buildFeedModel('atom', { selfUrl: `${BASE_URL}/feeds/latest.atom?limit=2&cursor=xyz` });
    expect(parseAtomFeed(renderAtomFeed(first)).id).toBe(parseAtomFeed(renderAtomFeed(second)).id);
    expect(linksOf(renderAtomFeed(second))[0]?.['@_href']).toBe(
      `${BASE_URL}/feeds/latest.atom?limit=2&cursor=xyz`,
    );
  });

  it('renders an empty feed that is still valid', () => {
    const atom = renderAtomFeed(buildFeedModel('atom', { entries: [], updated: '1970-01-01T00:00:00.000Z' }));
    expect(XMLValidator.validate(atom)).toBe(true);
    expect(parseAtomFeed(atom).updated).toBe('1970-01-01T00:00:00.000Z');
  });

  it('gives hostile text back exactly, minus what XML 1.0 cannot carry, with no injected element', () => {
    const document = buildStoryDocument({
      title: HOSTILE_TEXT,
      marker: HOSTILE_TEXT,
      paragraphs: [buildParagraph(HOSTILE_TEXT), buildParagraph('Second.', ['25773905'])],
    });
    const atom = renderAtomFeed(
      buildFeedModel('atom', { title: HOSTILE_TEXT, entries: [buildFeedEntry(document)] }),
    );
    expect(XMLValidator.validate(atom)).toBe(true);
    expect(listXmlForbiddenChars(atom)).toEqual([]);

    const feed = parseAtomFeed(atom);
    expect(feed.title?.value).toBe(HOSTILE_TEXT_IN_XML);
    expect(feed.entries?.[0]?.title?.value).toBe(HOSTILE_TEXT_IN_XML);
    expect(feed.entries?.[0]?.summary?.value).toBe(HOSTILE_TEXT_IN_XML);
    expect(feed.entries?.[0]?.categories).toEqual([{ term: HOSTILE_TEXT_IN_XML }]);

    const parsed = xml.parse(atom).feed;
    expect(parsed.title['#text']).toBe(HOSTILE_TEXT_IN_XML);
    const [entry] = parsed.entry;
    const elements = Object.keys(entry).filter((key) => key !== '#text');
    expect(elements).toEqual([
      'id',
      'title',
      'updated',
      'published',
      'link',
      'summary',
      'content',
      'category',
    ]);
    expect(entry['#text']).toMatch(/^\s*$/);
    expect(entry.title['#text']).toBe(HOSTILE_TEXT_IN_XML);
    expect(entry.category[0]['@_term']).toBe(HOSTILE_TEXT_IN_XML);
    // The HTML content is escaped once: decoding the XML gives the HTML, whose text is the paragraph.
    const html = new XMLParser({
      processEntities: true,
      htmlEntities: true,
      trimValues: false,
      parseTagValue: false,
    });
    expect(html.parse(`<div>${entry.content['#text']}</div>`).div.p[0]).toBe(HOSTILE_TEXT_IN_XML);
  });

  it('keeps carriage returns and tabs in titles', () => {
    const document = buildStoryDocument({ title: 'one\r\ntwo\tthree\rfour' });
    const feed = parseAtomFeed(
      renderAtomFeed(buildFeedModel('atom', { entries: [buildFeedEntry(document)] })),
    );
    expect(feed.entries?.[0]?.title?.value).toBe('one\r\ntwo\tthree\rfour');
  });
});
