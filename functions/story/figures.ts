import type { Figure, FigureKind, Paragraph, Qualifier } from './types.ts';

// Every pattern below is either anchored on a short slice around one number or scans in one pass
// without nested quantifiers, so a 1 MiB line costs linear time.

/** A number as written: `887,000`, `80.3`, `2035`. */
const NUMBER = /\d{1,3}(?:,\d{3})+(?:\.\d+)?(?!\d)|\d+(?:\.\d+)?/g;
const NUMBER_WORDS: Record<string, number> = {
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90,
};
const TENS = 'twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety';
const UNITS = 'one|two|three|four|five|six|seven|eight|nine';
const TIME_UNIT = 'years?|months?|weeks?|days?|hours?|minutes?|seconds?|decades?|centuries|century';
/** A time unit or `percent` word: where a number-word figure (`five years`, `ten per cent`) can end. */
const NUMBER_WORD_UNIT = new RegExp(
  `(${TIME_UNIT})(?![\\p{L}\\p{N}])|(percent|per cent)(?![\\p{L}\\p{N}])`,
  'giu',
);
/** The number word right before such a unit: `five `, `twenty-five-`. */
const NUMBER_WORD_BEFORE = new RegExp(
  `(?<![\\p{L}\\p{N}'’-])((?:${TENS})(?:[- ](?:${UNITS}))?|${UNITS}|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)[ -]$`,
  'iu',
);

const QUALIFIER_BEFORE =
  /(?<![\p{L}\p{N}])(over|more than|nearly|almost|about|around|approximately|up to|at least|less than|under) $/iu;
const YEAR_PREPOSITION_BEFORE =
  /(?<![\p{L}\p{N}])(in|by|since|from|until|till|to|for|into|within|before|after|during|through|throughout|between|beyond|towards?|of|circa) $/iu;
const YEAR_RANGE_BEFORE = /(?<![\p{L}\p{N}])(?:between|from) \d{4} (?:and|or) $/iu;
const DURATION_LEAD_BEFORE =
  /(?<![\p{L}\p{N}])((?:the )?(?:next|past|last|previous|coming|following|first|final|recent) )$/iu;

const CURRENCY_SIGNS: Record<string, string> = {
  $: 'USD',
  US$: 'USD',
  'U.S.$': 'USD',
  HK$: 'HKD',
  A$: 'AUD',
  AU$: 'AUD',
  C$: 'CAD',
  CA$: 'CAD',
  S$: 'SGD',
  NZ$: 'NZD',
  NT$: 'TWD',
  R$: 'BRL',
  '€': 'EUR',
  '£': 'GBP',
  '¥': 'JPY',
  '₹': 'INR',
  '₩': 'KRW',
};
const CURRENCY_CODES: Record<string, string> = {
  USD: 'USD',
  EUR: 'EUR',
  GBP: 'GBP',
  JPY: 'JPY',
  CNY: 'CNY',
  RMB: 'CNY',
  HKD: 'HKD',
  AUD: 'AUD',
  CAD: 'CAD',
  SGD: 'SGD',
  NZD: 'NZD',
  TWD: 'TWD',
  INR: 'INR',
  CHF: 'CHF',
  KRW: 'KRW',
  BRL: 'BRL',
};
const CODE_ALTERNATION = Object.keys(CURRENCY_CODES).join('|');
const CURRENCY_BEFORE = new RegExp(
  `(?<![\\p{L}\\p{N}])(US\\$|U\\.S\\.\\$|HK\\$|AU?\\$|CA?\\$|S\\$|NZ\\$|NT\\$|R\\$|\\$|€|£|¥|₹|₩|${CODE_ALTERNATION}) ?$`,
  'u',
);
const CURRENCY_AFTER = new RegExp(
  `^ (?:(US|U\\.S\\.|American|Hong Kong|HK|Australian|Canadian|Singapore|New Zealand|New Taiwan|Taiwan|Swiss|Indian|Korean|South Korean|Brazilian) )?(dollars?|euros?|pounds? sterling|pounds?|sterling|yen|yuan|renminbi|francs|rupees?|won|reais|${CODE_ALTERNATION})(?![\\p{L}\\p{N}])`,
  'u',
);
const DOLLAR_COUNTRIES: Record<string, string> = {
  'Hong Kong': 'HKD',
  HK: 'HKD',
  Australian: 'AUD',
  Canadian: 'CAD',
  Singapore: 'SGD',
  'New Zealand': 'NZD',
  'New Taiwan': 'TWD',
  Taiwan: 'TWD',
};

