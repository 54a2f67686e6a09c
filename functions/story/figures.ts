import { readCountedNoun } from './counted-noun.ts';
import { numberEnd, numberValue, readScale } from './figure-number.ts';
import {
  AsciiWordSet,
  currencyBefore,
  durationLeadBefore,
  isAsciiLetter,
  isDigitCode,
  isLetterAt,
  isLetterUnitAt,
  isNumberAt,
  isPartOfName,
  isWhitespaceCode,
  isWordCharAt,
  isWordUnitAt,
  qualifierBefore,
  yearPrepositionBefore,
  yearRangeBefore,
} from './figure-text.ts';
import {
  CODE_ALTERNATION,
  CURRENCY_CODES,
  CURRENCY_SIGN_CODES,
  CURRENCY_SIGNS,
  currencyOfWords,
  NUMBER_WORDS,
  normaliseTimeUnit,
  numberWordValue,
  TENS,
  TIME_UNIT,
  UNITS,
} from './figure-words.ts';
import { scanText, type TextScan } from './scan-text.ts';
import type { Figure, FigureKind, Paragraph, Qualifier } from './types.ts';

// scanText (one pass over the text) lists where the numbers start (`887,000`, `80.3`, `2035`: their first
// digits) and the gaps where a number word can end before a unit (`five years`); only there do the sticky
// (`y`) patterns below run, each at a fixed offset of the whole text, and the numbers are read from char
// codes, so no slice is made per number. No pattern nests quantifiers: a 1 MiB line costs linear time.

/** A time unit or `percent` word: where a number-word figure (`five years`, `ten per cent`) can end. */
const NUMBER_WORD_UNIT = new RegExp(
  `(${TIME_UNIT})(?![\\p{L}\\p{N}])|(percent|per cent)(?![\\p{L}\\p{N}])`,
  'iuy',
);
/** The number word right before such a unit: `five `, `twenty-five-`. */
const NUMBER_WORD_BEFORE = new RegExp(
  `(?<![\\p{L}\\p{N}'’-])((?:${TENS})(?:[- ](?:${UNITS}))?|${UNITS}|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)[ -]$`,
  'iu',
);
const CURRENCY_AFTER = new RegExp(
  `[ -](?:(US|U\\.S\\.|American|Hong Kong|HK|Australian|Canadian|Singapore|New Zealand|New Taiwan|Taiwan|Swiss|Indian|Korean|South Korean|Brazilian) )?(dollars?|euros?|pounds? sterling|pounds?|sterling|yen|yuan|renminbi|francs|rupees?|won|reais|${CODE_ALTERNATION})(?![\\p{L}\\p{N}])`,
  'uy',
);
const PC = /pc(?![\p{L}\p{N}])/uy;
const PERCENT_AFTER =
  /(?: ?%| ?pc(?![\p{L}\p{N}])|[ -](?:percentage points?|percent|per cent|pct)(?![\p{L}\p{N}]))/iuy;
const TIME_UNIT_AFTER = new RegExp(`[ -](${TIME_UNIT})(?![\\p{L}\\p{N}])(?!-old)`, 'iuy');
/** How far after a number the text is read (the words of a counted noun phrase end there). */
const LOOK_AHEAD = 160;
/** The ISO code of a one-character sign after an amount (`5 €`): any sign but `$`, which never follows one. */
function signAfterUnit(code: number): string | undefined {
  return code !== 0x24 && CURRENCY_SIGN_CODES.has(code)
    ? CURRENCY_SIGNS[String.fromCharCode(code)]
    : undefined;
}

/** `3 in ` or `one out of ` before a number: the number is the whole of a ratio, not a count. */
const RATIO_BEFORE = /(?:\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten)) (?:in|out of) $/i;

/** The first words CURRENCY_AFTER can start with (`U` of `U.S.`), as written. */
const CURRENCY_LEADS = new AsciiWordSet(
  `U US American Hong HK Australian Canadian Singapore New Taiwan Swiss Indian Korean South Brazilian dollar dollars euro euros pound pounds sterling yen yuan renminbi francs rupee rupees won reais ${Object.keys(CURRENCY_CODES).join(' ')}`.split(
    ' ',
  ),
  true,
);
/** The time units in any case. */
const TIME_UNITS = new AsciiWordSet(
  TIME_UNIT.split('|').flatMap((unit) =>
    unit.endsWith('?') ? [unit.slice(0, -2), unit.slice(0, -1)] : [unit],
  ),
);
/**
 * A space or hyphen and the first letters of a time unit or `percent` (`per`, also of `per cent`): where
 * NUMBER_WORD_UNIT can start a figure. The `s` of `seconds` may be `ſ`, which the `iu` patterns read as `s`.
 */
