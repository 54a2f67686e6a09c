import { AsciiWordSet, isAsciiLetter, isDigitCode } from './figure-text.ts';
import { SCALE_EXPONENTS } from './figure-words.ts';

// A number as written (`887,000`, `80.3`), its scale (` billion`, `bn`, `k`) and its value.

const SCALE_WORD = /[ -](thousand|million|billion|trillion)(?![\p{L}\p{N}])/iuy;
const SCALE_SPACED_ABBREVIATION = / (mn|mln|bn|bln|tn|trn|trln)(?![\p{L}\p{N}])/uy;
const SCALE_SUFFIX = /(k|K|m|M|mn|mln|bn|Bn|BN|bln|tn|Tn|TN|trn|trln)(?![\p{L}\p{N}])/uy;
const SCALE_SUFFIX_MONEY = /(k|K|m|M|mn|mln|bn|Bn|BN|bln|b|B|tn|Tn|TN|trn|trln|t|T)(?![\p{L}\p{N}])/uy;
const SCALE_WORDS = new AsciiWordSet(['thousand', 'million', 'billion', 'trillion']);
/** The abbreviations that may follow a number after a space, as written. */
const SPACED_ABBREVIATIONS = new AsciiWordSet(['mn', 'mln', 'bn', 'bln', 'tn', 'trn', 'trln'], true);
const POWERS_OF_TEN = Array.from({ length: 23 }, (_, exponent) => 10 ** exponent);

/** A scale word or suffix after a number: its length in the text and its power of ten. */
export interface Scale {
  length: number;
  exponent: number;
}

const NO_SCALE: Scale = { length: 0, exponent: 0 };

/**
 * The end of the number that starts at `start` (a digit), as `\d{1,3}(?:,\d{3})+(?:\.\d+)?(?!\d)|\d+(?:\.\d+)?`
 * matches it: thousands groups only after one to three digits, and never followed by another digit.
 */
export function numberEnd(text: string, start: number): number {
  let end = digitsEnd(text, start);
  if (end - start <= 3 && isGroupAt(text, end)) {
    let groups = end;
    let lastGroup = end;
    while (isGroupAt(text, groups)) {
      lastGroup = groups;
      groups += 4;
    }
    if (text.charCodeAt(groups) === 0x2e && isDigitCode(text.charCodeAt(groups + 1)))
      return digitsEnd(text, groups + 1);
    if (!isDigitCode(text.charCodeAt(groups))) return groups;
    if (lastGroup > end) return lastGroup; // `1,234,5678` is `1,234`
    // `1,2345`: no thousands groups; the digits alone
  }
  if (text.charCodeAt(end) === 0x2e && isDigitCode(text.charCodeAt(end + 1))) end = digitsEnd(text, end + 1);
  return end;
}

function digitsEnd(text: string, from: number): number {
  let end = from;
  while (isDigitCode(text.charCodeAt(end))) end += 1;
  return end;
}

/** `,` and three digits at `index`. */
function isGroupAt(text: string, index: number): boolean {
  return (
    text.charCodeAt(index) === 0x2c &&
    isDigitCode(text.charCodeAt(index + 1)) &&
    isDigitCode(text.charCodeAt(index + 2)) &&
    isDigitCode(text.charCodeAt(index + 3))
  );
}

/** A scale word or suffix right after the number (` billion`, `-million`, ` bn`, `bn`, `k`). */
export function readScale(text: string, end: number, isMoney: boolean): Scale {
  const code = text.charCodeAt(end);
  let match: RegExpExecArray | null = null;
  if (code === 0x20 || code === 0x2d) {
    // The word after the space or hyphen, when it is ASCII up to a character that is not a letter or digit,
    // is a scale word (any case) or a spaced abbreviation (as written), or no scale; else the patterns read it.
    const from = end + 1;
    let to = from;
    while (isAsciiLetter(text.charCodeAt(to))) to += 1;
    const stop = text.charCodeAt(to);
    if (to === from || isDigitCode(stop)) return NO_SCALE;
    if (stop < 0x80) {
      if (SCALE_WORDS.hasRange(text, from, to))
        return { length: to - end, exponent: scaleWordExponent(text, from) };
      return code === 0x20 && SPACED_ABBREVIATIONS.hasRange(text, from, to)
        ? { length: to - end, exponent: SCALE_EXPONENTS[text.slice(from, to)] ?? 0 }
        : NO_SCALE;
    }
    SCALE_WORD.lastIndex = end;
    match = SCALE_WORD.exec(text);
    if (!match && code === 0x20) {
      SCALE_SPACED_ABBREVIATION.lastIndex = end;
      match = SCALE_SPACED_ABBREVIATION.exec(text);
    }
  } else if (isAsciiLetter(code)) {
    const first = code | 0x20;
    if (first !== 0x6b && first !== 0x6d && first !== 0x62 && first !== 0x74) return NO_SCALE;
    const suffix = isMoney ? SCALE_SUFFIX_MONEY : SCALE_SUFFIX;
    suffix.lastIndex = end;
    match = suffix.exec(text);
  }
  if (!match) return NO_SCALE;
  return { length: match[0].length, exponent: SCALE_EXPONENTS[(match[1] ?? '').toLowerCase()] ?? 0 };
}

/** The power of ten of the scale word (`thousand`, `million`, `billion`, `trillion`, any case) at `from`. */
function scaleWordExponent(text: string, from: number): number {
  const first = text.charCodeAt(from) | 0x20;
  if (first === 0x6d) return 6; // million
  if (first === 0x62) return 9; // billion
  return (text.charCodeAt(from + 1) | 0x20) === 0x68 ? 3 : 12; // thousand, trillion
}

/**
 * The value of the digits from `start` to `end` (commas skipped) times ten to `exponent`, as `Number` reads
 * the decimal string: exactly 80300000000 for 80.3 billion. Up to 15 digits it is one correctly rounded
 * operation on exact operands; longer numbers go through the string.
 */
export function numberValue(text: string, start: number, end: number, exponent: number): number {
  let mantissa = 0;
  let digits = 0;
  let fraction = -1;
  for (let i = start; i < end; i += 1) {
    const code = text.charCodeAt(i);
    if (code === 0x2e) fraction = 0;
    else if (code !== 0x2c) {
      mantissa = mantissa * 10 + (code - 0x30);
      digits += 1;
      if (fraction >= 0) fraction += 1;
    }
  }
  const power = exponent - Math.max(fraction, 0);
  if (digits <= 15 && power >= -22 && power <= 22) {
    return power >= 0 ? mantissa * (POWERS_OF_TEN[power] ?? 1) : mantissa / (POWERS_OF_TEN[-power] ?? 1);
  }
  const written = text.slice(start, end).replaceAll(',', '');
  return Number(exponent === 0 ? written : `${written}e${exponent}`);
}
