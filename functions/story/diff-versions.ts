import { diffArrays, diffWords } from 'diff';
import type { Figure, Paragraph, StoryDocument, StoryMetrics } from './types.ts';

export interface WordChange {
  op: 'equal' | 'added' | 'removed';
  text: string;
}

export interface ParagraphText {
  index: number;
  text: string;
}

export interface ChangedParagraph {
  fromIndex: number;
  toIndex: number;
  from: string;
  to: string;
  words: WordChange[];
}

export interface FigureChange {
  from: Figure;
  to: Figure;
}

export interface MetricDelta {
  from: number;
  to: number;
  delta: number;
}

/** What changed between two versions of a story (GET /stories/{id}/diff). */
export interface VersionDiff {
  from: string;
  to: string;
  paragraphs: { added: ParagraphText[]; removed: ParagraphText[]; changed: ChangedParagraph[] };
  citations: { added: string[]; removed: string[] };
  figures: { added: Figure[]; removed: Figure[]; changed: FigureChange[] };
  metrics: Record<keyof StoryMetrics, MetricDelta>;
}

/** Paragraphs sharing at least this share of their words are one paragraph edited, not two. */
const SIMILARITY_THRESHOLD = 0.5;

/** How many added paragraphs ahead a removed one looks for its edit; bounds the work on wholesale rewrites. */
const PAIRING_WINDOW = 16;

