import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseStory } from '../../../functions/story/parse-story.ts';
import {
  QUALIFIERS,
  type StoryDocument,
  StoryError,
  type StoryErrorCode,
} from '../../../functions/story/types.ts';
import { parseVersionLabel } from '../../../functions/story/version.ts';

const SEED = readFileSync(join(import.meta.dirname, '../../../seeds/000_8ac52d5236e3c6f4.txt'));
const CODES: StoryErrorCode[] = [
  'too_large',
  'binary_content',
  'invalid_encoding',
  'missing_version',
  'missing_title',
  'invalid_timestamp',
  'empty_body',
  'invalid_story_id',
];
const TOKENS = [
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

type Mutation =
  | { kind: 'flip'; at: number; byte: number }
  | { kind: 'deleteLine' | 'duplicateLine' | 'truncate'; at: number }
  | { kind: 'insert'; at: number; text: string };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({
    kind: fc.constantFrom('deleteLine' as const, 'duplicateLine' as const, 'truncate' as const),
    at: fc.nat(),
  }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.constantFrom(...TOKENS) }),
);

function mutate(bytes: Buffer, step: Mutation): Buffer {
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
  .array(fc.oneof(fc.constantFrom(...TOKENS), fc.string({ maxLength: 12 })), { maxLength: 60 })
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
const structuredStory = fc
  .tuple(
    fc.oneof(fc.constantFrom('v0.12 🌳', 'V1.2.3', 'v0.12🌳', 'v1', 'v0.12a', ''), tokenSoup),
    tokenSoup,
    timestampLine,
    fc.array(tokenSoup, { maxLength: 6 }),
  )
  .map(([version, title, timestamp, body]) =>
    Buffer.from([version, title, timestamp, '', ...body].join('\n')),
  );

/** Parses, and returns the document or the StoryError code; any other throw fails the property. */
function parseOrCode(bytes: Uint8Array, key: string): StoryDocument | StoryErrorCode {
  try {
    return parseStory(bytes, { key });
  } catch (error) {
    if (error instanceof StoryError) {
      expect(CODES).toContain(error.code);
      expect(error.message.length).toBeGreaterThan(0);
      return error.code;
    }
    throw error;
  }
}

function checkInvariants(document: StoryDocument): void {
  const { metrics, paragraphs, citations, figures } = document;
  expect(JSON.parse(JSON.stringify(document))).toEqual(document);
  expect(parseVersionLabel(document.version)?.label).toBe(document.version);
  expect(document.publishedAt).toMatch(/^[+-]?\d{4,6}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  expect(document.contentHash).toMatch(/^sha256:[0-9a-f]{64}$/);
  expect(document.title.trim()).toBe(document.title);
  expect(document.title.length).toBeGreaterThan(0);
  expect(metrics.paragraphs).toBe(paragraphs.length);
  expect(paragraphs.length).toBeGreaterThan(0);
  expect(paragraphs.map((paragraph) => paragraph.index)).toEqual(paragraphs.map((_, i) => i));
  expect(metrics.characters).toBe(paragraphs.reduce((sum, paragraph) => sum + paragraph.text.length, 0));
  expect(metrics.citationCount).toBe(citations.reduce((sum, use) => sum + use.count, 0));
  expect(metrics.uniqueSources).toBe(citations.length);
  expect(metrics.uncitedParagraphs).toBe(
    paragraphs.filter((paragraph) => paragraph.citations.length === 0).length,
  );
  expect(metrics.readingMinutes).toBe(Math.ceil(metrics.words / 238));
  expect(metrics.sentences).toBeLessThanOrEqual(metrics.characters);
  for (const use of citations) {
    expect(use.id).toMatch(/^[0-9a-f]{8,64}$/);
    expect(use.count).toBeGreaterThanOrEqual(use.paragraphs.length);
    for (const index of use.paragraphs) expect(paragraphs[index]?.citations).toContain(use.id);
  }
  for (const figure of figures) {
    const paragraph = paragraphs[figure.paragraph];
    expect(paragraph?.text).toContain(figure.text);
    expect(figure.citations).toEqual(paragraph?.citations);
    expect(Number.isFinite(figure.value)).toBe(true);
    expect(['currency', 'percent', 'count', 'year', 'duration']).toContain(figure.kind);
    expect([null, ...QUALIFIERS]).toContain(figure.qualifier);
    expect(figure.unit.length).toBeGreaterThan(0);
  }
}

/** Parses and checks; returns true when the input was a valid story. */
function checkBytes(bytes: Uint8Array): boolean {
  const result = parseOrCode(bytes, 'stories/fuzz/v1.txt');
  if (typeof result === 'string') return false;
  checkInvariants(result);
  return true;
}

describe('parseStory under fuzzing', () => {
  it('only ever throws §1 errors on mutated seeds, and valid results keep the invariants', () => {
    let valid = 0;
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 8 }), (steps) => {
        if (checkBytes(steps.reduce(mutate, SEED))) valid += 1;
      }),
      { numRuns: 2500 },
    );
    expect(valid).toBeGreaterThan(500);
  });

  it('only ever throws §1 errors on generated stories', () => {
    let valid = 0;
    fc.assert(
      fc.property(structuredStory, (bytes) => {
        if (checkBytes(bytes)) valid += 1;
      }),
      { numRuns: 2500 },
    );
    expect(valid).toBeGreaterThan(100);
  });

  it('only ever throws §1 errors on random bytes and strings', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        checkBytes(bytes);
      }),
      { numRuns: 1000 },
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        const result = parseOrCode(Buffer.from(text), 'random.txt');
        if (typeof result !== 'string') checkInvariants(result);
      }),
      { numRuns: 1000 },
    );
  });
});