const UNIT_START = /[ -](?:year|month|week|day|hour|minute|[sſ]econd|decade|centur|per)/iy;
const NUMBER_WORD_SET = new AsciiWordSet(Object.keys(NUMBER_WORDS));

interface FigureSpan {
  start: number;
  end: number;
  value: number;
  kind: FigureKind;
  unit: string;
  qualifier: Qualifier | null;
}

/** Extracts the figures of SPEC §2 from the body paragraphs, in order of appearance. */
export function extractFigures(paragraphs: readonly Paragraph[]): Figure[] {
  const figures: Figure[] = [];
  for (const paragraph of paragraphs) addParagraphFigures(figures, paragraph, scanText(paragraph.text));
  return figures;
}

/** Appends to `figures` the figures of one paragraph, given `scan`, scanText of its text (read before the next scan). */
export function addParagraphFigures(figures: Figure[], paragraph: Paragraph, scan: TextScan): void {
  for (const span of spansOfScan(paragraph.text, scan)) {
    figures.push({
      text: paragraph.text.slice(span.start, span.end),
      value: span.value,
      kind: span.kind,
      unit: span.unit,
      qualifier: span.qualifier,
      paragraph: paragraph.index,
      citations: paragraph.citations.slice(),
    });
  }
}

/** The figure spans of one paragraph's text, in order, none overlapping. */
export function findFigureSpans(text: string): FigureSpan[] {
  return spansOfScan(text, scanText(text));
}

function spansOfScan(text: string, scan: TextScan): FigureSpan[] {
  const spans: FigureSpan[] = [];
  const { digitStarts, digitRuns } = scan;
  let run = 0;
  let from = 0; // where the next number is looked for: after the last number or figure read
  let previous: RangeEnd | null = null;
  for (;;) {
    // The first digit from `from` on: `from` itself inside a run of digits, else the next run's first.
    let start = from;
    if (!isDigitCode(text.charCodeAt(from))) {
      while (run < digitRuns && (digitStarts[run] ?? 0) < from) run += 1;
      if (run === digitRuns) break;
      start = digitStarts[run] ?? 0;
    }
    const end = numberEnd(text, start);
    // `.5%`, `$.5bn`: a decimal point with no digit before it starts the number.
    if (hasBareDecimalPoint(text, start)) start -= 1;
    let span = readNumberFigure(text, start, end);
    from = span && span.end > end ? span.end : end;
    if (previous && (previous.span === null) !== (span === null) && isRangeBetween(text, previous, start)) {
      // `5-7%`, `5 to 7 percent`, `$3-5 billion`, `between 2 and 3 million units`: each end is a figure.
      const linked = linkRange(text, previous, { start, end, span });
      if (linked) {
        if (previous.span) spans[spans.length - 1] = linked.first;
        else spans.push(linked.first);
        span = linked.second;
        from = Math.max(from, span.end);
      }
    }
    if (span) spans.push(span);
    previous = { start, end, span };
  }
  const wordSpans = findNumberWordSpans(text, scan);
  return wordSpans.length === 0 ? spans : mergeSpans(spans, wordSpans);
}

/** A `.` right before `start` that only a space, `(`, a currency sign or the text's start precedes. */
function hasBareDecimalPoint(text: string, start: number): boolean {
  if (text.charCodeAt(start - 1) !== 0x2e) return false;
  if (start === 1) return true;
  const before = text.charCodeAt(start - 2);
  return before === 0x20 || before === 0x28 || CURRENCY_SIGN_CODES.has(before);
}

/** A number read by spansOfScan and the figure read there (null: none). */
interface RangeEnd {
  start: number;
  end: number;
  span: FigureSpan | null;
}

/** Kinds whose unit one end of a range lends the other (`5-7%`); years and bare numbers are not linked. */
const RANGE_KINDS = new Set<FigureKind>(['currency', 'percent', 'count', 'duration']);

/**
 * True when only a range connector stands between the number `first` and the number at `secondStart`:
 * `-` or `–` (no spaces), ` to `, or ` and ` after `between`.
 */
