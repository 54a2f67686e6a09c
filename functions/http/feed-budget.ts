import type { FeedEntry } from '../feeds/feed-model.ts';
import type { StoryDocument } from '../story/types.ts';

/**
 * The largest body one answer carries, in UTF-8 bytes. A Lambda response is at most 6 MB
 * (6,291,456 bytes) of JSON, in which the body is a string (escaped) next to the headers; 5,000,000
 * bytes leaves room for both. Feeds and lists hold fewer entries to stay under it; a single document
 * over it is redirected to a stored copy (oversized-answer.ts).
 */
export const RESPONSE_BYTE_LIMIT = 5_000_000;

/**
 * Paragraph text one feed page may carry. A Lambda response is at most 6 MB, and each entry
 * repeats its text in content_html, content_text and summary, so a page of fifty 1 MiB stories
 * must be shortened; stories of ordinary length (a few thousand characters) never are.
 */
export const FEED_PAGE_TEXT_BUDGET = 1_000_000;
const MIN_ENTRY_BUDGET = 20_000;
const MAX_FIGURES = 200;
/** `<p>…</p>` and separators around a paragraph. */
const PARAGRAPH_MARKUP_CHARS = 16;
/** ` <a href="…/cited/{id}">[{id}]</a>` with a long base URL and a 64-digit id. */
const CITATION_LINK_CHARS = 120;

/** The per-entry text budget for a page of `entries` entries. */
export function entryTextBudget(entries: number): number {
  return Math.max(MIN_ENTRY_BUDGET, Math.floor(FEED_PAGE_TEXT_BUDGET / Math.max(1, entries)));
}

/**
 * A copy of the document shortened to about `maxChars` characters (paragraph text and the markup of
 * its links) for a feed entry: whole paragraphs while they fit (the first one cut if it alone is too long), their
 * figures, and a last paragraph that says where the full version is. Metrics, citations and the
 * disclaimer are the full document's. The document itself is returned when it fits.
 */
export function fitDocumentToFeed(document: StoryDocument, maxChars: number, fullUrl: string): StoryDocument {
  const paragraphs: StoryDocument['paragraphs'] = [];
  let used = 0;
  let cut = false;
  for (const paragraph of document.paragraphs) {
    const cost = paragraphCost(paragraph);
    if (used + cost > maxChars) {
      if (paragraphs.length === 0)
        paragraphs.push({ ...paragraph, text: `${paragraph.text.slice(0, maxChars)}…` });
      cut = true;
      break;
    }
    paragraphs.push(paragraph);
    used += cost;
  }
  if (!cut && document.figures.length <= MAX_FIGURES) return document;
  const kept = new Set(paragraphs.map((paragraph) => paragraph.index));
  const figures = document.figures.filter((figure) => kept.has(figure.paragraph)).slice(0, MAX_FIGURES);
  const note = {
    index: document.paragraphs.length,
    text: `This entry is shortened for the feed; the full version is at ${fullUrl}`,
    citations: [],
  };
  return { ...document, paragraphs: [...paragraphs, note], figures };
}

/**
 * What a paragraph costs in a feed entry, in characters: its text plus what its markup and citation
 * links add, so that a story of many short cited paragraphs is shortened too (70,000 one-word cited
 * paragraphs are 350 KB of text but 2.5 MB of links per rendering).
 */
function paragraphCost(paragraph: StoryDocument['paragraphs'][number]): number {
  return paragraph.text.length + PARAGRAPH_MARKUP_CHARS + paragraph.citations.length * CITATION_LINK_CHARS;
}

/** One page of a feed as the renderer takes it. */
export interface FeedPageParts {
  entries: FeedEntry[];
  nextUrl: string | null;
}

/** Room kept for a next link whose cursor is longer than the one measured. */
const NEXT_LINK_ALLOWANCE = 4096;
const MAX_SHRINK_STEPS = 8;

function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

function textChars(document: StoryDocument): number {
  let chars = 0;
  for (const paragraph of document.paragraphs) chars += paragraph.text.length;
  return chars;
}

/** The entry, shortened until a page holding only it renders within `room` bytes past the empty page. */
function shrinkEntry(
  entry: FeedEntry,
  room: number,
  entryBytes: (entry: FeedEntry) => number,
): { entry: FeedEntry; bytes: number } {
  let current = entry;
  let bytes = entryBytes(current);
  for (let step = 0; bytes > room && step < MAX_SHRINK_STEPS; step += 1) {
    const chars = Math.max(0, Math.floor(textChars(current.document) * (room / bytes) * 0.9) - 1);
    const document = fitDocumentToFeed(entry.document, step === MAX_SHRINK_STEPS - 1 ? 0 : chars, entry.url);
    const late = step >= 2;
    current = {
      ...entry,
      document: {
        ...document,
        figures: late ? [] : document.figures,
        disclaimer:
          late && document.disclaimer !== null ? document.disclaimer.slice(0, 1000) : document.disclaimer,
      },
    };
    bytes = entryBytes(current);
  }
  return { entry: current, bytes };
}

/**
 * Renders a feed page whose UTF-8 body is at most `limit` bytes, counting the bytes the renderer
 * emits (HTML escaping and multibyte characters included, not characters of text). A page over it
 * holds fewer entries (about as many as fit, read again with `reload(k)` so that its next link
 * continues right after them); a single entry that alone would not fit is shortened.
 */
export async function renderFeedWithinLimit(
  first: FeedPageParts,
  render: (page: FeedPageParts) => string,
  reload: (limit: number) => Promise<FeedPageParts>,
  limit = RESPONSE_BYTE_LIMIT,
): Promise<string> {
  let page = first;
  for (let attempt = 0; attempt < 16; attempt += 1) {
    const body = render(page);
    const size = utf8Bytes(body);
    if (size <= limit) return body;
    const count = page.entries.length;
    if (count > 1) {
      // Entries of one page are alike in size as a rule: keep the share that fits, then check again.
      const share = Math.floor((count * (limit - NEXT_LINK_ALLOWANCE)) / size);
      page = await reload(Math.max(1, Math.min(count - 1, share)));
      continue;
    }
    const [entry] = page.entries;
    if (!entry) break;
    const empty = utf8Bytes(render({ entries: [], nextUrl: page.nextUrl }));
    const room = limit - empty - NEXT_LINK_ALLOWANCE;
    const entryBytes = (candidate: FeedEntry) =>
      utf8Bytes(render({ entries: [candidate], nextUrl: page.nextUrl })) - empty;
    page = { ...page, entries: [shrinkEntry(entry, room, entryBytes).entry] };
  }
  throw new Error('a feed page does not fit the response limit');
}
