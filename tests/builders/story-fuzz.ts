import fc from 'fast-check';
import type { StoryErrorCode } from '../../functions/story/types.ts';

/** Every error code of SPEC §1. */
export const STORY_ERROR_CODES: readonly StoryErrorCode[] = [
  'too_large',
  'binary_content',
  'invalid_encoding',
  'missing_version',
  'missing_title',
  'invalid_timestamp',
  'empty_body',
  'invalid_story_id',
];

/** Spans the parser reacts to (citations, currencies, scale words, line ends, odd spaces, NUL), mixed into fuzzed files. */
export const FUZZ_TOKENS = [
  '[',
  ']',
  '[25773905]',
  '[DEADBEEF, 934f7ccc]',
  '[1]',
  '[2024]',
  '$',
  'US$',
  'HK$',
  '€',
  '£',
  '¥',
  '%',
  ' percent',
  ' per cent',
  ' billion',
  ' million',
  'bn',
  'm',
  'k',
  '5G',
  'G20',
  'COVID-19',
  'Windows 11',
  ' 887,000 ',
  '80.3',
  ' over ',
  ' more than ',
  ' in ',
  ' by ',
  ' since ',
  '2035',
  '1978',
  ' years',
  ' the next ',
  ' five ',
  '\n',
  '\n\n',
  '\r',
  '\r\n',
  '\u00a0',
  '\uFEFF',
  'Disclaimer: ',
  'v0.12 ',
  'V1.2.3',
  '🌳',
  '2024-07-05 15:33:01.103',
  'T',
  'Z',
  '+08:00',
  '.',
  '. ',
  '! ',
  '? ',
  ' A',
  ' ',
  '\t',
  '-',
  ',',
  '\0',
  '\u2028',
  'é',
  '東京',
];

/** One edit of a story file's bytes. */
export type Mutation =
  | { kind: 'flip'; at: number; byte: number }
  | { kind: 'deleteLine' | 'duplicateLine' | 'truncate'; at: number }
  | { kind: 'insert'; at: number; text: string };

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({
    kind: fc.constantFrom('deleteLine' as const, 'duplicateLine' as const, 'truncate' as const),
    at: fc.nat(),
  }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.constantFrom(...FUZZ_TOKENS) }),
);

/** Applies one mutation to a copy of the bytes. */
export function mutate(bytes: Buffer, step: Mutation): Buffer {
  if (bytes.length === 0) return step.kind === 'insert' ? Buffer.from(step.text) : bytes;
  const at = step.at % bytes.length;
  switch (step.kind) {
    case 'flip': {
      const copy = Buffer.from(bytes);
      copy[at] = step.byte;
      return copy;
    }
    case 'truncate':
      return bytes.subarray(0, at);
    case 'insert':
      return Buffer.concat([bytes.subarray(0, at), Buffer.from(step.text), bytes.subarray(at)]);
    default: {
      const lines = bytes.toString('latin1').split('\n');
      const line = step.at % lines.length;
      if (step.kind === 'deleteLine') lines.splice(line, 1);
      else lines.splice(line, 0, lines[line] ?? '');
      return Buffer.from(lines.join('\n'), 'latin1');
    }
  }
}

const tokenSoup = fc
  .array(fc.oneof(fc.constantFrom(...FUZZ_TOKENS), fc.string({ maxLength: 12 })), { maxLength: 60 })
  .map((parts) => parts.join(''));
const timestampLine = fc.oneof(
  fc.constant('2024-07-05 15:33:01.103000'),
  fc
    .tuple(
      fc.integer({ min: 0, max: 9999 }),
      fc.integer({ min: 0, max: 14 }),
      fc.integer({ min: 0, max: 32 }),
      fc.integer({ min: 0, max: 25 }),
      fc.constantFrom('', 'Z', '+05:30', '-12:00', '.1234567', '.5'),
    )
    .map(
      ([y, mo, d, h, tail]) =>
        `${String(y).padStart(4, '0')}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}${tail === 'Z' || tail.startsWith('+') ? 'T' : ' '}${String(h).padStart(2, '0')}:59:59${tail}`,
    ),
  tokenSoup,
);

/** Story-shaped files (version, title, timestamp, body lines) built from tokens that matter to the parser. */
export const structuredStory: fc.Arbitrary<Buffer> = fc
  .tuple(
    fc.oneof(fc.constantFrom('v0.12 🌳', 'V1.2.3', 'v0.12🌳', 'v1', 'v0.12a', ''), tokenSoup),
    tokenSoup,
    timestampLine,
    fc.array(tokenSoup, { maxLength: 6 }),
  )
  .map(([version, title, timestamp, body]) =>
    Buffer.from([version, title, timestamp, '', ...body].join('\n')),
  );