function isRangeBetween(text: string, first: RangeEnd, secondStart: number): boolean {
  const gap = secondStart - first.end;
  const code = text.charCodeAt(first.end);
  if (gap === 1) return code === 0x2d || code === 0x2013;
  if (gap !== 4 && gap !== 5) return false;
  const connector = text.slice(first.end, secondStart).toLowerCase();
  if (connector === ' to ') return true;
  return connector === ' and ' && /\bbetween $/i.test(text.slice(Math.max(0, first.start - 8), first.start));
}

/**
 * The two figures of a range whose one end alone was read as one: the bare end takes the other's kind,
 * unit and scale (`5-7%` → 5 % and 7 %; `3 to 5 billion yuan` → 3 and 5 billion yuan), and a currency
 * sign before the first end reaches the second and the second's scale the first (`$3-5 billion` →
 * $3 billion and $5 billion). Null when the figure read is not of a kind a range shares.
 */
function linkRange(
  text: string,
  first: RangeEnd,
  second: RangeEnd,
): { first: FigureSpan; second: FigureSpan } | null {
  if (second.span) {
    // The bare first end borrows from the second, which must start at its own number.
    const { kind, unit } = second.span;
    if (!RANGE_KINDS.has(kind) || second.span.start !== second.start) return null;
    if (readScale(text, first.end, false).length > 0) return null;
    const scale = readScale(text, second.end, kind === 'currency');
    const value = numberValue(text, first.start, first.end, scale.exponent);
    if (!Number.isFinite(value)) return null;
    const lower =
      kind === 'duration'
        ? readDuration(text, first.start, first.end, value, unit) // the next 5-10 years
        : withQualifier(text, first.start, { end: first.end, value, kind, unit });
    return { first: lower, second: second.span };
  }
  const lead = first.span as FigureSpan;
  // A currency amount without a scale, whose sign stands before the first end only (`$3-5 billion`).
  if (lead.kind !== 'currency' || lead.end !== first.end) return null;
  const scale = readScale(text, second.end, true);
  const firstValue = numberValue(text, first.start, first.end, scale.exponent);
  const secondValue = numberValue(text, second.start, second.end, scale.exponent);
  if (!Number.isFinite(firstValue) || !Number.isFinite(secondValue)) return null;
  const end = second.end + scale.length;
  return {
    first: { ...lead, value: firstValue },
    second: {
      start: second.start,
      end,
      value: secondValue,
      kind: 'currency',
      unit: lead.unit,
      qualifier: null,
    },
  };
}

/** The number-word figures (`five years`, `ten per cent`): a time unit or `percent` right after a number word. */
function findNumberWordSpans(text: string, scan: TextScan): FigureSpan[] {
  const spans: FigureSpan[] = [];
  const { unitGaps, unitGapCount } = scan;
  for (let gap = 0; gap < unitGapCount; gap += 1) {
    const at = (unitGaps[gap] ?? 0) + 1; // where the unit starts, after the space or hyphen
    // The word before, from char codes, first: most gaps do not follow a number word.
    if (!mayStartNumberWordUnit(text.charCodeAt(at)) || !mayEndNumberWord(text, at)) continue;
    if (!matchesAt(UNIT_START, text, at - 1)) continue;
    const span = readNumberWordAt(text, at);
    if (span) spans.push(span);
  }
  return spans;
}

/** The number-word figure whose unit starts at `at`, or null. */
function readNumberWordAt(text: string, at: number): FigureSpan | null {
  NUMBER_WORD_UNIT.lastIndex = at;
  const match = NUMBER_WORD_UNIT.exec(text);
  return match ? readNumberWordFigure(text, match) : null;
}

/** A first letter of a time unit or `percent` (`y m w d h s c p`, any case, or `ſ`, which folds to `s`). */
function mayStartNumberWordUnit(code: number): boolean {
  switch (code | 0x20) {
    case 0x79: // y
    case 0x6d: // m
    case 0x77: // w
    case 0x64: // d
    case 0x68: // h
    case 0x73: // s
    case 0x63: // c
    case 0x70: // p
      return code < 0x80;
    default:
      return code === 0x17f;
  }
}

/**
 * A space or hyphen before `index`, after a number word (`five `, `twenty-five-`): the ASCII letters that
 * end there spell one, or a character outside ASCII starts the word (`ſix` matches the pattern's `six`).
 */
