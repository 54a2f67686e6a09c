import { describe, expect, it } from 'vitest';
import { diffWordsOf, tokenizeForDiff } from '../../../functions/story/diff-tokens.ts';
import { diffSequences } from '../../../functions/story/sequence-diff.ts';

function changesOf(from: string, to: string) {
  return diffWordsOf(from, to).filter((change) => change.op !== 'equal');
}

function oldAndNew(from: string, to: string): [string, string] {
  const changes = diffWordsOf(from, to);
  return [
    changes
      .filter((c) => c.op !== 'added')
      .map((c) => c.text)
      .join(''),
    changes
      .filter((c) => c.op !== 'removed')
      .map((c) => c.text)
      .join(''),
  ];
}

describe('tokenizeForDiff', () => {
  it('keeps numbers, amounts and citation marks whole', () => {
    const text =
      'It spent $40 trillion, 80.3 billion yuan and €2.5m; 887,000 5G stations grew 3.4bn [25773905, 934f7ccc].';
    const tokens = tokenizeForDiff(text);
    expect(tokens.join('')).toBe(text);
    for (const whole of [
      '$40 trillion',
      '80.3 billion yuan',
      '€2.5m',
      '887,000',
      '5G',
      '3.4bn',
      '[25773905, 934f7ccc]',
    ]) {
      expect(tokens).toContain(whole);
    }
  });

  it('keeps percentages and words with inner punctuation whole', () => {
    expect(tokenizeForDiff("China's 5.2% over 30 percent, COVID-19 forward-thinking")).toEqual([
      "China's",
      ' ',
      '5.2%',
      ' ',
      'over',
      ' ',
      '30 percent',
      ',',
      ' ',
      'COVID-19',
      ' ',
      'forward-thinking',
    ]);
  });

  it('joins back to any text, RTL and emoji included', () => {
    const text = 'שלום  עולם 🌳👩🏽‍🔬 <script>x</script>\u00a0end';
    expect(tokenizeForDiff(text).join('')).toBe(text);
  });
});

describe('diffWordsOf', () => {
  it('reports 80.3 → 95.1 as one change', () => {
    expect(changesOf('GDP grew to 80.3 in May.', 'GDP grew to 95.1 in May.')).toEqual([
      { op: 'removed', text: '80.3' },
      { op: 'added', text: '95.1' },
    ]);
  });

  it('reports a changed currency amount whole', () => {
    expect(changesOf('It raised $40 trillion today.', 'It raised $42 trillion today.')).toEqual([
      { op: 'removed', text: '$40 trillion' },
      { op: 'added', text: '$42 trillion' },
    ]);
    expect(changesOf('887,000 stations', '1,020,000 stations')).toEqual([
      { op: 'removed', text: '887,000' },
      { op: 'added', text: '1,020,000' },
    ]);
  });

  it('folds a lone space between two changed words into one change', () => {
    expect(changesOf('a quick brown fox', 'a slow red fox')).toEqual([
      { op: 'removed', text: 'quick brown' },
      { op: 'added', text: 'slow red' },
    ]);
  });

  it('keeps a space both sides end with out of the change', () => {
    expect(diffWordsOf('District aims to become', 'District now plans to become')).toEqual([
      { op: 'equal', text: 'District ' },
      { op: 'removed', text: 'aims' },
      { op: 'added', text: 'now plans' },
      { op: 'equal', text: ' to become' },
    ]);
  });

  it('gives back both texts from its pieces', () => {
    const from = 'Shenzhen invested 80.3 billion yuan in 2023, over 30 percent more.';
    const to = 'Shenzhen, the city, invested 95.1 billion yuan in 2024, nearly 40 percent more!';
    expect(oldAndNew(from, to)).toEqual([from, to]);
  });
});

describe('diffSequences', () => {
  it('keeps common items and reports the rest as removed and added runs', () => {
    expect(diffSequences(['a', 'b', 'c', 'd'], ['a', 'x', 'c', 'd', 'e'])).toEqual([
      { op: 'equal', count: 1 },
      { op: 'removed', count: 1 },
      { op: 'added', count: 1 },
      { op: 'equal', count: 2 },
      { op: 'added', count: 1 },
    ]);
  });

  it('anchors large inputs on unique items and still finds a single edit', () => {
    const a = Array.from({ length: 20_000 }, (_, i) => `w${i}`);
    const b = [...a];
    b[5_000] = 'changed';
    b[15_000] = 'changed too';
    const runs = diffSequences(a, b);
    expect(runs.filter((run) => run.op !== 'equal')).toEqual([
      { op: 'removed', count: 1 },
      { op: 'added', count: 1 },
      { op: 'removed', count: 1 },
      { op: 'added', count: 1 },
    ]);
    expect(runs.reduce((sum, run) => sum + (run.op === 'added' ? 0 : run.count), 0)).toBe(a.length);
  });

  it('reports a large gap with no common unique item as replaced', () => {
    const a = Array.from({ length: 1_000 }, (_, i) => `a${i % 2}`);
    const b = Array.from({ length: 1_000 }, (_, i) => `b${i % 2}`);
    expect(diffSequences(a, b)).toEqual([
      { op: 'removed', count: 1_000 },
      { op: 'added', count: 1_000 },
    ]);
  });
});
