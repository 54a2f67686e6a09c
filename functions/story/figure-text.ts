import {
  CODE_ALTERNATION,
  CURRENCY_CODES,
  CURRENCY_SIGN_CODES,
  DURATION_LEADS,
  FUNCTION_WORDS,
  QUALIFIER_LAST_WORDS,
  YEAR_PREPOSITIONS,
} from './figure-words.ts';
import { QUALIFIERS, type Qualifier } from './types.ts';

// What stands right before a number: character classes read from char codes, and the `…_BEFORE` patterns.
// Each pattern is `$`-anchored on a short slice that ends at the number, which V8 tries at every offset
// of the slice; the checks run on the few characters right before the number first (char codes, one
// backward scan of the word before) and run the pattern only when it can match, so each answer stays
// the pattern's own.

const QUALIFIER_BEFORE =
  /(?<![\p{L}\p{N}])(over|more than|nearly|almost|about|around|approximately|up to|at least|less than|under) $/iu;
const YEAR_RANGE_BEFORE =
  /(?<![\p{L}\p{N}])(?:between|from|in|by|since|until|before|after|during) \d{4} (?:and|or) $/iu;
const DURATION_LEAD_BEFORE =
  /(?<![\p{L}\p{N}])((?:the )?(?:next|past|last|previous|coming|following|first|final|recent) )$/iu;
const CURRENCY_BEFORE = new RegExp(
  `(?<![\\p{L}\\p{N}])(US\\$|U\\.S\\.\\$|HK\\$|AU?\\$|CA?\\$|S\\$|NZ\\$|NT\\$|R\\$|\\$|€|£|¥|₹|₩|${CODE_ALTERNATION}) ?$`,
  'u',
);

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
const LETTER = /\p{L}/u;
const NUMBER = /\p{N}/u;
const UPPER = /\p{Lu}/u;

/** A–Z or a–z. */
export function isAsciiLetter(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a);
}

