import type { StoryDocument } from '../story/types.ts';

/**
 * Paragraph text one feed page may carry. A Lambda response is at most 6 MB, and each entry
 * repeats its text in content_html, content_text and summary, so a page of fifty 1 MiB stories
 * must be shortened; stories of ordinary length (a few thousand characters) never are.
 */
export const FEED_PAGE_TEXT_BUDGET = 1_000_000;
const MIN_ENTRY_BUDGET = 20_000;
const MAX_FIGURES = 200;

/** The per-entry text budget for a page of `entries` entries. */
export function entryTextBudget(entries: number): number {
  return Math.max(MIN_ENTRY_BUDGET, Math.floor(FEED_PAGE_TEXT_BUDGET / Math.max(1, entries)));
}

/**
 * A copy of the document shortened to about `maxChars` characters of paragraph text for a feed
 * entry: whole paragraphs while they fit (the first one cut if it alone is too long), their
 * figures, and a last paragraph that says where the full version is. Metrics, citations and the
 * disclaimer are the full document's. The document itself is returned when it fits.
 */
export function fitDocumentToFeed(document: StoryDocument, maxChars: number, fullUrl: string): StoryDocument {
  if (document.metrics.characters <= maxChars && document.figures.length <= MAX_FIGURES) return document;
  const paragraphs: StoryDocument['paragraphs'] = [];
  let used = 0;
  for (const paragraph of document.paragraphs) {
    if (used + paragraph.text.length > maxChars) {
      if (paragraphs.length === 0)
        paragraphs.push({ ...paragraph, text: `${paragraph.text.slice(0, maxChars)}…` });
      break;
    }
    paragraphs.push(paragraph);
    used += paragraph.text.length;
  }
  const kept = new Set(paragraphs.map((paragraph) => paragraph.index));
  const figures = document.figures.filter((figure) => kept.has(figure.paragraph)).slice(0, MAX_FIGURES);
  const note = {
    index: document.paragraphs.length,
    text: `This entry is shortened for the feed; the full version is at ${fullUrl}`,
    citations: [],
  };
  return { ...document, paragraphs: [...paragraphs, note], figures };
}