function mayEndNumberWord(text: string, index: number): boolean {
  switch (text.charCodeAt(index - 2) | 0x20) {
    case 0x65: // e: one three five nine twelve
    case 0x6f: // o: two
    case 0x72: // r: four
    case 0x78: // x: six
    case 0x6e: // n: seven ten eleven …teen
    case 0x74: // t: eight
    case 0x79: // y: …ty
      break;
    default:
      return false;
  }
  let from = index - 2;
  while (from > 0 && isAsciiLetter(text.charCodeAt(from - 1))) from -= 1;
  return text.charCodeAt(from - 1) >= 0x80 || NUMBER_WORD_SET.hasRange(text, from, index - 1);
}

/** Merges two start-ordered span lists, dropping a number-word span that overlaps a digit one. */
function mergeSpans(digitSpans: readonly FigureSpan[], wordSpans: readonly FigureSpan[]): FigureSpan[] {
  const merged: FigureSpan[] = [];
  let next = 0;
  for (const span of wordSpans) {
    while (next < digitSpans.length && (digitSpans[next]?.end ?? 0) <= span.start) {
      merged.push(digitSpans[next] as FigureSpan);
      next += 1;
    }
    const following = digitSpans[next];
    const previous = merged[merged.length - 1];
    const overlaps = (following && following.start < span.end) || (previous && previous.end > span.start);
    if (!overlaps) merged.push(span);
  }
  return merged.concat(digitSpans.slice(next));
}

function readNumberFigure(text: string, start: number, end: number): FigureSpan | null {
  const currency = currencyBefore(text, start);
  if (!currency && isInsideToken(text, start, end)) return null;
  if (isSpacedThousandsGroup(text, start, end)) return null; // the `000` of `887 000`

  const scale = readScale(text, end, currency !== null);
  const restAt = end + scale.length;
  if (scale.length === 0 && isLetterAt(text, restAt) && !matchesAt(PC, text, restAt)) return null; // 5G, 15th, 3D
  const value = numberValue(text, start, end, scale.exponent);
  if (!Number.isFinite(value)) return null;

  if (currency) {
    const lead = start - currency.length;
    const sign = currency.sign;
    return withQualifier(text, lead, {
      end: restAt,
      value,
      kind: 'currency',
      unit: CURRENCY_SIGNS[sign] ?? CURRENCY_CODES[sign] ?? 'USD',
    });
  }
  // A minus sign right before the digits (`-0.3%`) belongs to a percent or an amount.
  const minus = text.charCodeAt(start - 1);
  const signed =
    (minus === 0x2d || minus === 0x2212) && (start < 2 || isSpaceOrParenthesisAt(text, start - 2));
  const signedStart = signed ? start - 1 : start;
  const signedValue = signed && value !== 0 ? -value : value; // `-0%` is 0: JSON has no -0
  const next = text.charCodeAt(restAt);
  // The ASCII letters after a space or hyphen (none: -1), and whether a character outside ASCII ends them.
  const wordEnd = next === 0x20 || next === 0x2d ? asciiLettersEnd(text, restAt + 1) : -1;
  const outside = wordEnd !== -1 && text.charCodeAt(wordEnd) >= 0x80;
  // A sign after the amount, as much of Europe writes it: `5 €`, `2,5€`.
  const signAt = next === 0x20 || next === 0xa0 ? restAt + 1 : restAt;
  const signAfter = signAfterUnit(text.charCodeAt(signAt));
  if (signAfter !== undefined && !isWordCharAt(text, signAt + 1)) {
    return withQualifier(text, signedStart, {
      end: signAt + 1,
      value: signedValue,
      kind: 'currency',
      unit: signAfter,
    });
  }
  const gap = next === 0x20 || next === 0x2d; // a space, or a hyphen as in `a 5.2-percent rate`
  if (next === 0x25 || (next | 0x20) === 0x70 || (gap && mayStartPercent(text, restAt + 1))) {
    const percentLength = percentAfter(text, restAt);
    if (percentLength > 0) {
      const percentEnd = restAt + percentLength;
      return withQualifier(text, signedStart, {
        end: percentEnd,
        value: signedValue,
        kind: 'percent',
        unit: '%',
      });
    }
  }
  if (gap && (outside || CURRENCY_LEADS.hasRange(text, restAt + 1, wordEnd))) {
    CURRENCY_AFTER.lastIndex = restAt;
    const money = CURRENCY_AFTER.exec(text);
    const unit = money ? currencyOfWords(money[1], money[2] ?? '') : null;
    if (money && unit) {
      const moneyEnd = restAt + money[0].length;
      return withQualifier(text, signedStart, { end: moneyEnd, value: signedValue, kind: 'currency', unit });
    }
  }
  if (isPartOfName(text, start)) return null; // Windows 11, Boeing 737, Euro 2024
  if (wordEnd !== -1 && (outside || TIME_UNITS.hasRange(text, restAt + 1, wordEnd))) {
    const unit = outside ? timeUnitByPattern(text, restAt) : timeUnitOf(text, restAt, wordEnd);
    if (unit !== null) return readDuration(text, start, restAt + 1 + unit.length, value, unit);
  }

  const bare =
    scale.length === 0 &&
    end - start === 4 &&
    isDigitCode(text.charCodeAt(start + 1)) &&
    isDigitCode(text.charCodeAt(start + 2)) &&
    isDigitCode(text.charCodeAt(start + 3));
  const preposition = bare ? yearPrepositionBefore(text, start) : 0;
  const noun = next === 0x20 ? readCountedNoun(text, restAt, end + LOOK_AHEAD) : null;
  // `of` and the qualifier `up to` before a number and its noun count it (a team of 2000 engineers, up
  // to 2000 people); a bare `to` stays a year (from 2020 to 2024, back to 2019 levels).
  const counting = noun !== null && preposition > 0 && countsWithPreposition(text, start, preposition);
  if (preposition > 0 && !counting && (noun === null || (value >= 1900 && value <= 2100))) {
    if (value < 1000 || value > 2999) return null;
    return { start: start - preposition, end, value, kind: 'year', unit: 'year', qualifier: null };
  }
  if (bare && value >= 1000 && value <= 2999 && yearRangeBefore(text, start)) {
    return { start, end, value, kind: 'year', unit: 'year', qualifier: null }; // between 2019 and 2023
  }
  if (noun === null) return null;
  if (!counting && bare && value >= 1800 && value <= 2199 && !qualifierBefore(text, start)) return null;
  if (value === 1 && scale.length === 0) return null; // "1 company": no plural to find the noun by
  if (RATIO_BEFORE.test(text.slice(Math.max(0, start - 16), start))) return null; // 3 in 4 voters: a ratio
  return withQualifier(text, start, { end: restAt + 1 + noun.length, value, kind: 'count', unit: noun });
}

