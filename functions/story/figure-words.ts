// The word lists behind figure extraction (SPEC §2): number words, currencies, scales, and the words that
// tell a counted noun or a name from a figure. figures.ts reads text; this file only answers lookups.

export const NUMBER_WORDS: Record<string, number> = {
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
export const TENS = 'twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety';
export const UNITS = 'one|two|three|four|five|six|seven|eight|nine';
export const TIME_UNIT = 'years?|months?|weeks?|days?|hours?|minutes?|seconds?|decades?|centuries|century';

export const CURRENCY_SIGNS: Record<string, string> = {
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
export const CURRENCY_CODES: Record<string, string> = {
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
export const CODE_ALTERNATION = Object.keys(CURRENCY_CODES).join('|');
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
/** The first UTF-16 unit of a currency sign, or of its last character (`$`, `€`, `£`, `¥`, `₹`, `₩`). */
export const CURRENCY_SIGN_CODES = new Set([0x24, 0x20ac, 0xa3, 0xa5, 0x20b9, 0x20a9]);

export const SCALE_EXPONENTS: Record<string, number> = {
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

/** Words that may stand capitalised before a number without making it part of a name (`In 1980`, `Over 80`). */
export const FUNCTION_WORDS = new Set(
  (
    'a an the this that these those its their his her our my your some any all both each every another ' +
    'in by since from until till to before after during through throughout between of circa at on for with ' +
    'within among across per via as than over under about around approximately nearly almost up least more less ' +
    'fewer only just roughly some exactly precisely barely merely fully still even also already now today then ' +
    'and but or nor yet so while when if although though because once where top first last next past final ' +
    'total estimated additional another further another extra well most many like ' +
    // Adverbs that start a sentence ("Meanwhile 80 companies joined"): capitalised there, not names.
    'meanwhile overall yesterday tomorrow tonight altogether together nationwide worldwide elsewhere instead ' +
    'however moreover furthermore besides later earlier soon again thus hence therefore nevertheless nonetheless'
  ).split(' '),
);
/** Words right after a number that end a counted noun phrase before it starts. */
export const NOT_NOUNS = new Set(
  (
    'a an the this that these those its their his her our of in on at by for to from with and or but nor than ' +
    'as per times is are was were be been being has have had will would can could may might should do does did ' +
    'percent cent more less fewer over under about around up down out off into onto so such there here which who ' +
    'whom whose what when where why how it they them we he she you i not no yes also only just each every other ' +
    'thus plus across always perhaps whereas besides towards afterwards unless this its us'
  ).split(' '),
);
/**
 * Words ending in `s` that are no plural of their own when a noun follows (`100 gas stations`,
 * `20 logistics hubs`, `3 Texas plants`): the counted noun phrase goes on to the next plural.
 */
export const S_ENDING_MODIFIERS = new Set(
  (
    'gas news logistics electronics economics physics politics mathematics statistics athletics ' +
    'robotics genetics analytics series species means texas paris kansas arkansas christmas lens'
  ).split(' '),
);
export const IRREGULAR_PLURALS = new Set(
  'people children men women staff personnel police cattle livestock sheep deer fish aircraft data media feet teeth mice geese'.split(
    ' ',
  ),
);

/** Last words of the qualifiers (`more than` ends in `than`). */
export const QUALIFIER_LAST_WORDS = new Set([
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
export const YEAR_PREPOSITIONS = new Set(
  'in by since from until till to for into within before after during through throughout between beyond toward towards of circa'.split(
    ' ',
  ),
);
export const DURATION_LEADS = new Set(
  'next past last previous coming following first final recent'.split(' '),
);

/** The currency code of a written currency (`dollars`, `Swiss francs`), or null when it names none. */
export function currencyOfWords(country: string | undefined, word: string): string | null {
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

/** True for a plural noun: `GPUs`, `people`, `companies`, not `status` or `bus`. */
export function isPluralNoun(word: string): boolean {
  if (/^\p{Lu}[\p{Lu}\p{N}]*s$/u.test(word)) return true; // GPUs, SMEs, EVs
  const lower = word.toLowerCase();
  if (IRREGULAR_PLURALS.has(lower)) return true;
  return lower.length >= 3 && /\p{L}s$/u.test(lower) && !/(ss|us|is|ous|'s|’s)$/u.test(lower);
}

/** The unit of a duration: `year` → `years`, `century` → `centuries`. */
export function normaliseTimeUnit(word: string): string {
  const lower = word.toLowerCase();
  if (lower === 'century' || lower === 'centuries') return 'centuries';
  return lower.endsWith('s') ? lower : `${lower}s`;
}

/** The value of a number-word phrase: `twenty-five` → 25. */
export function numberWordValue(phrase: string): number {
  return phrase
    .toLowerCase()
    .split(/[- ]/)
    .reduce((sum, part) => sum + (NUMBER_WORDS[part] ?? 0), 0);
}
