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
  let previous = CharClass.Other;
  const length = text.length;
  for (let i = 0; i < length; ) {
    let code = text.charCodeAt(i);
    let width = 1;
    let current: CharClass;
    if (code < 0x80) current = ASCII_CLASSES[code] as CharClass;
    else {
      code = text.codePointAt(i) ?? 0;
      if (code > 0xffff) width = 2;
      current = classify(code);
    }
    i += width;
    if (current === CharClass.Letter || current === CharClass.Digit) {
      if (previous === CharClass.Other) count += 1;
      previous = current;
    } else if (current === CharClass.Other) {
      previous = CharClass.Other;
    } else if (current === CharClass.Mark) {
      if (previous !== CharClass.Other) previous = CharClass.Letter;
    } else if (previous !== CharClass.Other && !joinsWord(text, i, current, previous)) {
      // An inner joiner keeps the word open (the next character continues it); any other ends it.
      previous = CharClass.Other;
    }
  }
  return count;
}

enum CharClass {
  Other,
  Letter,
  Digit,
  Mark,
  Joiner,
  NumberJoiner,
}

const LETTER = /\p{L}/u;
const DIGIT = /\p{N}/u;
const MARK = /\p{M}/u;
const SENTENCE_BREAK = /[.!?] (?=\p{Lu})/gu;

/** The class of each ASCII character. */
const ASCII_CLASSES = Uint8Array.from({ length: 0x80 }, (_, code) => classifyAscii(code));
/** The class of each BMP character seen so far, plus one (0: not yet classified). */
const BMP_CLASSES = new Uint8Array(0x10000);

function classifyAscii(code: number): CharClass {
  if ((code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a)) return CharClass.Letter;
  if (code >= 0x30 && code <= 0x39) return CharClass.Digit;
  if (code === 0x27 || code === 0x2d) return CharClass.Joiner;
  if (code === 0x2e || code === 0x2c) return CharClass.NumberJoiner;
  return CharClass.Other;
}

function classify(code: number): CharClass {
  if (code < 0x80) return ASCII_CLASSES[code] as CharClass;
  if (code > 0xffff) return classifyOutsideAscii(code);
  const known = BMP_CLASSES[code] ?? 0;
  if (known !== 0) return known - 1;
  const found = classifyOutsideAscii(code);
  BMP_CLASSES[code] = found + 1;
  return found;
}

function classifyOutsideAscii(code: number): CharClass {
  if (code === 0x2019 || code === 0x2010 || code === 0x2011) return CharClass.Joiner;
  const char = String.fromCodePoint(code);
  if (LETTER.test(char)) return CharClass.Letter;
  if (DIGIT.test(char)) return CharClass.Digit;
  return MARK.test(char) ? CharClass.Mark : CharClass.Other;
}

/** True when a joiner at this point sits inside a word: `'` or `-` before a letter/digit, `.`/`,` between digits. */
function joinsWord(text: string, next: number, current: CharClass, previous: CharClass): boolean {
  const following = classify(text.codePointAt(next) ?? 0);
  if (current === CharClass.Joiner) return following === CharClass.Letter || following === CharClass.Digit;
  if (current === CharClass.NumberJoiner)
    return previous === CharClass.Digit && following === CharClass.Digit;
  return false;
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