/** True when the preposition before `start` (`length` with its space) is `of`, or the `to` of `up to`. */
function countsWithPreposition(text: string, start: number, length: number): boolean {
  if (length !== 3) return false;
  const first = text.charCodeAt(start - 3) | 0x20;
  const second = text.charCodeAt(start - 2) | 0x20;
  if (first === 0x6f && second === 0x66) return true; // of
  return first === 0x74 && second === 0x6f && qualifierBefore(text, start)?.qualifier === 'up to';
}

function readNumberWordFigure(text: string, match: RegExpExecArray): FigureSpan | null {
  const [unitWord, timeUnit, percentWord] = match;
  const numberWord = NUMBER_WORD_BEFORE.exec(text.slice(Math.max(0, match.index - 24), match.index));
  if (!numberWord) return null;
  if (percentWord !== undefined && numberWord[0].endsWith('-')) return null;
  if (/^\p{Lu}/u.test(unitWord)) return null; // the Five-Year Plan is a name
  if (text.startsWith('-old', match.index + unitWord.length)) return null; // a five-year-old is an age
  const start = match.index - numberWord[0].length;
  const end = match.index + unitWord.length;
  const value = numberWordValue(numberWord[1] ?? '');
  if (percentWord !== undefined)
    return withQualifier(text, start, { end, value, kind: 'percent', unit: '%' });
  const led = qualifierBefore(text, start) !== null || durationLeadBefore(text, start) !== null;
  if (value === 1 && !led) return null; // "one day" is an idiom more often than a duration
  return readDuration(text, start, end, value, timeUnit ?? '');
}

