import { isWhitespaceCode, isWordUnitAt } from './figure-text.ts';
import type { CitationUse, Paragraph } from './types.ts';

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
  let untidy = false;
  while (open !== -1) {
    const close = nextBracket(text, open + 1);
    if (close === -1) break;
    if (text.charCodeAt(close) === 0x5b) {
      open = close;
      continue;
    }
    if (readCitationList(text, open + 1, close, marks)) {
      const start = open > searched && text.charCodeAt(open - 1) === 0x20 ? open - 1 : open;
      const kept = text.slice(copied, start);
      // Each kept piece of the tidy text is tidy: only where pieces meet can two spaces come together.
      if (kept.charCodeAt(0) === 0x20 && stripped.charCodeAt(stripped.length - 1) === 0x20) untidy = true;
      stripped += kept;
      if (isWordUnitAt(text, close + 1)) {
        if (stripped.charCodeAt(stripped.length - 1) === 0x20) untidy = true;
        stripped += ' ';
      }
      copied = close + 1;
    }
    searched = close + 1;
    open = text.indexOf('[', searched);
  }
  if (copied === 0) return { text, marks };
  const rest = text.slice(copied);
  if (rest.charCodeAt(0) === 0x20 && stripped.charCodeAt(stripped.length - 1) === 0x20) untidy = true;
  const joined = stripped + rest;
  // tidyWhitespace would return a joined text without two spaces in a row or a space at either end as it is.
  const tidy = !untidy && joined.charCodeAt(0) !== 0x20 && joined.charCodeAt(joined.length - 1) !== 0x20;
  return { text: tidy ? joined : tidyWhitespace(joined), marks };
}

/**
 * CITATION_LIST on `text` from `from` to `to`, read from char codes: when it matches, its ids (runs of 8 to
 * 64 hex digits, lowercased) are appended to `marks` and the answer is true.
 */
function readCitationList(text: string, from: number, to: number, marks: string[]): boolean {
  const before = marks.length;
  let i = skipWhitespace(text, from, to);
  for (;;) {
    const start = i;
    while (i < to && isHexCode(text.charCodeAt(i))) i += 1;
    if (i - start < 8 || i - start > 64) break;
    marks.push(text.slice(start, i).toLowerCase());
    const separator = i;
    i = skipWhitespace(text, i, to);
    if (i === to) return true;
    if (text.charCodeAt(i) === 0x2c) i = skipWhitespace(text, i + 1, to);
    else if (i === separator) break; // a run of hex digits must end at whitespace or a comma
  }
  marks.length = before;
  return false;
}

function skipWhitespace(text: string, from: number, to: number): number {
  let i = from;
  while (i < to && isWhitespaceCode(text.charCodeAt(i))) i += 1;
  return i;
}

function isHexCode(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || ((code | 0x20) >= 0x61 && (code | 0x20) <= 0x66);
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