const SCALE_WORD = /^[ -](thousand|million|billion|trillion)(?![\p{L}\p{N}])/iu;
const SCALE_SPACED_ABBREVIATION = /^ (mn|mln|bn|bln|tn|trn|trln)(?![\p{L}\p{N}])/u;
const SCALE_SUFFIX = /^(k|K|m|M|mn|mln|bn|Bn|BN|bln|tn|Tn|TN|trn|trln)(?![\p{L}\p{N}])/u;
const SCALE_SUFFIX_MONEY = /^(k|K|m|M|mn|mln|bn|Bn|BN|bln|b|B|tn|Tn|TN|trn|trln|t|T)(?![\p{L}\p{N}])/u;
const SCALE_EXPONENTS: Record<string, number> = {
  thousand: 3,
  k: 3,
  million: 6,
  m: 6,
  mn: 6,
  mln: 6,
  billion: 9,
  bn: 9,
  b: 9,
  bln: 9,
  trillion: 12,
  tn: 12,
  t: 12,
  trn: 12,
  trln: 12,
};

const PERCENT_AFTER =
  /^(?: ?%| ?pc(?![\p{L}\p{N}])| (?:percentage points?|percent|per cent|pct)(?![\p{L}\p{N}]))/iu;
const TIME_UNIT_AFTER = new RegExp(`^[ -](${TIME_UNIT})(?![\\p{L}\\p{N}])(?!-old)`, 'iu');
const NOUN_PHRASE_AFTER =
  /^ ([\p{L}\p{N}](?:[\p{L}\p{M}\p{N}&]|['’-](?=[\p{L}\p{N}]))*)(?: ([\p{L}\p{N}](?:[\p{L}\p{M}\p{N}&]|['’-](?=[\p{L}\p{N}]))*))?(?: ([\p{L}\p{N}](?:[\p{L}\p{M}\p{N}&]|['’-](?=[\p{L}\p{N}]))*))?/u;

/** Words that may stand capitalised before a number without making it part of a name (`In 1980`, `Over 80`). */
const FUNCTION_WORDS = new Set(
  (
    'a an the this that these those its their his her our my your some any all both each every another ' +
    'in by since from until till to before after during through throughout between of circa at on for with ' +
    'within among across per via as than over under about around approximately nearly almost up least more less ' +
    'fewer only just roughly some exactly precisely barely merely fully still even also already now today then ' +
    'and but or nor yet so while when if although though because once where top first last next past final ' +
    'total estimated additional another further another extra well most many like'
  ).split(' '),
);
/** Words right after a number that end a counted noun phrase before it starts. */
const NOT_NOUNS = new Set(
  (
    'a an the this that these those its their his her our of in on at by for to from with and or but nor than ' +
    'as per times is are was were be been being has have had will would can could may might should do does did ' +
    'percent cent more less fewer over under about around up down out off into onto so such there here which who ' +
    'whom whose what when where why how it they them we he she you i not no yes also only just each every other ' +
    'thus plus across always perhaps whereas besides towards afterwards unless this its us'
  ).split(' '),
);
const IRREGULAR_PLURALS = new Set(
  'people children men women staff personnel police cattle livestock sheep deer fish aircraft data media feet teeth mice geese'.split(
    ' ',
  ),
);

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
  for (const paragraph of paragraphs) {
    for (const span of findFigureSpans(paragraph.text)) {
      figures.push({
        text: paragraph.text.slice(span.start, span.end),
        value: span.value,
        kind: span.kind,
        unit: span.unit,
        qualifier: span.qualifier,
        paragraph: paragraph.index,
        citations: [...paragraph.citations],
      });
    }
  }
  return figures;
}

/** The figure spans of one paragraph's text, in order, none overlapping. */
export function findFigureSpans(text: string): FigureSpan[] {
  const spans: FigureSpan[] = [];
  // Module-level sticky state is safe here: the loops below run to completion without yielding.
  NUMBER.lastIndex = 0;
  for (let match = NUMBER.exec(text); match; match = NUMBER.exec(text)) {
    const span = readNumberFigure(text, match.index, match[0]);
    if (span) {
      spans.push(span);
      NUMBER.lastIndex = Math.max(NUMBER.lastIndex, span.end);
    }
  }
  const wordSpans: FigureSpan[] = [];
  NUMBER_WORD_UNIT.lastIndex = 0;
  for (let match = NUMBER_WORD_UNIT.exec(text); match; match = NUMBER_WORD_UNIT.exec(text)) {
    const span = readNumberWordFigure(text, match);
    if (span) wordSpans.push(span);
  }
  return wordSpans.length === 0 ? spans : mergeSpans(spans, wordSpans);
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

function readNumberFigure(text: string, start: number, written: string): FigureSpan | null {
  const end = start + written.length;
  const currency = currencyBefore(text, start);
  if (!currency && isInsideToken(text, start, end)) return null;
  const after = text.slice(end, end + 160);

  const scale = readScale(after, currency !== null);
  const rest = after.slice(scale.length);
  if (scale.length === 0 && isLetterAt(rest, 0) && !/^pc(?![\p{L}\p{N}])/u.test(rest)) return null; // 5G, 15th, 3D
  const value = scaleNumber(written.replaceAll(',', ''), scale.exponent);
  if (!Number.isFinite(value)) return null;

  if (currency) {
    const lead = start - currency[0].length;
    const sign = currency[1] ?? '';
    return withQualifier(text, lead, {
      end: end + scale.length,
      value,
      kind: 'currency',
      unit: CURRENCY_SIGNS[sign] ?? CURRENCY_CODES[sign] ?? 'USD',
    });
  }
  // A minus sign right before the digits (`-0.3%`) belongs to a percent or an amount.
  const minus = text.charCodeAt(start - 1);
  const signed = (minus === 0x2d || minus === 0x2212) && !/[^\s(]/u.test(text.charAt(start - 2));
  const signedStart = signed ? start - 1 : start;
  const signedValue = signed && value !== 0 ? -value : value; // `-0%` is 0: JSON has no -0
  const percent = PERCENT_AFTER.exec(rest);
  if (percent) {
    const percentEnd = end + scale.length + percent[0].length;
    return withQualifier(text, signedStart, {
      end: percentEnd,
      value: signedValue,
      kind: 'percent',
      unit: '%',
    });
  }
  const money = CURRENCY_AFTER.exec(rest);
  if (money) {
    const unit = currencyOfWords(money[1], money[2] ?? '');
    const moneyEnd = end + scale.length + money[0].length;
    if (unit)
      return withQualifier(text, signedStart, { end: moneyEnd, value: signedValue, kind: 'currency', unit });
  }
  if (isPartOfName(text, start)) return null; // Windows 11, Boeing 737, Euro 2024
  const time = TIME_UNIT_AFTER.exec(rest);
  if (time) return readDuration(text, start, end + scale.length + time[0].length, value, time[1] ?? '');

  const bare = scale.length === 0 && /^\d{4}$/.test(written);
  const preposition = bare ? yearPrepositionBefore(text, start) : null;
  const noun = readCountedNoun(rest);
  if (preposition && (noun === null || (value >= 1900 && value <= 2100))) {
    if (value < 1000 || value > 2999) return null;
    return { start: start - preposition[0].length, end, value, kind: 'year', unit: 'year', qualifier: null };
  }
  if (bare && value >= 1000 && value <= 2999 && yearRangeBefore(text, start)) {
    return { start, end, value, kind: 'year', unit: 'year', qualifier: null }; // between 2019 and 2023
  }
  if (noun === null || (bare && value >= 1800 && value <= 2199 && !qualifierBefore(text, start))) return null;
  if (value === 1 && scale.length === 0) return null; // "1 company": no plural to find the noun by
  return withQualifier(text, start, {
    end: end + scale.length + 1 + noun.length,
    value,
    kind: 'count',
    unit: noun,
  });
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
  if (qualifierBefore(text, start)) return withQualifier(text, start, { end, value, kind: 'duration', unit });
  const lead = durationLeadBefore(text, start);
  return { start: start - (lead?.[0].length ?? 0), end, value, kind: 'duration', unit, qualifier: null };
}

function withQualifier(
  text: string,
  start: number,
  figure: Omit<FigureSpan, 'start' | 'qualifier'>,
): FigureSpan {
  const { end, value, kind, unit } = figure;
  const qualifier = qualifierBefore(text, start);
  if (!qualifier) return { start, end, value, kind, unit, qualifier: null };
  const word = (qualifier[1] ?? '').toLowerCase().replace(/\s+/g, ' ') as Qualifier;
  return { start: start - qualifier[0].length, end, value, kind, unit, qualifier: word };
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

/** `\p{N}` of the single UTF-16 unit at `index`. */
function isNumberAt(text: string, index: number): boolean {
  if (index < 0 || index >= text.length) return false;
  const code = text.charCodeAt(index);
  if (code < 0x80) return isDigitCode(code);
  return /\p{N}/u.test(text.charAt(index));
}

/** True when the word before the number is a capitalised name (`Windows 11`, `iPhone 15`), not a function word. */
function isPartOfName(text: string, start: number): boolean {
  const word = nameWordBefore(text, start);
  if (word === undefined || !UPPER.test(word)) return false;
  if (/['’]s$/u.test(word)) return false; // China's 5 largest banks
  return !FUNCTION_WORDS.has(word.toLowerCase());
}

/**
 * The capitalised-name test of the word before the number, by one backward scan: the run of word characters
 * (letters, digits, ' ’ & . -) that ends at the space before the number, when it starts with a letter.
 */
function nameWordBefore(text: string, start: number): string | undefined {
  if (text.charCodeAt(start - 1) !== 0x20) return undefined;
  const limit = Math.max(0, start - 48);
  let from = start - 1;
  while (from > limit && isNameCharAt(text, from - 1)) from -= 1;
  if (from === start - 1 || !isLetterAt(text, from)) return undefined;
  return text.slice(from, start - 1);
}

/** `[\p{L}\p{N}'’&.-]` at `index`. */
function isNameCharAt(text: string, index: number): boolean {
  const code = text.charCodeAt(index);
  if (code === 0x27 || code === 0x2019 || code === 0x26 || code === 0x2e || code === 0x2d) return true;
  return isWordCharAt(text, index);
}

function readScale(after: string, isMoney: boolean): { length: number; exponent: number } {
  const match =
    SCALE_WORD.exec(after) ??
    SCALE_SPACED_ABBREVIATION.exec(after) ??
    (isMoney ? SCALE_SUFFIX_MONEY : SCALE_SUFFIX).exec(after);
  if (!match) return { length: 0, exponent: 0 };
  return { length: match[0].length, exponent: SCALE_EXPONENTS[(match[1] ?? '').toLowerCase()] ?? 0 };
}

/** Applies a power of ten through the decimal string, so 80.3 billion is exactly 80300000000. */
function scaleNumber(digits: string, exponent: number): number {
  return Number(exponent === 0 ? digits : `${digits}e${exponent}`);
}

function currencyOfWords(country: string | undefined, word: string): string | null {
  const code = CURRENCY_CODES[word];
  if (code) return code;
  const lower = word.toLowerCase();
  if (lower.startsWith('dollar')) return country ? (DOLLAR_COUNTRIES[country] ?? 'USD') : 'USD';
  if (lower.startsWith('euro')) return 'EUR';
  if (lower.startsWith('pound') || lower === 'sterling') return 'GBP';
  if (lower === 'yen') return 'JPY';
  if (lower === 'yuan' || lower === 'renminbi') return 'CNY';
  if (lower === 'francs') return country === 'Swiss' ? 'CHF' : null;
  if (lower.startsWith('rupee')) return 'INR';
  if (lower === 'won') return country?.endsWith('Korean') ? 'KRW' : null;
  if (lower === 'reais') return 'BRL';
  return null;
}

/** The counted noun phrase after a number: up to three words ending at the first plural noun. */
function readCountedNoun(rest: string): string | null {
  const match = NOUN_PHRASE_AFTER.exec(rest);
  if (!match) return null;
  const words = [match[1], match[2], match[3]].filter((word): word is string => word !== undefined);
  for (let i = 0; i < words.length; i += 1) {
    const word = words[i] ?? '';
    if (NOT_NOUNS.has(word.toLowerCase()) || /^\p{N}+$/u.test(word)) return null;
    if (isPluralNoun(word)) return words.slice(0, i + 1).join(' ');
  }
  return null;
}

function isPluralNoun(word: string): boolean {
  if (/^\p{Lu}[\p{Lu}\p{N}]*s$/u.test(word)) return true; // GPUs, SMEs, EVs
  const lower = word.toLowerCase();
  if (IRREGULAR_PLURALS.has(lower)) return true;
  return lower.length >= 3 && /\p{L}s$/u.test(lower) && !/(ss|us|is|ous|'s|’s)$/u.test(lower);
}

function normaliseTimeUnit(word: string): string {
  const lower = word.toLowerCase();
  if (lower === 'century' || lower === 'centuries') return 'centuries';
  return lower.endsWith('s') ? lower : `${lower}s`;
}

function numberWordValue(phrase: string): number {
  return phrase
    .toLowerCase()
    .split(/[- ]/)
    .reduce((sum, part) => sum + (NUMBER_WORDS[part] ?? 0), 0);
}

// ---- cheap necessary conditions ------------------------------------------------------------------
// Each `…_BEFORE` pattern above is `$`-anchored on a slice that ends at the number, which V8 tries at
// every offset of the slice. The checks below look at the few characters right before the number
// first (char codes, one backward scan of the word before) and run the pattern only when it can match,
// so that each answer stays the pattern's own.

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
const LETTER = /\p{L}/u;
const UPPER = /\p{Lu}/u;

function isAsciiLetter(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a);
}

function isDigitCode(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
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
function isWordCharAt(text: string, index: number): boolean {
  if (index < 0 || index >= text.length) return false;
  const code = text.charCodeAt(index);
  if (code < 0x80) return isAsciiLetter(code) || isDigitCode(code);
  return LETTER_OR_DIGIT.test(codePointAround(text, index));
}

/** `[\p{L}\p{N}]` of the single UTF-16 unit at `index`, as a pattern tested on `charAt` sees it. */
function isWordUnitAt(text: string, index: number): boolean {
  if (index < 0 || index >= text.length) return false;
  const code = text.charCodeAt(index);
  if (code < 0x80) return isAsciiLetter(code) || isDigitCode(code);
  return LETTER_OR_DIGIT.test(text.charAt(index));
}

/** `\p{L}` at `index` (whole code point). */
function isLetterAt(text: string, index: number): boolean {
  if (index < 0 || index >= text.length) return false;
  const code = text.charCodeAt(index);
  if (code < 0x80) return isAsciiLetter(code);
  return LETTER.test(codePointAround(text, index));
}

/** `\p{L}` of the single UTF-16 unit at `index`. */
function isLetterUnitAt(text: string, index: number): boolean {
  if (index < 0 || index >= text.length) return false;
  const code = text.charCodeAt(index);
  if (code < 0x80) return isAsciiLetter(code);
  return LETTER.test(text.charAt(index));
}

/** The ASCII-letter word that ends right before `end` (no space skipped), lower-cased; '' when none. */
function asciiWordEndingAt(text: string, end: number): string {
  let start = end;
  while (start > 0 && isAsciiLetter(text.charCodeAt(start - 1))) start -= 1;
  return text.slice(start, end).toLowerCase();
}

/** The lower-cased word right before the space that precedes `start` (`over 80` → `over`); '' when none. */
function wordBefore(text: string, start: number): string {
  if (text.charCodeAt(start - 1) !== 0x20) return '';
  return asciiWordEndingAt(text, start - 1);
}

/** Last words of the qualifiers (`more than` ends in `than`). */
const QUALIFIER_LAST_WORDS = new Set([
  'over',
  'than',
  'nearly',
  'almost',
  'about',
  'around',
  'approximately',
  'to',
  'least',
  'under',
]);
const YEAR_PREPOSITIONS = new Set(
  'in by since from until till to for into within before after during through throughout between beyond toward towards of circa'.split(
    ' ',
  ),
);
const DURATION_LEADS = new Set('next past last previous coming following first final recent'.split(' '));
const CURRENCY_SIGN_CODES = new Set([0x24, 0x20ac, 0xa3, 0xa5, 0x20b9, 0x20a9]);

/** QUALIFIER_BEFORE at `start`: the qualifier and its length, or null. */
function qualifierBefore(text: string, start: number): RegExpExecArray | null {
  if (!QUALIFIER_LAST_WORDS.has(wordBefore(text, start))) return null;
  return QUALIFIER_BEFORE.exec(text.slice(Math.max(0, start - 24), start));
}

/** CURRENCY_BEFORE on the 48 characters before `start`. */
function currencyBefore(text: string, start: number): RegExpExecArray | null {
  const last = text.charCodeAt(start - 1) === 0x20 ? start - 2 : start - 1;
  if (last < 0) return null;
  const code = text.charCodeAt(last);
  if (!CURRENCY_SIGN_CODES.has(code) && !(code >= 0x41 && code <= 0x5a)) return null;
  return CURRENCY_BEFORE.exec(text.slice(Math.max(0, start - 48), start));
}

/** YEAR_PREPOSITION_BEFORE on the 48 characters before `start`. */
function yearPrepositionBefore(text: string, start: number): RegExpExecArray | null {
  if (!YEAR_PREPOSITIONS.has(wordBefore(text, start))) return null;
  return YEAR_PREPOSITION_BEFORE.exec(text.slice(Math.max(0, start - 48), start));
}

/** YEAR_RANGE_BEFORE on the 48 characters before `start`: `between 2019 and 2023`. */
function yearRangeBefore(text: string, start: number): boolean {
  const word = wordBefore(text, start);
  if (word !== 'and' && word !== 'or') return false;
  return YEAR_RANGE_BEFORE.test(text.slice(Math.max(0, start - 48), start));
}

/** DURATION_LEAD_BEFORE on the 48 characters before `start`. */
function durationLeadBefore(text: string, start: number): RegExpExecArray | null {
  if (!DURATION_LEADS.has(wordBefore(text, start))) return null;
  return DURATION_LEAD_BEFORE.exec(text.slice(Math.max(0, start - 48), start));
}
