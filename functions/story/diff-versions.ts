import { diffWordsOf, shareOfCommonEnds, type WordChange } from './diff-tokens.ts';
import { diffSequences } from './sequence-diff.ts';
import type { Figure, Paragraph, StoryDocument, StoryMetrics } from './types.ts';

export type { WordChange } from './diff-tokens.ts';

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

interface ParagraphAlignment {
  added: Paragraph[];
  removed: Paragraph[];
  changed: Array<[Paragraph, Paragraph]>;
  /** from paragraph index → to paragraph index, for unchanged and changed paragraphs. */
  pairs: Map<number, number>;
}

/**
 * Whether `to` is an edit of `from`: they share most of their text at the ends (a cheap check that
 * spares counting the words of a long paragraph with one edit), or most of their words.
 */
function isEditOf(from: string, to: string, cache: Map<string, Map<string, number>>): boolean {
  if (shareOfCommonEnds(from, to) >= SIMILARITY_THRESHOLD) return true;
  return measureSimilarity(countWordsOf(from, cache), countWordsOf(to, cache)) >= SIMILARITY_THRESHOLD;
}

/** Pairs, in order, each removed paragraph with the next added one similar enough to be its edit. */
function pairRuns(removed: Paragraph[], added: Paragraph[], alignment: ParagraphAlignment): void {
  let nextAdded = 0;
  const pairedAdded = new Set<number>();
  const cache = new Map<string, Map<string, number>>();
  for (const from of removed) {
    const match = added.findIndex(
      (to, i) => i >= nextAdded && i < nextAdded + PAIRING_WINDOW && isEditOf(from.text, to.text, cache),
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
  for (const [i, paragraph] of added.entries()) if (!pairedAdded.has(i)) alignment.added.push(paragraph);
}

/** Aligns paragraphs by their text: equal runs stay, removed/added runs between them are paired when similar. */
function alignParagraphs(from: Paragraph[], to: Paragraph[]): ParagraphAlignment {
  const alignment: ParagraphAlignment = { added: [], removed: [], changed: [], pairs: new Map() };
  const changes = diffSequences(
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
    if (change.op === 'removed') {
      appendAll(removedRun, from.slice(fromAt, fromAt + change.count));
      fromAt += change.count;
    } else if (change.op === 'added') {
      appendAll(addedRun, to.slice(toAt, toAt + change.count));
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

function factKey(figure: Figure): string {
  return `${figure.kind}\u0000${figure.unit}\u0000${figure.value}\u0000${figure.qualifier ?? ''}`;
}

/**
 * Figures grouped by a key, each group in document order, handing out its first untaken figure.
 * A figure taken through one index is skipped by the others; each group's cursor only moves
 * forward, so all lookups together cost linear time.
 */
class FigurePool {
  private readonly groups = new Map<string, { figures: Figure[]; next: number }>();

  constructor(
    figures: readonly Figure[],
    keyOf: (figure: Figure) => string,
    private readonly taken: Set<Figure>,
  ) {
    for (const figure of figures) {
      const key = keyOf(figure);
      const group = this.groups.get(key);
      if (group) group.figures.push(figure);
      else this.groups.set(key, { figures: [figure], next: 0 });
    }
  }

  take(key: string): Figure | undefined {
    const group = this.groups.get(key);
    if (!group) return undefined;
    while (group.next < group.figures.length) {
      const figure = group.figures[group.next];
      group.next += 1;
      if (figure !== undefined && !this.taken.has(figure)) {
        this.taken.add(figure);
        return figure;
      }
    }
    return undefined;
  }
}

/** Appends without spreading, which overflows the stack for very long arrays. */
function appendAll<T>(target: T[], items: readonly T[]): void {
  for (const item of items) target.push(item);
}

function isSameFact(a: Figure, b: Figure): boolean {
  return a.kind === b.kind && a.unit === b.unit && a.value === b.value && a.qualifier === b.qualifier;
}

function groupByParagraph(figures: readonly Figure[]): Map<number, Figure[]> {
  const groups = new Map<number, Figure[]>();
  for (const figure of figures) {
    const group = groups.get(figure.paragraph);
    if (group) group.push(figure);
    else groups.set(figure.paragraph, [figure]);
  }
  return groups;
}

/**
 * The figures of `from` left after the common case is settled: each paragraph's figures that open
 * or close its aligned paragraph's figures as the same facts in the same order are unchanged (their
 * partners are marked taken).
 */
function settleSameRuns(
  from: readonly Figure[],
  to: readonly Figure[],
  pairs: Map<number, number>,
  taken: Set<Figure>,
): Figure[] {
  const toByParagraph = groupByParagraph(to);
  const left: Figure[] = [];
  for (const [paragraph, figures] of groupByParagraph(from)) {
    const target = pairs.get(paragraph);
    const candidates = (target === undefined ? undefined : toByParagraph.get(target)) ?? [];
    const partnerIfSame = (i: number, j: number): Figure | undefined => {
      const [a, b] = [figures[i], candidates[j]];
      return a !== undefined && b !== undefined && isSameFact(a, b) ? b : undefined;
    };
    let head = 0;
    for (let partner = partnerIfSame(0, 0); partner !== undefined; partner = partnerIfSame(head, head)) {
      taken.add(partner);
      head += 1;
    }
    let tail = 0;
    while (tail < figures.length - head && tail < candidates.length - head) {
      const partner = partnerIfSame(figures.length - 1 - tail, candidates.length - 1 - tail);
      if (partner === undefined) break;
      taken.add(partner);
      tail += 1;
    }
    appendAll(left, figures.slice(head, figures.length - tail));
  }
  return left;
}

/**
 * Matches figures: the same fact in aligned paragraphs is unchanged; the same kind and unit with another value
 * (or qualifier) in the aligned paragraph is changed; an identical fact that moved elsewhere is unchanged;
 * the rest are removed or added. Linear in the figures (grouped lookups instead of scans).
 */
function diffFigures(from: Figure[], to: Figure[], pairs: Map<number, number>): VersionDiff['figures'] {
  const taken = new Set<Figure>();
  const rest = settleSameRuns(from, to, pairs, taken);
  const changed: FigureChange[] = [];
  const removed: Figure[] = [];
  if (rest.length > 0) {
    const open = to.filter((figure) => !taken.has(figure));
    const sameFact = new FigurePool(open, (figure) => `${figure.paragraph}\u0000${factKey(figure)}`, taken);
    const sameKind = new FigurePool(
      open,
      (figure) => `${figure.paragraph}\u0000${figure.kind}\u0000${figure.unit}`,
      taken,
    );
    const anywhere = new FigurePool(open, factKey, taken);
    const leftFrom = rest.filter((figure) => {
      const target = pairs.get(figure.paragraph);
      return target === undefined || sameFact.take(`${target}\u0000${factKey(figure)}`) === undefined;
    });
    for (const figure of leftFrom) {
      const target = pairs.get(figure.paragraph);
      const next =
        target === undefined ? undefined : sameKind.take(`${target}\u0000${figure.kind}\u0000${figure.unit}`);
      if (next !== undefined) {
        changed.push({ from: figure, to: next });
      } else if (anywhere.take(factKey(figure)) === undefined) {
        removed.push(figure);
      }
    }
  }
  return { added: to.filter((figure) => !taken.has(figure)), removed, changed };
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
        words: diffWordsOf(a.text, b.text),
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
