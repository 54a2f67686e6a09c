import { isWordUnitAt } from './figure-text.ts';
import type { CitationUse, Paragraph } from './types.ts';

const CITATION_LIST = /^\s*[0-9A-Fa-f]{8,64}(?:(?:\s*,\s*|\s+)[0-9A-Fa-f]{8,64})*\s*$/;
const HEX_ID = /[0-9A-Fa-f]{8,64}/g;
/** Two spaces, or any whitespace (`\s`) but a space. */
const UNTIDY = /[\t-\r\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]| {2}/;

/** A body paragraph with its citation brackets taken out. */
export interface CitedText {
  /** The paragraph text without citation brackets, whitespace tidied. */
  text: string;
  /** Every citation mark in order, lowercase (repeats kept). */
  marks: string[];
}

/** Collapses whitespace runs (Unicode spaces included) to one space and trims. */
export function tidyWhitespace(text: string): string {
  const last = text.length - 1;
  // Most text is tidy already: no two spaces, no other whitespace, no space at either end.
  if (!UNTIDY.test(text) && text.charCodeAt(0) !== 0x20 && text.charCodeAt(last) !== 0x20) return text;
  // Only runs that are not already a single space are replaced, so tidy text passes through untouched.
  return text.replace(/\s{2,}|[^\S ]/g, ' ').trim();
}

/**
 * Takes the citation brackets (`[25773905]`, `[25773905, 934f7ccc]`) out of a paragraph; other brackets
 * stay as plain text. Returns the tidied text and every citation mark, lowercased.
 */
export function extractCitations(paragraph: string): CitedText {
  const text = tidyWhitespace(paragraph);
  let open = text.indexOf('[');
  if (open === -1) return { text, marks: [] }; // tidy text stays tidy
  // The brackets as ` ?\[([^[\]]*)\]` finds them, left to right: from a `[` to the next `]` with no `[` between,
  // taking one space before the `[` along.
  const marks: string[] = [];
  let stripped = '';
  let copied = 0;
  let searched = 0;
  while (open !== -1) {
    const close = nextBracket(text, open + 1);
    if (close === -1) break;
    if (text.charCodeAt(close) === 0x5b) {
      open = close;
      continue;
    }
    const inner = text.slice(open + 1, close);
    if (CITATION_LIST.test(inner)) {
      const start = open > searched && text.charCodeAt(open - 1) === 0x20 ? open - 1 : open;
      for (const id of inner.match(HEX_ID) ?? []) marks.push(id.toLowerCase());
      stripped += text.slice(copied, start) + (isWordUnitAt(text, close + 1) ? ' ' : '');
      copied = close + 1;
    }
    searched = close + 1;
    open = text.indexOf('[', searched);
  }
  if (copied === 0) return { text, marks };
  return { text: tidyWhitespace(stripped + text.slice(copied)), marks };
}

/** The index of the first `[` or `]` from `from` on, or -1. */
function nextBracket(text: string, from: number): number {
  for (let i = from; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code === 0x5b || code === 0x5d) return i;
  }
  return -1;
}

/** Each id once, in order of first use. */
export function uniqueInOrder(ids: readonly string[]): string[] {
  if (ids.length > 16) return [...new Set(ids)];
  // A paragraph cites a few ids: looking each up in the short result beats building a Set.
  const unique: string[] = [];
  for (const id of ids) if (!unique.includes(id)) unique.push(id);
  return unique;
}

/** The document's citation list: each id with its mark count and paragraphs, in order of first use. */
export function summariseCitations(
  paragraphs: readonly Paragraph[],
  marks: readonly string[][],
): CitationUse[] {
  const uses = new Map<string, CitationUse>();
  for (const paragraph of paragraphs) {
    for (const id of marks[paragraph.index] ?? []) {
      const use = uses.get(id) ?? { id, count: 0, paragraphs: [] };
      use.count += 1;
      if (use.paragraphs[use.paragraphs.length - 1] !== paragraph.index) use.paragraphs.push(paragraph.index);
      uses.set(id, use);
    }
  }
  return [...uses.values()];
}
