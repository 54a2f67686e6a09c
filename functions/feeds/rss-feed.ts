import { renderContentHtml } from './content.ts';
import type { FeedEntry, FeedModel } from './feed-model.ts';
import { renderXmlElement } from './xml.ts';

/** An ISO 8601 timestamp as an RFC 822 date with a four-digit year in GMT: `Fri, 05 Jul 2024 15:33:01 GMT`. */
export function formatRfc822(iso: string): string {
  return new Date(iso).toUTCString();
}

function renderItem(entry: FeedEntry, baseUrl: string): string {
  const { document } = entry;
  const lines = [
    '<item>',
    renderXmlElement('guid', entry.id, { isPermaLink: 'false' }),
    renderXmlElement('title', document.title),
    renderXmlElement('link', entry.url),
    renderXmlElement('description', renderContentHtml(document, baseUrl)),
    renderXmlElement('pubDate', formatRfc822(entry.updated)),
  ];
  if (document.marker !== null) {
    lines.push(renderXmlElement('category', document.marker));
  }
  lines.push('</item>');
  return lines.join('\n');
}

/**
 * Renders a feed model as RSS 2.0 (`application/rss+xml`) with `atom:link rel="self"` and, when paged,
 * `atom:link rel="next"`. Item descriptions are escaped HTML; dates are RFC 822 in GMT.
 */
export function renderRssFeed(model: FeedModel): string {
  const lines = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">',
    '<channel>',
    renderXmlElement('title', model.title),
    renderXmlElement('link', model.homePageUrl),
    renderXmlElement('description', model.description || model.title),
    renderXmlElement('lastBuildDate', formatRfc822(model.updated)),
    renderXmlElement('atom:link', null, { rel: 'self', type: 'application/rss+xml', href: model.selfUrl }),
  ];
  if (model.hubUrl) lines.push(renderXmlElement('atom:link', null, { rel: 'hub', href: model.hubUrl }));
  if (model.nextUrl !== null) {
    lines.push(
      renderXmlElement('atom:link', null, { rel: 'next', type: 'application/rss+xml', href: model.nextUrl }),
    );
  }
  lines.push(...model.entries.map((entry) => renderItem(entry, model.baseUrl)), '</channel>', '</rss>', '');
  return lines.join('\n');
}
