import type { CitationUse, Paragraph, StoryMetrics } from './types.ts';

/** Words per minute behind `readingMinutes`. */
export const READING_WORDS_PER_MINUTE = 238;

// A word: letters/digits (with combining marks), joined by inner apostrophes or hyphens, or by . and , between digits.
const WORD =
  /[\p{L}\p{N}][\p{L}\p{M}\p{N}]*(?:(?:['’\u2010\u2011-]|(?<=\p{N})[.,](?=\p{N}))[\p{L}\p{N}][\p{L}\p{M}\p{N}]*)*/gu;

/** The word rule as one pattern; countWords is a faster scanner with the same answers (tested against it). */
export const WORD_PATTERN = WORD;

/** Counts words by SPEC §2: `China's`, `80.3`, `887,000`, `3.4bn`, `forward-thinking` are one word each. */
export function countWords(text: string): number {
  let count = 0;
  // OTHER outside a word; LETTER or DIGIT: the class of the word's last letter or digit.
  let previous = OTHER;
  const length = text.length;
  let i = 0;
  while (i < length) {
    let code = text.charCodeAt(i);
    i += 1;
    let current: number;
    if (code < 0x80) current = ASCII_CLASSES[code] as number;
    else {
      if (code >= 0xd800 && code <= 0xdbff && i < length) {
        const low = text.charCodeAt(i);
        if (low >= 0xdc00 && low <= 0xdfff) {
          code = (code - 0xd800) * 0x400 + low - 0xdc00 + 0x10000;
          i += 1;
        }
      }
      current = classify(code);
    }
    if (current < MARK) {
      // OTHER, LETTER or DIGIT: a letter or digit after OTHER starts a word (counted without a branch).
      count += ((previous - 1) >>> 31) & (-current >>> 31);
      previous = current;
    } else if (current === MARK) {
      if (previous !== OTHER) previous = LETTER;
    } else if (previous !== OTHER && !joinsWord(text, i, current, previous)) {
      // An inner joiner keeps the word open (the next character continues it); any other ends it.
      previous = OTHER;
    }
  }
  return count;
}

// Character classes; the first three are ordered so that countWords can test `< MARK`.
const OTHER = 0;
const LETTER = 1;
const DIGIT = 2;
const MARK = 3;
/** `'`, `-`, `’`, U+2010, U+2011: inside a word before a letter or digit. */
const JOINER = 4;
/** `.` and `,`: inside a word between digits. */
const NUMBER_JOINER = 5;

const LETTER_PATTERN = /\p{L}/u;
const DIGIT_PATTERN = /\p{N}/u;
const MARK_PATTERN = /\p{M}/u;
const SENTENCE_BREAK = /[.!?] (?=\p{Lu})/gu;

/** The class of each ASCII character. */
const ASCII_CLASSES = Uint8Array.from({ length: 0x80 }, (_, code) => classifyAscii(code));
/** The class of each BMP character seen so far, plus one (0: not yet classified). */
const BMP_CLASSES = new Uint8Array(0x10000);

function classifyAscii(code: number): number {
  if ((code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a)) return LETTER;
  if (code >= 0x30 && code <= 0x39) return DIGIT;
  if (code === 0x27 || code === 0x2d) return JOINER;
  if (code === 0x2e || code === 0x2c) return NUMBER_JOINER;
  return OTHER;
}

function classify(code: number): number {
  if (code < 0x80) return ASCII_CLASSES[code] as number;
  if (code > 0xffff) return classifyOutsideAscii(code);
  const known = BMP_CLASSES[code] ?? 0;
  if (known !== 0) return known - 1;
  const found = classifyOutsideAscii(code);
  BMP_CLASSES[code] = found + 1;
  return found;
}

function classifyOutsideAscii(code: number): number {
  if (code === 0x2019 || code === 0x2010 || code === 0x2011) return JOINER;
  const char = String.fromCodePoint(code);
  if (LETTER_PATTERN.test(char)) return LETTER;
  if (DIGIT_PATTERN.test(char)) return DIGIT;
  return MARK_PATTERN.test(char) ? MARK : OTHER;
}

/** True when a joiner at this point sits inside a word: `'` or `-` before a letter/digit, `.`/`,` between digits. */
function joinsWord(text: string, next: number, current: number, previous: number): boolean {
  const code = text.charCodeAt(next);
  const following = code < 0x80 ? (ASCII_CLASSES[code] as number) : classify(text.codePointAt(next) ?? 0);
  if (current === JOINER) return following === LETTER || following === DIGIT;
  return previous === DIGIT && following === DIGIT;
}

/** Counts sentences: a break is `.`, `!` or `?` then a space and a capital; the paragraph's end closes one. */
export function countSentences(text: string): number {
  if (text.length === 0) return 0;
  let breaks = 0;
  SENTENCE_BREAK.lastIndex = 0;
  while (SENTENCE_BREAK.test(text)) breaks += 1;
  return 1 + breaks;
}

/** The metrics of SPEC §2 over the body paragraphs and their citations. */
export function computeMetrics(
  paragraphs: readonly Paragraph[],
  citations: readonly CitationUse[],
): StoryMetrics {
  let words = 0;
  let sentences = 0;
  let characters = 0;
  for (const paragraph of paragraphs) {
    words += countWords(paragraph.text);
    sentences += countSentences(paragraph.text);
    characters += paragraph.text.length;
  }
  const citationCount = citations.reduce((sum, use) => sum + use.count, 0);
  return {
    words,
    sentences,
    paragraphs: paragraphs.length,
    characters,
    readingMinutes: Math.ceil(words / READING_WORDS_PER_MINUTE),
    citationCount,
    uniqueSources: citations.length,
    uncitedParagraphs: paragraphs.filter((paragraph) => paragraph.citations.length === 0).length,
    citationsPer100Words: words === 0 ? 0 : Math.round((citationCount / words) * 10_000) / 100,
  };
}
