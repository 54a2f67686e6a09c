// One pass over a paragraph's text, from char codes: its words and sentences (SPEC §2 metrics) and the
// places where a figure can start, so that figure extraction reads the text only there.

/** What scanText found in one text. The arrays are reused by the next call: read them before scanning again. */
export interface TextScan {
  /** Words by SPEC §2 (as WORD_PATTERN matches them). */
  words: number;
  /** Sentences: 1 + each `.`, `!` or `?` followed by a space and an upper-case letter; 0 for an empty text. */
  sentences: number;
  /** The offset of the first digit of each run of ASCII digits, in order (`digitRuns` of them). */
  digitStarts: Int32Array;
  digitRuns: number;
  /**
   * The offset of each space or hyphen that comes after a letter that can end a number word (`e o r x n t y`,
   * any case) and before one that can start a time unit or `percent` (`y m w d h s c p`, any case, or `ſ`),
   * in order (`unitGapCount` of them): where a number-word figure (`five years`) can have its gap.
   */
  unitGaps: Int32Array;
  unitGapCount: number;
}

// Character classes of the word rule; the first three are ordered so that scanText can test `< MARK`.
const OTHER = 0;
const LETTER = 1;
const DIGIT = 2;
const MARK = 3;
/** `'`, `-`, `’`, U+2010, U+2011: inside a word before a letter or digit. */
const JOINER = 4;
/** `.` and `,`: inside a word between digits. */
const NUMBER_JOINER = 5;

// What an ASCII character asks of the scan besides the word rule.
const DIGIT_EVENT = 1;
const GAP_EVENT = 2;
const SENTENCE_EVENT = 3;

const LETTER_PATTERN = /\p{L}/u;
const DIGIT_PATTERN = /\p{N}/u;
const MARK_PATTERN = /\p{M}/u;
const UPPER_PATTERN = /\p{Lu}/u;

/** The class of each ASCII character. */
const ASCII_CLASSES = Uint8Array.from({ length: 0x80 }, (_, code) => classifyAscii(code));
/** The event of each ASCII character: digits, space and hyphen, `.`, `!` and `?`. */
const ASCII_EVENTS = Uint8Array.from({ length: 0x80 }, (_, code) => eventOf(code));
/** 1 for the ASCII letters a number word can end with: `e o r x n t y`, any case. */
const NUMBER_WORD_ENDS = Uint8Array.from({ length: 0x80 }, (_, code) =>
  'eorxnty'.includes(String.fromCharCode(code | 0x20)) && isAsciiLetterCode(code) ? 1 : 0,
);
/** 1 for the ASCII letters a time unit or `percent` can start with: `y m w d h s c p`, any case. */
const UNIT_FIRSTS = Uint8Array.from({ length: 0x80 }, (_, code) =>
  'ymwdhscp'.includes(String.fromCharCode(code | 0x20)) && isAsciiLetterCode(code) ? 1 : 0,
);
/** The class of each BMP character seen so far, plus one (0: not yet classified). */
const BMP_CLASSES = new Uint8Array(0x10000);
/** Whether each BMP character seen so far after a sentence end is upper case: 0 not yet known, 1 no, 2 yes. */
const BMP_UPPER = new Uint8Array(0x10000);

let digitStarts = new Int32Array(256);
let unitGaps = new Int32Array(64);
const scan: TextScan = { words: 0, sentences: 0, digitStarts, digitRuns: 0, unitGaps, unitGapCount: 0 };

/**
 * Scans a text once: counts its words and sentences and lists where figures can start (see TextScan).
 * Returns one shared TextScan, overwritten by the next call.
 */
export function scanText(text: string): TextScan {
  const length = text.length;
  let words = 0;
  let breaks = 0;
  let runs = 0;
  let gaps = 0;
  // OTHER outside a word; LETTER or DIGIT: the class of the word's last letter or digit.
  let previous = OTHER;
  let i = 0;
  while (i < length) {
    let code = text.charCodeAt(i);
    i += 1;
    let current: number;
    if (code < 0x80) {
      current = ASCII_CLASSES[code] as number;
      if (current === LETTER) {
        // Most characters: a run of ASCII letters has no event, and starts a word after OTHER.
        words += (previous - 1) >>> 31;
        previous = LETTER;
        while (i < length && ((text.charCodeAt(i) | 0x20) - 0x61) >>> 0 < 26) i += 1;
        continue;
      }
      const event = ASCII_EVENTS[code] as number;
      if (event === GAP_EVENT) {
        if (NUMBER_WORD_ENDS[text.charCodeAt(i - 2)] === 1) {
          const next = text.charCodeAt(i);
          if (UNIT_FIRSTS[next] === 1 || next === 0x17f) {
            if (gaps === unitGaps.length) unitGaps = grow(unitGaps);
            unitGaps[gaps] = i - 1;
            gaps += 1;
          }
        }
      } else if (event === DIGIT_EVENT) {
        const before = text.charCodeAt(i - 2);
        if (!(before >= 0x30 && before <= 0x39)) {
          if (runs === digitStarts.length) digitStarts = grow(digitStarts);
          digitStarts[runs] = i - 1;
          runs += 1;
        }
      } else if (event === SENTENCE_EVENT) {
        if (text.charCodeAt(i) === 0x20 && isUpperAt(text, i + 1)) breaks += 1;
      }
    } else {
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
      words += ((previous - 1) >>> 31) & (-current >>> 31);
      previous = current;
    } else if (current === MARK) {
      if (previous !== OTHER) previous = LETTER;
    } else if (previous !== OTHER && !joinsWord(text, i, current, previous)) {
      // An inner joiner keeps the word open (the next character continues it); any other ends it.
      previous = OTHER;
    }
  }
  scan.words = words;
  scan.sentences = length === 0 ? 0 : 1 + breaks;
  scan.digitStarts = digitStarts;
  scan.digitRuns = runs;
  scan.unitGaps = unitGaps;
  scan.unitGapCount = gaps;
  return scan;
}

function grow(list: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const larger = new Int32Array(list.length * 2);
  larger.set(list);
  return larger;
}

function isAsciiLetterCode(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a);
}

function classifyAscii(code: number): number {
  if (isAsciiLetterCode(code)) return LETTER;
  if (code >= 0x30 && code <= 0x39) return DIGIT;
  if (code === 0x27 || code === 0x2d) return JOINER;
  if (code === 0x2e || code === 0x2c) return NUMBER_JOINER;
  return OTHER;
}

function eventOf(code: number): number {
  if (code >= 0x30 && code <= 0x39) return DIGIT_EVENT;
  if (code === 0x20 || code === 0x2d) return GAP_EVENT;
  return code === 0x2e || code === 0x21 || code === 0x3f ? SENTENCE_EVENT : 0;
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

/** `\p{Lu}` of the code point at `index` (false past the end). */
function isUpperAt(text: string, index: number): boolean {
  const code = text.charCodeAt(index);
  if (code < 0x80) return code >= 0x41 && code <= 0x5a;
  if (Number.isNaN(code)) return false;
  const point = text.codePointAt(index) ?? 0;
  if (point > 0xffff) return UPPER_PATTERN.test(String.fromCodePoint(point));
  const known = BMP_UPPER[point] ?? 0;
  if (known !== 0) return known === 2;
  const upper = UPPER_PATTERN.test(String.fromCharCode(point));
  BMP_UPPER[point] = upper ? 2 : 1;
  return upper;
}
