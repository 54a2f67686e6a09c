/** One run of a sequence diff: `count` items kept, added (from the new side) or removed (from the old). */
export interface EditRun {
  op: 'equal' | 'added' | 'removed';
  count: number;
}

/** Gaps whose old × new size is at most this get an exact longest-common-subsequence table. */
const EXACT_CELLS = 250_000;
/** Deeper than this, a gap is reported as replaced instead of searched for more anchors. */
const MAX_DEPTH = 48;

class RunList {
  readonly runs: EditRun[] = [];

  push(op: EditRun['op'], count: number): void {
    if (count <= 0) return;
    const last = this.runs[this.runs.length - 1];
    if (last?.op === op) last.count += count;
    else this.runs.push({ op, count });
  }

  /** A replaced block: everything removed first, then everything added. */
  replace(removed: number, added: number): void {
    this.push('removed', removed);
    this.push('added', added);
  }
}

/** Exact diff of a small gap by a longest-common-subsequence table; removals come before additions. */
function diffExactly(a: Int32Array, b: Int32Array, out: RunList): void {
  const n = a.length;
  const m = b.length;
  const width = m + 1;
  // lcs[i][j] = LCS length of a[i..] and b[j..].
  const lcs = new Uint32Array((n + 1) * width);
  for (let i = n - 1; i >= 0; i -= 1) {
    for (let j = m - 1; j >= 0; j -= 1) {
      lcs[i * width + j] =
        a[i] === b[j]
          ? (lcs[(i + 1) * width + j + 1] ?? 0) + 1
          : Math.max(lcs[(i + 1) * width + j] ?? 0, lcs[i * width + j + 1] ?? 0);
    }
  }
  let i = 0;
  let j = 0;
  let removed = 0;
  let added = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      out.replace(removed, added);
      removed = 0;
      added = 0;
      out.push('equal', 1);
      i += 1;
      j += 1;
    } else if (j >= m || (i < n && (lcs[(i + 1) * width + j] ?? 0) >= (lcs[i * width + j + 1] ?? 0))) {
      removed += 1;
      i += 1;
    } else {
      added += 1;
      j += 1;
    }
  }
  out.replace(removed, added);
}

/** Positions of the items that occur exactly once in `items`, by item. */
function uniquePositions(items: Int32Array): Map<number, number> {
  const positions = new Map<number, number>();
  const repeated = new Set<number>();
  for (const [index, item] of items.entries()) {
    if (positions.has(item)) repeated.add(item);
    else positions.set(item, index);
  }
  for (const item of repeated) positions.delete(item);
  return positions;
}

/**
 * Patience anchors: items unique on both sides, kept in the longest run that is increasing on
 * both sides (patience sorting, n log n). Returns [old index, new index] pairs in order.
 */
function findAnchors(a: Int32Array, b: Int32Array): Array<[number, number]> {
  const inA = uniquePositions(a);
  const inB = uniquePositions(b);
  const pairs: Array<[number, number]> = [];
  for (const [item, aIndex] of inA) {
    const bIndex = inB.get(item);
    if (bIndex !== undefined) pairs.push([aIndex, bIndex]);
  }
  pairs.sort((x, y) => x[0] - y[0]);
  const tails: number[] = [];
  const previous = new Int32Array(pairs.length).fill(-1);
  for (const [index, pair] of pairs.entries()) {
    let low = 0;
    let high = tails.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((pairs[tails[middle] ?? 0]?.[1] ?? 0) < pair[1]) low = middle + 1;
      else high = middle;
    }
    if (low > 0) previous[index] = tails[low - 1] ?? -1;
    tails[low] = index;
  }
  const anchors: Array<[number, number]> = [];
  for (let at = tails[tails.length - 1] ?? -1; at !== -1; at = previous[at] ?? -1) {
    const pair = pairs[at];
    if (pair) anchors.push(pair);
  }
  return anchors.reverse();
}

function diffRange(a: Int32Array, b: Int32Array, out: RunList, depth: number): void {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start += 1;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA -= 1;
    endB -= 1;
  }
  out.push('equal', start);
  const middleA = a.subarray(start, endA);
  const middleB = b.subarray(start, endB);
  if (middleA.length === 0 || middleB.length === 0) {
    out.replace(middleA.length, middleB.length);
  } else if (middleA.length * middleB.length <= EXACT_CELLS) {
    diffExactly(middleA, middleB, out);
  } else {
    const anchors = depth < MAX_DEPTH ? findAnchors(middleA, middleB) : [];
    if (anchors.length === 0) {
      out.replace(middleA.length, middleB.length);
    } else {
      let fromA = 0;
      let fromB = 0;
      for (const [anchorA, anchorB] of anchors) {
        diffRange(middleA.subarray(fromA, anchorA), middleB.subarray(fromB, anchorB), out, depth + 1);
        out.push('equal', 1);
        fromA = anchorA + 1;
        fromB = anchorB + 1;
      }
      diffRange(middleA.subarray(fromA), middleB.subarray(fromB), out, depth + 1);
    }
  }
  out.push('equal', a.length - endA);
}

/**
 * Diffs two sequences of strings into runs of kept, removed and added items (removals before
 * additions in each changed block). Common ends are trimmed, small gaps are diffed exactly, large
 * ones are split at items unique on both sides (patience diff), so the work stays near n log n
 * however large the input; a large gap with no common unique item is reported as replaced.
 */
export function diffSequences(a: readonly string[], b: readonly string[]): EditRun[] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start += 1;
  let end = 0;
  while (
    end < a.length - start &&
    end < b.length - start &&
    a[a.length - 1 - end] === b[b.length - 1 - end]
  ) {
    end += 1;
  }
  const ids = new Map<string, number>();
  const intern = (items: readonly string[]): Int32Array => {
    const out = new Int32Array(items.length);
    for (const [index, item] of items.entries()) {
      let id = ids.get(item);
      if (id === undefined) {
        id = ids.size;
        ids.set(item, id);
      }
      out[index] = id;
    }
    return out;
  };
  const out = new RunList();
  out.push('equal', start);
  diffRange(intern(a.slice(start, a.length - end)), intern(b.slice(start, b.length - end)), out, 0);
  out.push('equal', end);
  return out.runs;
}