/** 0–9. */
export function isDigitCode(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

/** `\s` of a pattern (and what `trim` drops): ASCII and Unicode spaces, line ends, U+FEFF. */
export function isWhitespaceCode(code: number): boolean {
  if (code < 0x80) return code === 0x20 || (code >= 0x09 && code <= 0x0d);
  if (code < 0x1680) return code === 0xa0;
  return (
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

/**
 * The code point at `index` as a string, as a `u`-flag pattern sees it: both halves of a surrogate
 * pair stand for the whole character.
 */
function codePointAround(text: string, index: number): string {
  const code = text.charCodeAt(index);
  if (code >= 0xdc00 && code <= 0xdfff && index > 0) {
    const high = text.charCodeAt(index - 1);
    if (high >= 0xd800 && high <= 0xdbff) return text.slice(index - 1, index + 1);
  }
  if (code >= 0xd800 && code <= 0xdbff) return text.slice(index, index + 2);
  return text.charAt(index);
}

/** `[\p{L}\p{N}]` at `index` (whole code point); false outside the text. */
export function isWordCharAt(text: string, index: number): boolean {
  if (index < 0 || index >= text.length) return false;
  const code = text.charCodeAt(index);
  if (code < 0x80) return isAsciiLetter(code) || isDigitCode(code);
  return LETTER_OR_DIGIT.test(codePointAround(text, index));
}

/** `[\p{L}\p{N}]` of the single UTF-16 unit at `index`, as a pattern tested on `charAt` sees it. */
export function isWordUnitAt(text: string, index: number): boolean {
  if (index < 0 || index >= text.length) return false;
  const code = text.charCodeAt(index);
  if (code < 0x80) return isAsciiLetter(code) || isDigitCode(code);
  return LETTER_OR_DIGIT.test(text.charAt(index));
}

/** `\p{L}` at `index` (whole code point). */
export function isLetterAt(text: string, index: number): boolean {
  if (index < 0 || index >= text.length) return false;
  const code = text.charCodeAt(index);
  if (code < 0x80) return isAsciiLetter(code);
  return LETTER.test(codePointAround(text, index));
}

/** `\p{L}` of the single UTF-16 unit at `index`. */
export function isLetterUnitAt(text: string, index: number): boolean {
  if (index < 0 || index >= text.length) return false;
  const code = text.charCodeAt(index);
  if (code < 0x80) return isAsciiLetter(code);
  return LETTER.test(text.charAt(index));
}

/** `\p{N}` of the single UTF-16 unit at `index`. */
export function isNumberAt(text: string, index: number): boolean {
  if (index < 0 || index >= text.length) return false;
  const code = text.charCodeAt(index);
  if (code < 0x80) return isDigitCode(code);
  return NUMBER.test(text.charAt(index));
}

/** True when the word before the number is a capitalised name (`Windows 11`, `iPhone 15`), not a function word. */
export function isPartOfName(text: string, start: number): boolean {
  // The word: the run of `[\p{L}\p{N}'’&.-]` (at most 47 units) ending at the space before the number,
  // starting with a letter.
  if (text.charCodeAt(start - 1) !== 0x20) return false;
  const limit = Math.max(0, start - 48);
  let from = start - 1;
  let upper = false;
  let outside = false;
  while (from > limit && isNameCharAt(text, from - 1)) {
    from -= 1;
    const code = text.charCodeAt(from);
    if (code >= 0x80) outside = true;
    else if (code >= 0x41 && code <= 0x5a) upper = true;
  }
  if ((!upper && !outside) || from === start - 1 || !isLetterAt(text, from)) return false;
  if (!outside) {
    // An ASCII word with a capital: a name unless it ends in 's or is a function word.
    if (text.charCodeAt(start - 2) === 0x73 && text.charCodeAt(start - 3) === 0x27) return false;
    if (FUNCTION_WORD_SET.hasRange(text, from, start - 1)) return false;
    // A sentence's first word is capitalised for the sentence: an -ly adverb there is no name ("Recently 80 firms").
    return !(isLyAdverb(text, from, start - 1) && isSentenceStart(text, from));
  }
  const word = text.slice(from, start - 1);
  if (!UPPER.test(word)) return false;
  if (/['’]s$/u.test(word)) return false; // China's 5 largest banks
  return !FUNCTION_WORDS.has(word.toLowerCase());
}

/** An ASCII word of 6+ letters ending in `ly`, lower case after its first letter (`Recently`; not `Italy` or `ITALY`). */
function isLyAdverb(text: string, from: number, end: number): boolean {
  if (end - from < 6 || text.charCodeAt(end - 1) !== 0x79 || text.charCodeAt(end - 2) !== 0x6c) return false;
  for (let index = from + 1; index < end; index += 1) {
    const code = text.charCodeAt(index);
    if (code < 0x61 || code > 0x7a) return false;
  }
  return true;
}

/** True when `index` starts the text or follows `. `, `! `, `? ` or `: ` (an opening quote may come between). */
function isSentenceStart(text: string, index: number): boolean {
  let at = index;
  if (at > 0 && (text.charCodeAt(at - 1) === 0x22 || text.charCodeAt(at - 1) === 0x201c)) at -= 1;
  if (at === 0) return true;
  if (text.charCodeAt(at - 1) !== 0x20 || at < 2) return false;
  const mark = text.charCodeAt(at - 2);
  return mark === 0x2e || mark === 0x21 || mark === 0x3f || mark === 0x3a;
}

/** `[\p{L}\p{N}'’&.-]` at `index`. */
function isNameCharAt(text: string, index: number): boolean {
  const code = text.charCodeAt(index);
  if (code === 0x27 || code === 0x2019 || code === 0x26 || code === 0x2e || code === 0x2d) return true;
  return isWordCharAt(text, index);
}

/**
 * A set of ASCII words that answers for a range of a text without slicing it: the range must hold ASCII
 * letters, digits, `&`, `'` or `-` only. Compared case-insensitively against lower-case words, or as
 * written when `matchCase` is set.
 */
export class AsciiWordSet {
  /** The words by length and first letter, `length * 128 + first code`: a dense array, so a lookup is an index. */
  private readonly buckets: (string[] | undefined)[];
  /** 0x20 to fold ASCII letters to lower case, or 0 to compare as written. */
  private readonly fold: number;

  constructor(words: Iterable<string>, matchCase = false) {
    const list = [...words];
    const keyOf = (word: string): number => word.length * 128 + word.charCodeAt(0);
    const size = Math.max(0, ...list.map(keyOf)) + 1;
    this.buckets = Array.from({ length: size }, () => undefined);
    this.fold = matchCase ? 0 : 0x20;
    for (const word of list) {
      const bucket = this.buckets[keyOf(word)];
      if (bucket) bucket.push(word);
      else this.buckets[keyOf(word)] = [word];
    }
  }

  /** True when `text` from `from` to `to` spells one of the words (in any case, unless the set matches case). */
  hasRange(text: string, from: number, to: number): boolean {
    const fold = this.fold;
    const key = (to - from) * 128 + (text.charCodeAt(from) | fold);
    if (key >= this.buckets.length) return false;
    const bucket = this.buckets[key];
    if (bucket === undefined) return false;
    for (const word of bucket) {
      let k = 1;
      while (k < word.length && (text.charCodeAt(from + k) | fold) === word.charCodeAt(k)) k += 1;
      if (k === word.length) return true;
    }
    return false;
  }
}

/** A qualifier before a number or its currency sign, and the length it adds to the figure's text. */
export interface QualifierBefore {
  qualifier: Qualifier;
  length: number;
}

/** A currency sign or code before a number (`$`, `HK$`, `€ `, `USD`), and the length it adds. */
export interface CurrencyBefore {
  sign: string;
  length: number;
}

/** The start of the ASCII-letter word right before the space that precedes `start`, or -1 when there is none. */
function wordStartBefore(text: string, start: number): number {
  if (text.charCodeAt(start - 1) !== 0x20) return -1;
  let from = start - 1;
  while (from > 0 && isAsciiLetter(text.charCodeAt(from - 1))) from -= 1;
  return from < start - 1 ? from : -1;
}

/** True when the ASCII-letter word right before the space that precedes `start` is in `words`. */
function isWordBefore(text: string, start: number, words: AsciiWordSet): boolean {
  const from = wordStartBefore(text, start);
  return from !== -1 && words.hasRange(text, from, start - 1);
}

/** `(?<![\p{L}\p{N}])` at `index` fails: the code point that ends there is a letter or digit. */
function isWordCodePointBefore(text: string, index: number): boolean {
  if (index <= 0) return false;
  const code = text.charCodeAt(index - 1);
  if (code < 0x80) return isAsciiLetter(code) || isDigitCode(code);
  return LETTER_OR_DIGIT.test(codePointAround(text, index - 1));
}

/** QUALIFIER_BEFORE at `start`: the qualifier and its length, or null. */
export function qualifierBefore(text: string, start: number): QualifierBefore | null {
  const from = wordStartBefore(text, start);
  if (from === -1 || !QUALIFIER_WORDS.hasRange(text, from, start - 1)) return null;
  if (ONE_WORD_QUALIFIERS.hasRange(text, from, start - 1)) {
    // The pattern's match is this word and the space, unless a letter or digit comes right before it.
    if (isWordCodePointBefore(text, from)) return null;
    return { qualifier: text.slice(from, start - 1).toLowerCase() as Qualifier, length: start - from };
  }
  // A two-word qualifier (`more than`, `less than`, `up to`, `at least`): one space, then the first word.
  if (text.charCodeAt(from - 1) !== 0x20) return null;
  let first = from - 1;
  while (first > 0 && isAsciiLetter(text.charCodeAt(first - 1))) first -= 1;
  if (!(text.charCodeAt(first - 1) >= 0x80)) {
    // The first word and what comes before it are ASCII: the pattern matches when the word is the partner.
    const partners =
      start - 1 - from === 4 ? THAN_PARTNERS : start - 1 - from === 2 ? TO_PARTNERS : LEAST_PARTNERS;
    if (!partners.hasRange(text, first, from - 1) || isDigitCode(text.charCodeAt(first - 1))) return null;
    return { qualifier: text.slice(first, start - 1).toLowerCase() as Qualifier, length: start - first };
  }
  const match = QUALIFIER_BEFORE.exec(text.slice(Math.max(0, start - 24), start));
  if (!match) return null;
  const qualifier = (match[1] ?? '').toLowerCase().replace(/\s+/g, ' ') as Qualifier;
  return { qualifier, length: match[0].length };
}

/** CURRENCY_BEFORE on the 48 characters before `start`. */
export function currencyBefore(text: string, start: number): CurrencyBefore | null {
  const last = text.charCodeAt(start - 1) === 0x20 ? start - 2 : start - 1;
  if (last < 0) return null;
  const code = text.charCodeAt(last);
  if (code !== 0x24 && code >= 0x80 && CURRENCY_SIGN_CODES.has(code)) {
    // A one-character sign (`€`, `£`, `¥`, `₹`, `₩`) stands alone unless a letter or digit precedes it.
    if (isWordCodePointBefore(text, last)) return null;
    return { sign: text.charAt(last), length: start - last };
  }
  if (code !== 0x24 && !(code >= 0x41 && code <= 0x5a)) return null;
  if (code === 0x24) {
    // A `$` after an ASCII character that is no letter, digit or `.` can only be the sign `$` alone.
    const before = text.charCodeAt(last - 1);
    if (!(before >= 0x80) && !isAsciiLetter(before) && before !== 0x2e) {
      return isDigitCode(before) ? null : { sign: '$', length: start - last };
    }
  } else {
    // A capital letter can only end a currency code (`USD`), and the pattern matches it as written.
    if (last < 2 || !CURRENCY_CODE_WORDS.hasRange(text, last - 2, last + 1)) return null;
    const before = text.charCodeAt(last - 3);
    if (!(before >= 0x80)) {
      if (isAsciiLetter(before) || isDigitCode(before)) return null;
      return { sign: text.slice(last - 2, last + 1), length: start - last + 2 };
    }
  }
  const match = CURRENCY_BEFORE.exec(text.slice(Math.max(0, start - 48), start));
  return match ? { sign: match[1] ?? '', length: match[0].length } : null;
}

/** YEAR_PREPOSITION_BEFORE at `start`: the length of the preposition and its space, or 0 when there is none. */
export function yearPrepositionBefore(text: string, start: number): number {
  // Every preposition is one word: the pattern matches it and the space unless a letter or digit comes before.
  const from = wordStartBefore(text, start);
  if (from === -1 || !PREPOSITION_WORDS.hasRange(text, from, start - 1)) return 0;
  return isWordCodePointBefore(text, from) ? 0 : start - from;
}

const FUNCTION_WORD_SET = new AsciiWordSet(FUNCTION_WORDS);
const QUALIFIER_WORDS = new AsciiWordSet(QUALIFIER_LAST_WORDS);
const ONE_WORD_QUALIFIERS = new AsciiWordSet(QUALIFIERS.filter((qualifier) => !qualifier.includes(' ')));
const PREPOSITION_WORDS = new AsciiWordSet(YEAR_PREPOSITIONS);
const CURRENCY_CODE_WORDS = new AsciiWordSet(Object.keys(CURRENCY_CODES), true);
/** The first words of the two-word qualifiers, by their last word (`than`, `to`, `least`). */
const THAN_PARTNERS = new AsciiWordSet(['more', 'less']);
const TO_PARTNERS = new AsciiWordSet(['up']);
const LEAST_PARTNERS = new AsciiWordSet(['at']);
const LEAD_WORDS = new AsciiWordSet(DURATION_LEADS);
const RANGE_WORDS = new AsciiWordSet(['and', 'or']);

/** YEAR_RANGE_BEFORE on the 48 characters before `start`: `between 2019 and 2023`. */
export function yearRangeBefore(text: string, start: number): boolean {
  if (!isWordBefore(text, start, RANGE_WORDS)) return false;
  return YEAR_RANGE_BEFORE.test(text.slice(Math.max(0, start - 48), start));
}

/** DURATION_LEAD_BEFORE on the 48 characters before `start`. */
export function durationLeadBefore(text: string, start: number): RegExpExecArray | null {
  if (!isWordBefore(text, start, LEAD_WORDS)) return null;
  return DURATION_LEAD_BEFORE.exec(text.slice(Math.max(0, start - 48), start));
}
