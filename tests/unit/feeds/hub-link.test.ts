import { XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { renderAtomFeed } from '../../../functions/feeds/atom-feed.ts';
import { renderJsonFeed } from '../../../functions/feeds/json-feed.ts';
import { renderRssFeed } from '../../../functions/feeds/rss-feed.ts';
import { BASE_URL, buildFeedModel, createExactXmlParser } from '../../builders/feed-model.ts';

const HUB = 'https://hub.example.net/';
const xml = createExactXmlParser(['link', 'atom:link']);

interface XmlLink {
  '@_rel': string;
  '@_href': string;
}

describe('WebSub hub links in feeds', () => {
  it('names the hub beside the self link in Atom when a hub is configured', () => {
    const atom = renderAtomFeed(buildFeedModel('atom', { hubUrl: HUB }));
    expect(XMLValidator.validate(atom)).toBe(true);
    const links: XmlLink[] = xml.parse(atom).feed.link;
    expect(links.filter((link) => ['self', 'hub'].includes(link['@_rel']))).toMatchObject([
      { '@_rel': 'self', '@_href': `${BASE_URL}/feeds/latest.atom` },
      { '@_rel': 'hub', '@_href': HUB },
    ]);
  });

  it('names the hub as atom:link in RSS', () => {
    const rss = renderRssFeed(buildFeedModel('rss', { hubUrl: HUB }));
    expect(XMLValidator.validate(rss)).toBe(true);
    const links: XmlLink[] = xml.parse(rss).rss.channel['atom:link'];
    expect(links.filter((link) => link['@_rel'] === 'hub')).toMatchObject([{ '@_href': HUB }]);
  });

  it('lists the hub in JSON Feed `hubs` with type WebSub', () => {
    const feed = JSON.parse(renderJsonFeed(buildFeedModel('json', { hubUrl: HUB })));
    expect(feed.hubs).toEqual([{ type: 'WebSub', url: HUB }]);
    expect(feed.feed_url).toBe(`${BASE_URL}/feeds/latest.json`);
  });

  it('names no hub when none is configured', () => {
    expect(renderAtomFeed(buildFeedModel('atom'))).not.toContain('rel="hub"');
    expect(renderRssFeed(buildFeedModel('rss'))).not.toContain('rel="hub"');
    expect(JSON.parse(renderJsonFeed(buildFeedModel('json')))).not.toHaveProperty('hubs');
  });
});
