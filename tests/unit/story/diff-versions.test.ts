import { describe, expect, it } from 'vitest';
import { diffVersions } from '../../../functions/story/diff-versions.ts';
import {
  buildFigure,
  buildParagraph,
  buildStoryDocument,
  withInsertedParagraph,
  withParagraph,
} from '../../builders/story-document.ts';

const v11 = buildStoryDocument({ version: 'v0.11' });

function nextVersion(overrides: Parameters<typeof buildStoryDocument>[0] = {}) {
  return buildStoryDocument({ version: 'v0.12', ...overrides });
}

describe('diffVersions', () => {
  it('finds nothing between identical versions', () => {
    const diff = diffVersions(v11, nextVersion());
    expect(diff.from).toBe('v0.11');
    expect(diff.to).toBe('v0.12');
    expect(diff.paragraphs).toEqual({ added: [], removed: [], changed: [] });
    expect(diff.citations).toEqual({ added: [], removed: [] });
    expect(diff.figures).toEqual({ added: [], removed: [], changed: [] });
    expect(Object.values(diff.metrics).map((metric) => metric.delta)).toEqual(Array(9).fill(0));
    expect(diff.metrics.words).toEqual({ from: v11.metrics.words, to: v11.metrics.words, delta: 0 });
  });

  it('reports one changed paragraph with word operations when one word changes', () => {
    const text = 'The district has spent 80.3 billion yuan, and over 30 percent of its firms now work on AI.';
    const diff = diffVersions(v11, withParagraph(v11, 1, text));
    expect(diff.paragraphs.added).toEqual([]);
    expect(diff.paragraphs.removed).toEqual([]);
    expect(diff.paragraphs.changed).toHaveLength(1);
    const [changed] = diff.paragraphs.changed;
    expect(changed).toMatchObject({ fromIndex: 1, toIndex: 1, from: v11.paragraphs[1]?.text, to: text });
    expect(changed?.words.filter((word) => word.op !== 'equal')).toEqual([
      { op: 'removed', text: 'invested' },
      { op: 'added', text: 'spent' },
    ]);
    const words = changed?.words ?? [];
    expect(
      words
        .filter((w) => w.op !== 'added')
        .map((w) => w.text)
        .join(''),
    ).toBe(changed?.from);
    expect(
      words
        .filter((w) => w.op !== 'removed')
        .map((w) => w.text)
        .join(''),
    ).toBe(text);
    expect(diff.figures).toEqual({ added: [], removed: [], changed: [] });
  });

  it('reports a paragraph inserted in the middle as added, with nothing changed', () => {
    const inserted = buildParagraph('Officials said the plan was on schedule.', ['aa11bb22']);
    const to = withInsertedParagraph(v11, 1, inserted);
    const diff = diffVersions(v11, to);
    expect(diff.paragraphs).toEqual({
      added: [{ index: 1, text: 'Officials said the plan was on schedule.' }],
      removed: [],
      changed: [],
    });
    expect(diff.citations).toEqual({ added: ['aa11bb22'], removed: [] });
    expect(diff.figures).toEqual({ added: [], removed: [], changed: [] });
    expect(diff.metrics.paragraphs).toEqual({ from: 3, to: 4, delta: 1 });
    expect(diff.metrics.words.delta).toBe(7);
  });

  it('reports a removed paragraph, its figures and its only citation as removed', () => {
    const to = nextVersion({ paragraphs: v11.paragraphs.slice(0, 2), figures: v11.figures });
    const diff = diffVersions(v11, to);
    expect(diff.paragraphs.removed).toEqual([{ index: 2, text: v11.paragraphs[2]?.text }]);
    expect(diff.paragraphs.changed).toEqual([]);
    expect(diff.citations).toEqual({ added: [], removed: ['5e0b0c8d'] });
    expect(diff.figures.removed.map((figure) => figure.text)).toEqual([
      'over 80 companies',
      'the next 15 years',
    ]);
    expect(diff.figures.added).toEqual([]);
  });

  it('reports citations added and removed', () => {
    const to = withParagraph(v11, 2, v11.paragraphs[2]?.text ?? '', ['abcdef12', '25773905']);
    const diff = diffVersions(v11, to);
    expect(diff.citations).toEqual({ added: ['abcdef12'], removed: ['5e0b0c8d'] });
    expect(diff.paragraphs).toEqual({ added: [], removed: [], changed: [] });
    expect(diff.metrics.citationCount).toEqual({ from: 4, to: 5, delta: 1 });
  });

  it('reports a figure whose value changed with its old and new value', () => {
    const text =
      'The district has invested 90 billion yuan, and over 30 percent of its firms now work on AI.';
    const figures = v11.figures.map((figure) =>
      figure.text === '80.3 billion yuan'
        ? { ...figure, text: '90 billion yuan', value: 90_000_000_000 }
        : figure,
    );
    const diff = diffVersions(
      v11,
      nextVersion({ paragraphs: withParagraph(v11, 1, text).paragraphs, figures }),
    );
    expect(diff.figures.added).toEqual([]);
    expect(diff.figures.removed).toEqual([]);
    expect(diff.figures.changed).toHaveLength(1);
    expect(diff.figures.changed[0]?.from).toMatchObject({
      text: '80.3 billion yuan',
      value: 80_300_000_000,
      unit: 'CNY',
    });
    expect(diff.figures.changed[0]?.to).toMatchObject({
      text: '90 billion yuan',
      value: 90_000_000_000,
      unit: 'CNY',
    });
    expect(diff.paragraphs.changed[0]?.words.filter((word) => word.op !== 'equal')).toEqual([
      { op: 'removed', text: '80.3 billion yuan' },
      { op: 'added', text: '90 billion yuan' },
    ]);
  });

  it('reports a qualifier change on the same figure as changed', () => {
    const text =
      'The district has invested 80.3 billion yuan, and nearly 30 percent of its firms now work on AI.';
    const figures = v11.figures.map((figure) =>
      figure.kind === 'percent'
        ? { ...figure, text: 'nearly 30 percent', qualifier: 'nearly' as const }
        : figure,
    );
    const diff = diffVersions(
      v11,
      nextVersion({ paragraphs: withParagraph(v11, 1, text).paragraphs, figures }),
    );
    expect(diff.figures.changed.map((change) => [change.from.text, change.to.text])).toEqual([
      ['over 30 percent', 'nearly 30 percent'],
    ]);
  });

  it('reports a rewritten paragraph as removed and added, and a new kind of figure as added', () => {
    const text = 'Exports rose 5.2% in May, led by electric cars and solar panels.';
    const figures = [
      ...v11.figures.filter((figure) => figure.paragraph !== 2),
      buildFigure({ text: '5.2%', value: 5.2, kind: 'percent', unit: '%', paragraph: 2 }),
    ];
    const to = nextVersion({ paragraphs: withParagraph(v11, 2, text).paragraphs, figures });
    const diff = diffVersions(v11, to);
    expect(diff.paragraphs.changed).toEqual([]);
    expect(diff.paragraphs.removed).toEqual([{ index: 2, text: v11.paragraphs[2]?.text }]);
    expect(diff.paragraphs.added).toEqual([{ index: 2, text }]);
    expect(diff.figures.added.map((figure) => figure.text)).toEqual(['5.2%']);
    expect(diff.figures.removed.map((figure) => figure.text)).toEqual([
      'over 80 companies',
      'the next 15 years',
    ]);
    expect(diff.figures.changed).toEqual([]);
  });

  it('does not report the figures of a moved paragraph as added or removed', () => {
    const [first, second, third] = v11.paragraphs;
    if (first === undefined || second === undefined || third === undefined)
      throw new Error('builder changed');
    const reordered = nextVersion({
      paragraphs: [second, first, third],
      figures: v11.figures.map((figure) =>
        figure.paragraph < 2 ? { ...figure, paragraph: 1 - figure.paragraph } : figure,
      ),
    });
    const diff = diffVersions(v11, reordered);
    expect(diff.figures).toEqual({ added: [], removed: [], changed: [] });
    expect(diff.paragraphs.changed).toEqual([]);
  });

  it('rounds metric deltas to two decimals', () => {
    const from = buildStoryDocument({ metrics: { ...v11.metrics, citationsPer100Words: 1.09 } });
    const to = buildStoryDocument({ metrics: { ...v11.metrics, citationsPer100Words: 1.2 } });
    expect(diffVersions(from, to).metrics.citationsPer100Words).toEqual({ from: 1.09, to: 1.2, delta: 0.11 });
    expect(diffVersions(to, from).metrics.citationsPer100Words.delta).toBe(-0.11);
  });

  it('finds the one changed figure among thousands of identical ones in a long paragraph', () => {
    const percents = (values: number[]) =>
      nextVersion({
        paragraphs: [buildParagraph(values.map((value) => `${value}%`).join(' '))],
        figures: values.map((value) =>
          buildFigure({ text: `${value}%`, value, kind: 'percent', unit: '%', paragraph: 0 }),
        ),
      });
    const before = Array<number>(5_000).fill(5);
    const after = [...before];
    after[2_500] = 6;
    const diff = diffVersions(percents(before), percents(after));
    expect(diff.figures.changed.map((change) => [change.from.value, change.to.value])).toEqual([[5, 6]]);
    expect(diff.figures.added).toEqual([]);
    expect(diff.figures.removed).toEqual([]);
    expect(diff.paragraphs.changed[0]?.words.filter((word) => word.op !== 'equal')).toEqual([
      { op: 'removed', text: '5%' },
      { op: 'added', text: '6%' },
    ]);
  });
});
