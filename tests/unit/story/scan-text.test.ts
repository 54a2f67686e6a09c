import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scanText } from '../../../functions/story/scan-text.ts';

/** The scan's lists as plain arrays (the scan reuses its buffers). */
function scanOf(text: string) {
  const scan = scanText(text);
  return {
    words: scan.words,
    sentences: scan.sentences,
    digitStarts: Array.from(scan.digitStarts.subarray(0, scan.digitRuns)),
    unitGaps: Array.from(scan.unitGaps.subarray(0, scan.unitGapCount)),
  };
}

describe('scanText', () => {
  it('counts words and sentences and finds where each run of digits starts', () => {
    expect(scanOf('Sales rose 80.3% to $887,000. Costs fell.')).toEqual({
      words: 7,
      sentences: 2,
      digitStarts: [11, 14, 21, 25],
      unitGaps: [],
    });
  });

  it('marks the gaps where a number word can meet a time unit or percent', () => {
    // `five years`, `ten per cent` and `per cent` itself; `and ten` cannot be one.
    expect(scanOf('five years and ten per cent').unitGaps).toEqual([4, 18, 22]);
    expect(scanOf('twenty-ſeconds').unitGaps).toEqual([6]);
  });

  it('lists the same digit runs and sentence breaks as the patterns would', () => {
    const alphabet = [...'a5.9 !?,-Zé\u00a0'];
    const text = fc.array(fc.constantFrom(...alphabet), { maxLength: 40 }).map((chars) => chars.join(''));
    fc.assert(
      fc.property(text, (sample) => {
        const scan = scanOf(sample);
        expect(scan.digitStarts).toEqual([...sample.matchAll(/[0-9]+/g)].map((match) => match.index));
        const breaks = sample.match(/[.!?] (?=\p{Lu})/gu)?.length ?? 0;
        expect(scan.sentences).toBe(sample.length === 0 ? 0 : 1 + breaks);
      }),
      { numRuns: 2000 },
    );
  });
});