function readDuration(text: string, start: number, end: number, value: number, unitWord: string): FigureSpan {
  const unit = normaliseTimeUnit(unitWord);
  const qualifier = qualifierBefore(text, start);
  if (qualifier) return withQualifier(text, start, { end, value, kind: 'duration', unit }, qualifier);
  const lead = durationLeadBefore(text, start);
  return { start: start - (lead?.[0].length ?? 0), end, value, kind: 'duration', unit, qualifier: null };
}

function withQualifier(
  text: string,
  start: number,
  figure: Omit<FigureSpan, 'start' | 'qualifier'>,
  qualifier = qualifierBefore(text, start),
): FigureSpan {
  const { end, value, kind, unit } = figure;
  if (!qualifier) return { start, end, value, kind, unit, qualifier: null };
  return { start: start - qualifier.length, end, value, kind, unit, qualifier: qualifier.qualifier };
}

/**
 * Three digits with a leading zero right after a number and one space: a thousands group of a number
 * typeset with (no-break) spaces, whose spaces the tidied text no longer tells from word spaces.
 */
function isSpacedThousandsGroup(text: string, start: number, end: number): boolean {
  return (
    end - start === 3 &&
    text.charCodeAt(start) === 0x30 &&
    text.charCodeAt(start - 1) === 0x20 &&
    isDigitCode(text.charCodeAt(start - 2))
  );
}

/** True when the number is glued into a token: `G20`, `COVID-19`, `3:30`, `24/7`, `[2024]`, `1.2.3`. */
function isInsideToken(text: string, start: number, end: number): boolean {
  const previous = text.charCodeAt(start - 1);
  const next = text.charCodeAt(end);
  if (isWordUnitAt(text, start - 1) || previous === 0x5f || previous === 0x23 || previous === 0x5b)
    return true;
  // COVID-19, not 3-5 years
  if (
    (previous === 0x2d || previous === 0x2010 || previous === 0x2011 || previous === 0x2013) &&
    isLetterUnitAt(text, start - 2)
  )
    return true;
  if (isNumberPunctuation(previous) && isNumberAt(text, start - 2)) return true;
  if (isNumberPunctuation(next) && isNumberAt(text, end + 1)) return true;
  return next === 0x5d && previous === 0x5b;
}

/** `.`, `,`, `:` or `/`. */
function isNumberPunctuation(code: number): boolean {
  return code === 0x2e || code === 0x2c || code === 0x3a || code === 0x2f;
}

/** The end of the ASCII letters from `at`. */
function asciiLettersEnd(text: string, at: number): number {
  let end = at;
  while (isAsciiLetter(text.charCodeAt(end))) end += 1;
  return end;
}

/** PERCENT_AFTER at `at`: the length of `%`, ` %`, `pc`, ` percent` …, or 0. */
function percentAfter(text: string, at: number): number {
  const code = text.charCodeAt(at);
  if (code === 0x25) return 1;
  if (code === 0x20 && text.charCodeAt(at + 1) === 0x25) return 2;
  PERCENT_AFTER.lastIndex = at;
  return PERCENT_AFTER.exec(text)?.[0].length ?? 0;
}

/** TIME_UNIT_AFTER at `at` for an ASCII unit word (a time unit in any case, ending at `end`) after the space or hyphen. */
function timeUnitOf(text: string, at: number, end: number): string | null {
  if (isDigitCode(text.charCodeAt(end)) || text.startsWith('-old', end)) return null;
  return text.slice(at + 1, end);
}

/** TIME_UNIT_AFTER at `at`: the unit word as written, or null. */
function timeUnitByPattern(text: string, at: number): string | null {
  TIME_UNIT_AFTER.lastIndex = at;
  return TIME_UNIT_AFTER.exec(text)?.[1] ?? null;
}

/** `%` or `p`/`P` at `index`: after a space, PERCENT_AFTER can match only there. */
function mayStartPercent(text: string, index: number): boolean {
  const code = text.charCodeAt(index);
  return code === 0x25 || (code | 0x20) === 0x70;
}

/** `[\s(]` of the single UTF-16 unit at `index`. */
function isSpaceOrParenthesisAt(text: string, index: number): boolean {
  const code = text.charCodeAt(index);
  return code === 0x28 || isWhitespaceCode(code);
}

/** True when the sticky `pattern` matches at `index`. */
function matchesAt(pattern: RegExp, text: string, index: number): boolean {
  pattern.lastIndex = index;
  return pattern.test(text);
}
