import { diffSequences } from './sequence-diff.ts';

/** One piece of a word-level diff: text kept, added or removed. Joined in order, the non-added pieces give the old text. */
export interface WordChange {
  op: 'equal' | 'added' | 'removed';
  text: string;
}

const SIGN = String.raw`(?:(?:US|HK|A|C|NZ|S)?\$|€|£|¥|(?:RMB|CNY|USD|EUR|GBP|JPY|HKD)\s?)`;
const NUMBER = String.raw`\d+(?:[.,]\d+)*`;
const SCALE = String.raw`(?:\s(?:thousand|million|billion|trillion))`;
const UNIT_WORD = String.raw`(?:\s(?:yuan|renminbi|dollars?|euros?|pounds?|yen|percent|per\scent))`;
/** A number with what belongs to it: a currency sign, a scale word or suffix, a currency word or a percent. */
const AMOUNT = String.raw`${SIGN}?${NUMBER}(?:(?:bn|tn|m|k|%)|${SCALE}?${UNIT_WORD}?)(?![\p{L}\p{N}]|[-'’][\p{L}\p{N}])`;
/** Letters and digits with inner apostrophes, hyphens and number punctuation (as the word count of SPEC §2). */
const WORD = String.raw`[\p{L}\p{N}]+(?:['’\-.,][\p{L}\p{N}]+)*`;
/** A bracketed mark such as a citation `[25773905]` or `[1]`. */
const BRACKET = String.raw`\[[^[\]\n]{1,80}\]`;
const TOKEN = new RegExp(`${BRACKET}|${AMOUNT}|${WORD}|\\s+|[\\s\\S]`, 'giu');

/**
 * Splits text into diff tokens that join back to the text: bracketed marks, amounts (`80.3`,
 * `887,000`, `3.4bn`, `$40 trillion`, `80.3 billion yuan`, `5.2%`), words, whitespace runs and
 * single other characters. A number is never split, so `80.3` → `95.1` is one change.
 */
export function tokenizeForDiff(text: string): string[] {
  return text.match(TOKEN) ?? [];
}

const WHITESPACE = /^\s+$/u;

/** Texts longer than this skip tokenizing their common start and end. */
const LONG_TEXT = 4_096;
/** How far before a difference a shortcut cut is placed, so the tokens around it are whole. */
const CUT_MARGIN = 160;

/** Length of the common start of two texts. */
function commonStart(a: string, b: string): number {
  const end = Math.min(a.length, b.length);
  let at = 0;
  while (at < end && a.charCodeAt(at) === b.charCodeAt(at)) at += 1;
  return at;
}

/** Length of the common end of two texts, not reaching into their first `start` characters. */
function commonEnd(a: string, b: string, start: number): number {
  const end = Math.min(a.length, b.length) - start;
  let at = 0;
  while (at < end && a.charCodeAt(a.length - 1 - at) === b.charCodeAt(b.length - 1 - at)) at += 1;
  return at;
}

/** The share of two texts' characters that lies in their common start and end: 1 for equal texts. */
export function shareOfCommonEnds(a: string, b: string): number {
  if (a.length + b.length === 0) return 1;
  const start = commonStart(a, b);
  return (2 * (start + commonEnd(a, b, start))) / (a.length + b.length);
}

/** A cut at or before `at`, at least CUT_MARGIN characters earlier, right after whitespace (0 when there is none). */
function cutBefore(text: string, at: number): number {
  for (let position = at - CUT_MARGIN; position > 0; position -= 1) {
    if (/\s/u.test(text.charAt(position - 1))) return position;
  }
  return 0;
}

/**
 * How much of two long texts' common start and end can be set aside before tokenizing: cuts at
 * whitespace well away from the first and last difference, so the tokens near them are whole.
 */
function sharedEnds(from: string, to: string): { head: number; tail: number } {
  if (from.length + to.length < LONG_TEXT) return { head: 0, tail: 0 };
  const head = cutBefore(from, commonStart(from, to));
  const end = commonEnd(from, to, head);
  // The tail is cut the same way, measured from the end: at whitespace, CUT_MARGIN past the last difference.
  const suffix = from.slice(from.length - end);
  let tail = 0;
  for (let position = CUT_MARGIN; position < suffix.length; position += 1) {
    if (/\s/u.test(suffix.charAt(position))) {
      tail = suffix.length - position;
      break;
    }
  }
  return { head, tail };
}

/**
 * A word-level diff of two texts over tokenizeForDiff's tokens. Each changed block is reported as
 * one removed piece then one added piece; a lone space between two changes is folded into them,
 * so `80.3 billion` → `95.1 trillion` reads as one change. Long texts with a shared start or end
 * only tokenize the part between, so a one-word edit of a 1 MiB paragraph costs little.
 */
export function diffWordsOf(from: string, to: string): WordChange[] {
  const { head, tail } = sharedEnds(from, to);
  const changes = diffTokensOf(from.slice(head, from.length - tail), to.slice(head, to.length - tail));
  if (head > 0) {
    const first = changes[0];
    if (first?.op === 'equal') first.text = from.slice(0, head) + first.text;
    else changes.unshift({ op: 'equal', text: from.slice(0, head) });
  }
  if (tail > 0) {
    const last = changes[changes.length - 1];
    if (last?.op === 'equal') last.text += from.slice(from.length - tail);
    else changes.push({ op: 'equal', text: from.slice(from.length - tail) });
  }
  return changes;
}

function diffTokensOf(from: string, to: string): WordChange[] {
  const a = tokenizeForDiff(from);
  const b = tokenizeForDiff(to);
  const changes: WordChange[] = [];
  let atA = 0;
  let atB = 0;
  let removed = '';
  let added = '';
  let pendingSpace = '';
  const flush = (): void => {
    // A space both sides end with is kept text, not part of the change.
    const space = removed && added ? (/\s+$/u.exec(removed)?.[0] ?? '') : '';
    const kept = space && added.endsWith(space) ? space : '';
    if (removed) changes.push({ op: 'removed', text: removed.slice(0, removed.length - kept.length) });
    if (added) changes.push({ op: 'added', text: added.slice(0, added.length - kept.length) });
    if (kept) changes.push({ op: 'equal', text: kept });
    removed = '';
    added = '';
  };
  const runs = diffSequences(a, b);
  for (const [index, run] of runs.entries()) {
    if (run.op === 'removed') {
      removed += pendingSpace + a.slice(atA, atA + run.count).join('');
      added += pendingSpace;
      pendingSpace = '';
      atA += run.count;
    } else if (run.op === 'added') {
      added += pendingSpace + b.slice(atB, atB + run.count).join('');
      removed += pendingSpace;
      pendingSpace = '';
      atB += run.count;
    } else {
      const text = a.slice(atA, atA + run.count).join('');
      atA += run.count;
      atB += run.count;
      const between = (removed || added) && index < runs.length - 1;
      if (between && run.count === 1 && WHITESPACE.test(text)) {
        pendingSpace = text;
        continue;
      }
      flush();
      const previous = changes[changes.length - 1];
      if (previous?.op === 'equal') previous.text += text;
      else changes.push({ op: 'equal', text });
    }
  }
  flush();
  if (pendingSpace) changes.push({ op: 'equal', text: pendingSpace });
  return changes;
}
