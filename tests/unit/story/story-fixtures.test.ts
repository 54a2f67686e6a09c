import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseStory } from '../../../functions/story/parse-story.ts';
import { StoryError } from '../../../functions/story/types.ts';

const ROOT = join(import.meta.dirname, '../../..');
const FIXTURES = join(ROOT, 'tests/fixtures/stories');

/** Every `*.txt` under the fixtures folder, with the `*.json` expectation beside it. */
function listFixtures(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return listFixtures(path);
    return entry.name.endsWith('.txt') ? [path] : [];
  });
}

const fixtures = listFixtures(FIXTURES).map((path) => ({
  name: relative(FIXTURES, path),
  key: relative(ROOT, path),
  bytes: readFileSync(path),
  expected: JSON.parse(readFileSync(path.replace(/\.txt$/, '.json'), 'utf8')) as Record<string, unknown>,
}));

describe('story fixtures', () => {
  it('has at least 25 story files', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(25);
  });

  for (const { name, key, bytes, expected } of fixtures) {
    if (typeof expected.error === 'string') {
      it(`rejects ${name} with ${expected.error}`, () => {
        const error = catchError(() => parseStory(bytes, { key }));
        expect(error).toBeInstanceOf(StoryError);
        expect((error as StoryError).code).toBe(expected.error);
        expect((error as StoryError).message.length).toBeGreaterThan(10);
      });
    } else {
      it(`parses ${name} as expected`, () => {
        expect(parseStory(bytes, { key })).toMatchObject(expected);
      });
    }
  }
});

function catchError(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return undefined;
}
