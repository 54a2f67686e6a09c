import type { StoryDocument } from '../story/types.ts';
import { escapeHtml } from './xml.ts';

function citedUrl(baseUrl: string, id: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/cited/${encodeURIComponent(id)}`;
}

/**
 * Renders a story version as an HTML fragment for a feed entry: its paragraphs with citations as
 * links to the source's page `{baseUrl}/cited/{id}`, then its disclaimer in small print. Metrics
 * and figures belong on the story's page, not in every reader's view. All document text is escaped.
 */
export function renderContentHtml(document: StoryDocument, baseUrl: string): string {
  const parts = document.paragraphs.map((paragraph) => {
    const links = paragraph.citations.map(
      (id) => ` <a href="${escapeHtml(citedUrl(baseUrl, id))}">[${escapeHtml(id)}]</a>`,
    );
    return `<p>${escapeHtml(paragraph.text)}${links.join('')}</p>`;
  });
  if (document.disclaimer !== null) {
    parts.push(`<p><small>${escapeHtml(document.disclaimer)}</small></p>`);
  }
  return parts.join('\n');
}

/** Renders the same content as renderContentHtml as plain text: citations as `[id]`. */
export function renderContentText(document: StoryDocument): string {
  const parts = document.paragraphs.map((paragraph) =>
    [paragraph.text, ...paragraph.citations.map((id) => `[${id}]`)].join(' '),
  );
  if (document.disclaimer !== null) {
    parts.push(document.disclaimer);
  }
  return parts.join('\n\n');
}

/** The summary of a story version: its first paragraph's text. */
export function renderSummary(document: StoryDocument): string {
  return document.paragraphs[0]?.text ?? '';
}