const WORD = /[\p{L}\p{N}]+(?:['’\-.,][\p{L}\p{N}]+)*/gu;

/** The words of a text, lowercased, counted; memoised per paragraph text while pairing runs. */
function countWordsOf(text: string, cache: Map<string, Map<string, number>>): Map<string, number> {
  const cached = cache.get(text);
  if (cached !== undefined) {
    return cached;
  }
  const counts = new Map<string, number>();
  for (const word of text.toLowerCase().match(WORD) ?? []) {
    counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  cache.set(text, counts);
  return counts;
}

/**
 * Dice similarity of two word multisets: 2 × shared words ÷ all words. Linear in the words, so pairing the
 * runs of a wholesale rewrite stays cheap (an ordered word diff per candidate pair was not).
 */
function measureSimilarity(a: Map<string, number>, b: Map<string, number>): number {
  let total = 0;
  let shared = 0;
  for (const [word, count] of a) {
    total += count;
    shared += Math.min(count, b.get(word) ?? 0);
  }
  for (const count of b.values()) {
    total += count;
  }
  return total === 0 ? 1 : (2 * shared) / total;
}

function diffParagraphWords(from: string, to: string): WordChange[] {
  return diffWords(from, to).map((change) => ({
    op: change.added ? 'added' : change.removed ? 'removed' : 'equal',
    text: change.value,
  }));
}

interface ParagraphAlignment {
  added: Paragraph[];
  removed: Paragraph[];
  changed: Array<[Paragraph, Paragraph]>;
  /** from paragraph index → to paragraph index, for unchanged and changed paragraphs. */
  pairs: Map<number, number>;
}

/** Pairs, in order, each removed paragraph with the next added one similar enough to be its edit. */
function pairRuns(removed: Paragraph[], added: Paragraph[], alignment: ParagraphAlignment): void {
  let nextAdded = 0;
  const pairedAdded = new Set<number>();
  const cache = new Map<string, Map<string, number>>();
  for (const from of removed) {
    const match = added.findIndex(
      (to, i) =>
        i >= nextAdded &&
        i < nextAdded + PAIRING_WINDOW &&
        measureSimilarity(countWordsOf(from.text, cache), countWordsOf(to.text, cache)) >=
          SIMILARITY_THRESHOLD,
    );
    const to = added[match];
    if (to === undefined) {
      alignment.removed.push(from);
      continue;
    }
    alignment.changed.push([from, to]);
    alignment.pairs.set(from.index, to.index);
    pairedAdded.add(match);
    nextAdded = match + 1;
  }
  alignment.added.push(...added.filter((_, i) => !pairedAdded.has(i)));
}

/** Aligns paragraphs by their text: equal runs stay, removed/added runs between them are paired when similar. */
function alignParagraphs(from: Paragraph[], to: Paragraph[]): ParagraphAlignment {
  const alignment: ParagraphAlignment = { added: [], removed: [], changed: [], pairs: new Map() };
  const changes = diffArrays(
    from.map((p) => p.text),
    to.map((p) => p.text),
  );
  let fromAt = 0;
  let toAt = 0;
  let removedRun: Paragraph[] = [];
  let addedRun: Paragraph[] = [];
  const flush = (): void => {
    pairRuns(removedRun, addedRun, alignment);
    removedRun = [];
    addedRun = [];
  };
  for (const change of changes) {
    if (change.removed) {
      removedRun.push(...from.slice(fromAt, fromAt + change.count));
      fromAt += change.count;
    } else if (change.added) {
      addedRun.push(...to.slice(toAt, toAt + change.count));
      toAt += change.count;
    } else {
      flush();
      for (let i = 0; i < change.count; i += 1) {
        const a = from[fromAt + i];
        const b = to[toAt + i];
        if (a !== undefined && b !== undefined) {
          alignment.pairs.set(a.index, b.index);
        }
      }
      fromAt += change.count;
      toAt += change.count;
    }
  }
  flush();
  return alignment;
}

function isSameFact(a: Figure, b: Figure): boolean {
  return a.kind === b.kind && a.unit === b.unit && a.value === b.value && a.qualifier === b.qualifier;
}

/**
 * Matches figures: the same fact in aligned paragraphs is unchanged; the same kind and unit with another value
 * (or qualifier) in the aligned paragraph is changed; an identical fact that moved elsewhere is unchanged;
 * the rest are removed or added.
 */
function diffFigures(from: Figure[], to: Figure[], pairs: Map<number, number>): VersionDiff['figures'] {
  const unmatchedTo = new Set(to);
  const leftFrom: Figure[] = [];
  const takeFrom = (figure: Figure, accept: (candidate: Figure) => boolean): Figure | undefined => {
    const target = pairs.get(figure.paragraph);
    const found = [...unmatchedTo].find((candidate) => candidate.paragraph === target && accept(candidate));
    if (found !== undefined) {
      unmatchedTo.delete(found);
    }
    return found;
  };
  for (const figure of from) {
    if (takeFrom(figure, (candidate) => isSameFact(figure, candidate)) === undefined) {
      leftFrom.push(figure);
    }
  }
  const changed: FigureChange[] = [];
  const removed: Figure[] = [];
  for (const figure of leftFrom) {
    const next = takeFrom(figure, (c) => c.kind === figure.kind && c.unit === figure.unit);
    if (next !== undefined) {
      changed.push({ from: figure, to: next });
      continue;
    }
    const moved = [...unmatchedTo].find((candidate) => isSameFact(figure, candidate));
    if (moved === undefined) {
      removed.push(figure);
    } else {
      unmatchedTo.delete(moved);
    }
  }
  return { added: to.filter((figure) => unmatchedTo.has(figure)), removed, changed };
}

function roundDelta(value: number): number {
  const rounded = Math.round(value * 100) / 100;
  return rounded === 0 ? 0 : rounded;
}

/** Compares two versions of a story: paragraphs (with word-level edits), citations, figures and metric deltas. */
export function diffVersions(from: StoryDocument, to: StoryDocument): VersionDiff {
  const alignment = alignParagraphs(from.paragraphs, to.paragraphs);
  const fromIds = new Set(from.citations.map((c) => c.id));
  const toIds = new Set(to.citations.map((c) => c.id));
  const measure = (key: keyof StoryMetrics): MetricDelta => ({
    from: from.metrics[key],
    to: to.metrics[key],
    delta: roundDelta(to.metrics[key] - from.metrics[key]),
  });
  return {
    from: from.version,
    to: to.version,
    paragraphs: {
      added: alignment.added.map((p) => ({ index: p.index, text: p.text })),
      removed: alignment.removed.map((p) => ({ index: p.index, text: p.text })),
      changed: alignment.changed.map(([a, b]) => ({
        fromIndex: a.index,
        toIndex: b.index,
        from: a.text,
        to: b.text,
        words: diffParagraphWords(a.text, b.text),
      })),
    },
    citations: {
      added: [...toIds].filter((id) => !fromIds.has(id)),
      removed: [...fromIds].filter((id) => !toIds.has(id)),
    },
    figures: diffFigures(from.figures, to.figures, alignment.pairs),
    metrics: {
      words: measure('words'),
      sentences: measure('sentences'),
      paragraphs: measure('paragraphs'),
      characters: measure('characters'),
      readingMinutes: measure('readingMinutes'),
      citationCount: measure('citationCount'),
      uniqueSources: measure('uniqueSources'),
      uncitedParagraphs: measure('uncitedParagraphs'),
      citationsPer100Words: measure('citationsPer100Words'),
    },
  };
}
