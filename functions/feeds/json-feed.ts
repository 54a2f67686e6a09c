import { renderContentHtml, renderContentText, renderSummary } from './content.ts';
import type { FeedEntry, FeedModel } from './feed-model.ts';

export const JSON_FEED_VERSION = 'https://jsonfeed.org/version/1.1';

interface JsonFeedItem {
  id: string;
  url: string;
  title: string;
  content_html: string;
  content_text: string;
  summary: string;
  date_published: string;
  date_modified: string;
  tags?: string[];
  /** A JSON Feed extension (its name starts with `_`): where the entry's JSON document is. */
  _storyfeed: { api_url: string };
}

function renderItem(entry: FeedEntry, baseUrl: string): JsonFeedItem {
  const { document } = entry;
  return {
    id: entry.id,
    url: entry.url,
    title: document.title,
    content_html: renderContentHtml(document, baseUrl),
    content_text: renderContentText(document),
    summary: renderSummary(document),
    date_published: entry.published,
    date_modified: entry.updated,
    ...(document.marker === null ? {} : { tags: [document.marker] }),
    _storyfeed: { api_url: entry.apiUrl },
  };
}

/**
 * Renders a feed model as JSON Feed 1.1 (`application/feed+json`). Strings are kept exactly as they are:
 * JSON.stringify escapes quotes, control characters and lone surrogates so JSON.parse gives them back.
 */
export function renderJsonFeed(model: FeedModel): string {
  return JSON.stringify({
    version: JSON_FEED_VERSION,
    title: model.title,
    home_page_url: model.homePageUrl,
    feed_url: model.selfUrl,
    description: model.description,
    authors: [{ name: 'storyfeed' }],
    ...(model.hubUrl ? { hubs: [{ type: 'WebSub', url: model.hubUrl }] } : {}),
    ...(model.nextUrl === null ? {} : { next_url: model.nextUrl }),
    items: model.entries.map((entry) => renderItem(entry, model.baseUrl)),
  });
}
