import { AsciiWordSet, isAsciiLetter, isDigitCode } from './figure-text.ts';
import { IRREGULAR_PLURALS, isPluralNoun, NOT_NOUNS, S_ENDING_MODIFIERS } from './figure-words.ts';

// The counted noun after a number (`12 new GPUs`, `887,000 people`): up to three words ending at the
// first plural noun, or five when `and` joins two of them (`3 million small and medium-sized
// enterprises`). ASCII words are read from char codes in place; a pattern reads the rest.

/** Words a counted noun phrase may have without `and`, and with it. */
const PLAIN_PHRASE_WORDS = 3;
const MAX_PHRASE_WORDS = 5;

const WORD = `([\\p{L}\\p{N}](?:[\\p{L}\\p{M}\\p{N}&]|['’-](?=[\\p{L}\\p{N}]))*)`;
const NOUN_PHRASE_AFTER = new RegExp(`^ ${WORD}${`(?: ${WORD})?`.repeat(MAX_PHRASE_WORDS - 1)}`, 'u');
const NOUN_PHRASE_AT = new RegExp(NOUN_PHRASE_AFTER.source.slice(1), 'uy');
const NOT_NOUN_WORDS = new AsciiWordSet(NOT_NOUNS);
/** Start and end of each word of the noun phrase findAsciiNounPhrase read last. */
const PHRASE_BOUNDS = new Int32Array(2 * MAX_PHRASE_WORDS);

/**
 * The counted noun phrase after a number (at `at`, a space): up to three words ending at the first
 * plural noun (five when `and` joins two), or null. ASCII words are judged in place; a phrase with
 * other characters is read by the pattern and judged on its words joined by single spaces.
 */
export function readCountedNoun(text: string, at: number, limit: number): string | null {
  const count = findAsciiNounPhrase(text, at, limit);
  if (count >= 0) return chooseCountedNoun(text, count, true);
  const words = nounPhraseByPattern(text, at, limit);
  let from = 0;
  for (const [i, word] of words.entries()) {
    PHRASE_BOUNDS[2 * i] = from;
    PHRASE_BOUNDS[2 * i + 1] = from + word.length;
    from += word.length + 1;
  }
  return chooseCountedNoun(words.join(' '), words.length, false);
}

/**
 * The phrase of the `count` words in PHRASE_BOUNDS (within `source`) that ends at the first plural noun.
 * A word that cannot be in a noun phrase (a pronoun, a verb, digits) ends it without one. `more`/`fewer`
 * may lead it (`500 more engineers`), and a word that only looks like (or is) a plural goes on when
 * another word follows: an acronym ending in S (`50 NHS trusts`), a noun ending in s used as a modifier
 * (`100 gas stations`), an irregular plural before a plural (`200 police officers`).
 */
function chooseCountedNoun(source: string, count: number, ascii: boolean): string | null {
  let joined = false;
  for (let i = 0; i < count; i += 1) {
    const from = PHRASE_BOUNDS[2 * i] ?? 0;
    const to = PHRASE_BOUNDS[2 * i + 1] ?? 0;
    const more = i < count - 1;
    if (i > 0 && !joined && isAnd(source, from, to)) {
      joined = true; // small and medium-sized enterprises
      continue;
    }
    if (i >= PLAIN_PHRASE_WORDS && !joined) return null;
    if (i === 0 && more && LEAD_WORDS.hasRange(source, from, to)) continue;
    const acronym = ascii ? isAcronymAt(source, from, to) : ACRONYM.test(source.slice(from, to));
    if ((NOT_NOUN_WORDS.hasRange(source, from, to) && !acronym) || isDigitsOnly(source, from, to))
      return null;
    const upperS = acronym && source.charCodeAt(to - 1) === 0x53;
    if (more && (S_ENDING_MODIFIER_WORDS.hasRange(source, from, to) || upperS)) continue;
    if (more && IRREGULAR_PLURAL_WORDS.hasRange(source, from, to) && isPluralWord(source, i + 1, ascii))
      continue;
    if (isPluralWord(source, i, ascii)) return source.slice(PHRASE_BOUNDS[0] ?? 0, to); // the words and the single spaces between
  }
  return null;
}

/** Whether word `i` of PHRASE_BOUNDS (within `source`) is a plural noun. */
function isPluralWord(source: string, i: number, ascii: boolean): boolean {
  const from = PHRASE_BOUNDS[2 * i] ?? 0;
  const to = PHRASE_BOUNDS[2 * i + 1] ?? 0;
  return ascii ? isAsciiPluralNoun(source, from, to) : isPluralNoun(source.slice(from, to));
}

