export { renderAtomFeed } from './atom-feed.ts';
export { renderContentHtml, renderContentText, renderSummary } from './content.ts';
export type { FeedEntry, FeedModel } from './feed-model.ts';
export { JSON_FEED_VERSION, renderJsonFeed } from './json-feed.ts';
export { formatRfc822, renderRssFeed } from './rss-feed.ts';
export { escapeHtml, escapeXmlAttribute, escapeXmlText, stripInvalidXmlChars } from './xml.ts';
