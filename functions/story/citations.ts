import type { CitationUse, Paragraph } from './types.ts';

// The text is tidied first, so at most one space precedes a bracket; it goes with the citation.
const BRACKET = / ?\[([^[\]]*)\]/g;
const CITATION_LIST = /^\s*[0-9A-Fa-f]{8,64}(?:(?:\s*,\s*|\s+)[0-9A-Fa-f]{8,64})*\s*$/;
const HEX_ID = /[0-9A-Fa-f]{8,64}/g;

/** A body paragraph with its citation brackets taken out. */
export interface CitedText {
  /** The paragraph text without citation brackets, whitespace tidied. */
  text: string;
  /** Every citation mark in order, lowercase (repeats kept). */
  marks: string[];
}

/** Collapses whitespace runs (Unicode spaces included) to one space and trims. */
export function tidyWhitespace(text: string): string {
  // Only runs that are not already a single space are replaced, so tidy text passes through untouched.
  return text.replace(/\s{2,}|[^\S ]/g, ' ').trim();
}

/**
 * Takes the citation brackets (`[25773905]`, `[25773905, 934f7ccc]`) out of a paragraph; other brackets
 * stay as plain text. Returns the tidied text and every citation mark, lowercased.
 */
export function extractCitations(paragraph: string): CitedText {
  const text = tidyWhitespace(paragraph);
  if (!text.includes('[')) return { text, marks: [] }; // tidy text stays tidy
  const marks: string[] = [];
  const stripped = text.replace(BRACKET, (bracket: string, inner: string, offset: number) => {
    if (!CITATION_LIST.test(inner)) return bracket;
    for (const id of inner.match(HEX_ID) ?? []) marks.push(id.toLowerCase());
    return /[\p{L}\p{N}]/u.test(text.charAt(offset + bracket.length)) ? ' ' : '';
  });
  return { text: tidyWhitespace(stripped), marks };
}

/** Each id once, in order of first use. */
export function uniqueInOrder(ids: readonly string[]): string[] {
  if (ids.length < 2) return ids.slice();
  return [...new Set(ids)];
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