/** Two or more capitals and digits (`US`, `NHS`, `5G`): an acronym, not the word it may spell (`us`). */
const ACRONYM = /^\p{Lu}[\p{Lu}\p{N}]+$/u;
/** Words that may lead a counted noun phrase though they are no noun themselves. */
const LEAD_WORDS = new AsciiWordSet(['more', 'fewer']);
const IRREGULAR_PLURAL_WORDS = new AsciiWordSet(IRREGULAR_PLURALS);
const S_ENDING_MODIFIER_WORDS = new AsciiWordSet(S_ENDING_MODIFIERS);

/** `and` from `from` to `to`. */
function isAnd(text: string, from: number, to: number): boolean {
  return (
    to - from === 3 &&
    text.charCodeAt(from) === 0x61 &&
    text.charCodeAt(from + 1) === 0x6e &&
    text.charCodeAt(from + 2) === 0x64
  );
}

/** ACRONYM of an ASCII word, read in place. */
function isAcronymAt(text: string, from: number, to: number): boolean {
  if (to - from < 2 || !isAsciiLetter(text.charCodeAt(from))) return false;
  for (let i = from; i < to; i += 1) if (!isUpperOrDigit(text.charCodeAt(i))) return false;
  return true;
}

/** isPluralNoun of an ASCII word, read in place. */
function isAsciiPluralNoun(text: string, from: number, to: number): boolean {
  const last = text.charCodeAt(to - 1);
  const first = text.charCodeAt(from);
  if (last === 0x73 && to - from >= 2 && first >= 0x41 && first <= 0x5a) {
    let i = from + 1;
    while (i < to - 1 && isUpperOrDigit(text.charCodeAt(i))) i += 1;
    if (i === to - 1) return true; // GPUs, SMEs, EVs
  }
  if (IRREGULAR_PLURAL_WORDS.hasRange(text, from, to)) return true;
  if (to - from < 3 || (last | 0x20) !== 0x73) return false;
  const before = text.charCodeAt(to - 2);
  const lower = before | 0x20;
  return isAsciiLetter(before) && lower !== 0x73 && lower !== 0x75 && lower !== 0x69;
}

function isUpperOrDigit(code: number): boolean {
  return (code >= 0x41 && code <= 0x5a) || isDigitCode(code);
}

/** Digits only (`\\p{N}` for characters outside ASCII). */
function isDigitsOnly(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i += 1) {
    const code = text.charCodeAt(i);
    if (!isDigitCode(code) && (code < 0x80 || !/\p{N}/u.test(text.charAt(i)))) return false;
  }
  return true;
}

/** NOUN_PHRASE_AFTER's words on the text cut at `limit`. */
function nounPhraseByPattern(text: string, at: number, limit: number): string[] {
  NOUN_PHRASE_AT.lastIndex = at;
  let match = NOUN_PHRASE_AT.exec(text);
  // The phrase is read within `limit`; when it reaches that far, read it again on the text cut there.
  if (match && match.index + match[0].length + 3 > limit && text.length > limit)
    match = NOUN_PHRASE_AFTER.exec(text.slice(at, limit));
  if (!match) return [];
  return match.slice(1).filter((word): word is string => word !== undefined);
}

/**
 * NOUN_PHRASE_AFTER's words read from char codes while they are ASCII (a word is letters, digits and `&`,
 * with inner `'` or `-` before a letter or digit): their bounds go to PHRASE_BOUNDS and the answer is
 * their count. -1 when a character outside ASCII (or `limit`) is within reach: the pattern decides then.
 */
function findAsciiNounPhrase(text: string, at: number, limit: number): number {
  let count = 0;
  let i = at;
  const stop = text.length > limit ? limit - 3 : text.length + 1;
  while (count < MAX_PHRASE_WORDS && text.charCodeAt(i) === 0x20) {
    const first = text.charCodeAt(i + 1);
    if (first >= 0x80) return -1;
    if (!isAsciiLetter(first) && !isDigitCode(first)) break;
    const start = i + 1;
    i += 2;
    for (;;) {
      if (i >= stop) return -1;
      const code = text.charCodeAt(i);
      if (code >= 0x80) return -1;
      if (isAsciiLetter(code) || isDigitCode(code) || code === 0x26) i += 1;
      else if (code === 0x27 || code === 0x2d) {
        const next = text.charCodeAt(i + 1);
        if (next >= 0x80) return -1;
        if (!isAsciiLetter(next) && !isDigitCode(next)) break;
        i += 2;
      } else break;
    }
    PHRASE_BOUNDS[2 * count] = start;
    PHRASE_BOUNDS[2 * count + 1] = i;
    count += 1;
  }
  return count;
}
