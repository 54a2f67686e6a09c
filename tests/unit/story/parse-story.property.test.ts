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
import { mutate, mutation, STORY_ERROR_CODES, structuredStory } from '../../builders/story-fuzz.ts';

const SEED = readFileSync(join(import.meta.dirname, '../../../seeds/000_8ac52d5236e3c6f4.txt'));
const CODES = STORY_ERROR_CODES;
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
