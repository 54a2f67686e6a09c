import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countSentences, countWords, WORD_PATTERN } from '../../../functions/story/metrics.ts';
import { parseStory } from '../../../functions/story/parse-story.ts';

describe('countWords', () => {
  it.each([
    ["China's", 1],
    ['80.3 and 887,000 and 3.4bn', 5],
    ['forward-thinking', 1],
    ['S&P', 2],
    ['U.S. growth', 3],
    ['see [1] and [see above]', 5],
    ["'Quoted' words, -dashes- and 5.", 5],
    ['café naïve 東京', 3],
    ['', 0],
  ])('counts %j as %i words', (text, words) => {
    expect(countWords(text)).toBe(words);
  });

  it('agrees with the word pattern of SPEC §2 on any text', () => {
    const alphabet = [..."aZé9٣.,'’-‐&$% \u0301\u00a0東😀𝐀\n"];
    const text = fc.oneof(
      fc.array(fc.constantFrom(...alphabet), { maxLength: 40 }).map((chars) => chars.join('')),
      fc.string({ unit: 'binary', maxLength: 40 }),
    );
    fc.assert(
      fc.property(text, (sample) => {
        expect(countWords(sample)).toBe(sample.match(WORD_PATTERN)?.length ?? 0);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('countSentences', () => {
  it.each([
    ['One. Two! Three? Four', 4],
    ['Ends at 5 p.m. today.', 1],
    ["He said 'Stop.' Then left.", 1],
    ['No final stop', 1],
    ['', 0],
  ])('counts %j as %i sentences', (text, sentences) => {
    expect(countSentences(text)).toBe(sentences);
  });
});

describe('story metrics', () => {
  it('counts the body only and rounds citations per 100 words to 2 decimals', () => {
    const text =
      'v1.0\nMany Title Words Here\n2024-01-01 00:00:00\n\nOne two three [aaaa1111] [aaaa1111].\n\nFour five six.\n\nDisclaimer: Not counted at all.';
    expect(parseStory(text, { key: 'a.txt' }).metrics).toEqual({
      words: 6,
      sentences: 2,
      paragraphs: 2,
      characters: 'One two three.'.length + 'Four five six.'.length,
      readingMinutes: 1,
      citationCount: 2,
      uniqueSources: 1,
      uncitedParagraphs: 1,
      citationsPer100Words: 33.33,
    });
  });
});
