import { renderContentHtml, renderSummary } from './content.ts';
import type { DeletedEntry, FeedEntry, FeedModel } from './feed-model.ts';
import { renderXmlElement } from './xml.ts';

/** RFC 6721 (Atom tombstones). */
const TOMBSTONES_NAMESPACE = 'http://purl.org/atompub/tombstones/1.0';

/** `<at:deleted-entry ref when/>`: an entry the feed no longer carries (RFC 6721). */
function renderDeletedEntry(deleted: DeletedEntry): string {
  return renderXmlElement('at:deleted-entry', null, { ref: deleted.ref, when: deleted.when });
}

/** The feed's URL without query or fragment, so every page of the same feed has the same stable id. */
function stripQuery(url: string): string {
  return url.replace(/[?#].*$/s, '');
}

function renderEntry(entry: FeedEntry, baseUrl: string): string {
  const { document } = entry;
  const lines = [
    '<entry>',
    renderXmlElement('id', entry.id),
    renderXmlElement('title', document.title, { type: 'text' }),
    renderXmlElement('updated', entry.updated),
    renderXmlElement('published', entry.published),
    renderXmlElement('link', null, { rel: 'alternate', type: 'text/html', href: entry.url }),
    renderXmlElement('link', null, { rel: 'related', type: 'application/json', href: entry.apiUrl }),
    renderXmlElement('summary', renderSummary(document), { type: 'text' }),
    renderXmlElement('content', renderContentHtml(document, baseUrl), { type: 'html' }),
  ];
  if (document.marker !== null) {
    lines.push(renderXmlElement('category', null, { term: document.marker }));
  }
  lines.push('</entry>');
  return lines.join('\n');
}

/**
 * Renders a feed model as an Atom 1.0 document (RFC 4287, `application/atom+xml`), with an RFC 5005
 * `link rel="next"` when there is a next page. Titles are `type="text"`; content is escaped HTML.
 */
export function renderAtomFeed(model: FeedModel): string {
  const lines = [
    '<?xml version="1.0" encoding="utf-8"?>',
    model.deletedEntries?.length
      ? `<feed xmlns="http://www.w3.org/2005/Atom" xmlns:at="${TOMBSTONES_NAMESPACE}">`
      : '<feed xmlns="http://www.w3.org/2005/Atom">',
    renderXmlElement('id', stripQuery(model.selfUrl || model.homePageUrl)),
    renderXmlElement('title', model.title, { type: 'text' }),
    renderXmlElement('subtitle', model.description, { type: 'text' }),
    renderXmlElement('updated', model.updated),
    '<author><name>storyfeed</name></author>',
    renderXmlElement('link', null, { rel: 'self', type: 'application/atom+xml', href: model.selfUrl }),
    renderXmlElement('link', null, { rel: 'alternate', type: 'text/html', href: model.homePageUrl }),
  ];
  if (model.hubUrl) lines.push(renderXmlElement('link', null, { rel: 'hub', href: model.hubUrl }));
  if (model.nextUrl !== null) {
    lines.push(
      renderXmlElement('link', null, { rel: 'next', type: 'application/atom+xml', href: model.nextUrl }),
    );
  }
  lines.push(...(model.deletedEntries ?? []).map(renderDeletedEntry));
  lines.push(...model.entries.map((entry) => renderEntry(entry, model.baseUrl)), '</feed>', '');
  return lines.join('\n');
}
