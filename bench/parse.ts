/**
 * Parse+extract throughput over a generated corpus of at least 10 MB, beside (a) the floor, reading and
 * UTF-8-decoding the same files, and (b) compromise's number/money/percent extraction on the same text.
 * Then figure recall/precision of both on the fixtures that list their expected figures.
 * Run: `npx tsx bench/parse.ts` (or `npm run bench`).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { hashStoryText, normaliseStoryText } from '../functions/story/normalise-text.ts';
import { parseStory } from '../functions/story/parse-story.ts';
import type { FigureKind } from '../functions/story/types.ts';

/** compromise, loaded after the storyfeed timing: its large heap slowed the parser's run by a fifth when loaded first. */
let nlp: typeof import('compromise').default;

const ROOT = join(import.meta.dirname, '..');
const FIXTURES = join(ROOT, 'tests/fixtures/stories');
const CORPUS_BYTES = 10 * 1024 * 1024;
const COMPROMISE_BYTES = 1024 * 1024;
const MB = 1024 * 1024;

/** A small deterministic PRNG (mulberry32), so every run measures the same corpus. */
function makeRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function listFiles(folder: string, ending: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return listFiles(path, ending);
    return entry.name.endsWith(ending) ? [path] : [];
  });
}

/** Every body paragraph (citations put back as brackets) of the seed and the fixtures that parse. */
function loadParagraphs(): string[] {
  const paths = [join(ROOT, 'seeds/000_8ac52d5236e3c6f4.txt'), ...listFiles(FIXTURES, '.txt')];
  return paths.flatMap((path) => {
    try {
      const document = parseStory(readFileSync(path), { key: 'template.txt' });
      return document.paragraphs.map((paragraph) =>
        paragraph.citations.length === 0
          ? paragraph.text
          : `${paragraph.text} [${paragraph.citations.join(', ')}]`,
      );
    } catch {
      return [];
    }
  });
}

/** A story of 4 to 9 paragraphs drawn from the pool, with new numbers and citation ids. */
function makeStory(pool: readonly string[], random: () => number, index: number): string {
  const pick = (): string => pool[Math.floor(random() * pool.length)] ?? '';
  const paragraphs = Array.from({ length: 4 + Math.floor(random() * 6) }, () =>
    pick()
      .replace(/\b[0-9a-f]{8}\b/g, () =>
        Math.floor(random() * 0xffffffff)
          .toString(16)
          .padStart(8, '0'),
      )
      .replace(/\b(19|20)\d\d\b/g, () => String(1950 + Math.floor(random() * 100)))
      .replace(/\b\d{1,3}\b/g, () => String(1 + Math.floor(random() * 999))),
  );
  const version = `v${Math.floor(random() * 3)}.${Math.floor(random() * 40)}${random() < 0.5 ? ' 🌳' : ''}`;
  const day = String(1 + (index % 28)).padStart(2, '0');
  const header = [version, `Generated story ${index}`, `2024-07-${day} 15:33:01.103000`];
  const ending = random() < 0.7 ? ['Disclaimer: generated for the benchmark.'] : [];
  return [...header, ...paragraphs, ...ending].join(random() < 0.2 ? '\r\n\r\n' : '\n\n');
}

function buildCorpus(folder: string): string[] {
  const pool = loadParagraphs();
  const random = makeRandom(42);
  const files: string[] = [];
  let total = 0;
  for (let i = 0; total < CORPUS_BYTES; i += 1) {
    const bytes = Buffer.from(makeStory(pool, random, i));
    const file = join(folder, `${String(i).padStart(5, '0')}_story-${i}.txt`);
    writeFileSync(file, bytes);
    files.push(file);
    total += bytes.length;
  }
  return files;
}

/** Best of `rounds` timings of `work`, in seconds. */
function timeBest(rounds: number, work: () => void): number {
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < rounds; round += 1) {
    const start = performance.now();
    work();
    best = Math.min(best, (performance.now() - start) / 1000);
  }
  return best;
}

/** Seconds the parser spends on work any parser must do: reading the files, decoding them, hashing the text. */
interface FixedCosts {
  read: number;
  decode: number;
  hash: number;
}

/** Times reading, UTF-8 decoding (with BOM and line-end normalisation) and the SHA-256 content hash on their own. */
function measureFixedCosts(files: readonly string[]): FixedCosts {
  const buffers = files.map((file) => readFileSync(file));
  const read = timeBest(3, () => {
    for (const file of files) readFileSync(file);
  });
  const texts: string[] = [];
  const decode = timeBest(3, () => {
    texts.length = 0;
    for (const bytes of buffers) texts.push(normaliseStoryText(bytes));
  });
  const hash = timeBest(3, () => {
    for (const text of texts) hashStoryText(text);
  });
  return { read, decode, hash };
}

interface FigureGuess {
  /** A figure kind, or 'number' for a compromise number that is neither money nor percent. */
  kind: FigureKind | 'number';
  value: number;
}

/** compromise's money, percentages and remaining numbers, the way a user would call them. */
function extractWithCompromise(text: string): FigureGuess[] {
  const doc = nlp(text);
  const money = numbersOf(doc.money().get());
  const percents = numbersOf(doc.percentages().get());
  const numbers = numbersOf(doc.numbers().get());
  const rest = [...numbers];
  for (const value of [...money, ...percents]) {
    const at = rest.indexOf(value);
    if (at !== -1) rest.splice(at, 1);
  }
  return [
    ...money.map((value): FigureGuess => ({ kind: 'currency', value })),
    ...percents.map((value): FigureGuess => ({ kind: 'percent', value })),
    ...rest.map((value): FigureGuess => ({ kind: 'number', value })),
  ];
}

/** compromise's `.get()` answers an array of values, or an empty view when nothing matched. */
function numbersOf(values: unknown): number[] {
  return Array.isArray(values) ? values.filter((value): value is number => typeof value === 'number') : [];
}

/** A guess matches an expected figure with the same value and kind; compromise's plain numbers match count, year or duration. */
function matches(guess: FigureGuess, expected: FigureGuess): boolean {
  if (guess.value !== expected.value) return false;
  if (guess.kind === 'number')
    return expected.kind === 'count' || expected.kind === 'year' || expected.kind === 'duration';
  return guess.kind === expected.kind;
}

/** True positives of a one-to-one greedy matching. */
function countMatches(guesses: readonly FigureGuess[], expected: readonly FigureGuess[]): number {
  const open = [...expected];
  let hits = 0;
  for (const guess of guesses) {
    const at = open.findIndex((figure) => matches(guess, figure));
    if (at !== -1) {
      open.splice(at, 1);
      hits += 1;
    }
  }
  return hits;
}

function scoreFixtures(): void {
  const totals = { expected: 0, ours: 0, oursHits: 0, theirs: 0, theirsHits: 0, files: 0 };
  for (const path of listFiles(FIXTURES, '.json')) {
    const expectation = JSON.parse(readFileSync(path, 'utf8')) as { figures?: FigureGuess[] };
    if (!expectation.figures) continue;
    const story = readFileSync(path.replace(/\.json$/, '.txt'));
    const document = parseStory(story, { key: relative(ROOT, path).replace(/\.json$/, '.txt') });
    const expected = expectation.figures.map(({ kind, value }) => ({ kind, value }));
    const ours = document.figures.map(({ kind, value }) => ({ kind, value }));
    const theirs = document.paragraphs.flatMap((paragraph) => extractWithCompromise(paragraph.text));
    totals.files += 1;
    totals.expected += expected.length;
    totals.ours += ours.length;
    totals.oursHits += countMatches(ours, expected);
    totals.theirs += theirs.length;
    totals.theirsHits += countMatches(theirs, expected);
  }
  const percent = (part: number, whole: number): string =>
    whole === 0 ? 'n/a' : `${((part / whole) * 100).toFixed(1)} %`;
  console.log(
    `\nfigure recall/precision on ${totals.files} fixtures with expected figures (${totals.expected} figures)`,
  );
  console.log(
    '  match = same value and kind; a compromise number that is not money/percent may match count, year or duration',
  );
  console.log(
    '  (the fixtures were written with this extractor, so its scores are an upper bound, not a fair contest)',
  );
  console.log(
    `  storyfeed:  recall ${percent(totals.oursHits, totals.expected)}, precision ${percent(totals.oursHits, totals.ours)}`,
  );
  console.log(
    `  compromise: recall ${percent(totals.theirsHits, totals.expected)}, precision ${percent(totals.theirsHits, totals.theirs)}`,
  );
}

async function main(): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'storyfeed-bench-'));
  try {
    const files = buildCorpus(folder);
    const bytes = files.reduce((sum, file) => sum + readFileSync(file).length, 0);
    console.log(
      `corpus: ${files.length} story files, ${(bytes / MB).toFixed(1)} MB (seed and fixtures, varied)`,
    );

    const decoder = new TextDecoder('utf-8', { fatal: true });
    let sink = 0;
    const floorSeconds = timeBest(3, () => {
      for (const file of files) sink += decoder.decode(readFileSync(file)).length;
    });
    const texts: string[] = [];
    let figureCount = 0;
    const parseSeconds = timeBest(3, () => {
      texts.length = 0;
      figureCount = 0;
      for (const file of files) {
        const document = parseStory(readFileSync(file), { key: file });
        figureCount += document.figures.length;
        texts.push(document.paragraphs.map((paragraph) => paragraph.text).join('\n\n'));
      }
    });

    // The same work on bytes already in memory, as the ingest function gets them from S3 GetObject.
    const buffers = files.map((file) => readFileSync(file));
    const decodeInMemorySeconds = timeBest(3, () => {
      for (const buffer of buffers) sink += decoder.decode(buffer).length;
    });
    const parseInMemorySeconds = timeBest(3, () => {
      for (const [index, buffer] of buffers.entries()) {
        sink += parseStory(buffer, { key: files[index] as string }).figures.length;
      }
    });
    const fixed = measureFixedCosts(files);
    nlp = (await import('compromise')).default;

    let compromiseBytes = 0;
    let compromiseFigures = 0;
    const compromiseStart = performance.now();
    for (const text of texts) {
      if (compromiseBytes >= COMPROMISE_BYTES) break;
      compromiseFigures += extractWithCompromise(text).length;
      compromiseBytes += Buffer.byteLength(text);
    }
    const compromiseSeconds = (performance.now() - compromiseStart) / 1000;

    const floorRate = bytes / MB / floorSeconds;
    const parseRate = bytes / MB / parseSeconds;
    const compromiseRate = compromiseBytes / MB / compromiseSeconds;
    console.log(`(a) read + UTF-8 decode (floor): ${floorRate.toFixed(1)} MB/s  [${sink > 0 ? 'ok' : ''}]`);
    console.log(`    storyfeed parse + extract:    ${parseRate.toFixed(1)} MB/s  (${figureCount} figures)`);
    console.log(
      `(b) compromise numbers/money/percentages: ${compromiseRate.toFixed(2)} MB/s over the body text of the first ` +
        `${(compromiseBytes / MB).toFixed(1)} MB only (it is too slow for all ${(bytes / MB).toFixed(1)} MB; ${compromiseFigures} numbers)`,
    );
    console.log(
      `ratios: storyfeed / floor = ${(parseRate / floorRate).toFixed(3)}, storyfeed / compromise = ${(parseRate / compromiseRate).toFixed(1)}x`,
    );
    const decodeInMemoryRate = bytes / MB / decodeInMemorySeconds;
    const parseInMemoryRate = bytes / MB / parseInMemorySeconds;
    console.log(
      `in memory (no file reads): UTF-8 decode ${decodeInMemoryRate.toFixed(0)} MB/s, storyfeed parse + extract ` +
        `${parseInMemoryRate.toFixed(1)} MB/s = ${(parseInMemoryRate / decodeInMemoryRate).toFixed(3)}× (the 0.15× goal is ${(0.15 * decodeInMemoryRate).toFixed(0)} MB/s here)`,
    );
    const ratio = parseRate / floorRate;
    console.log(
      `goal (issue 13): parse + extract ≥ 50 MB/s and ≥ 0.15× the floor: ${parseRate.toFixed(1)} MB/s ${parseRate >= 50 ? '[ok]' : '[MISSED]'}, ${ratio.toFixed(3)}× ${ratio >= 0.15 ? '[ok]' : '[MISSED]'}`,
    );
    const fixedSeconds = fixed.read + fixed.decode + fixed.hash;
    const ms = (seconds: number): string => `${(seconds * 1000).toFixed(0)} ms`;
    console.log(
      `fixed costs inside parse + extract (${ms(parseSeconds)}): read ${ms(fixed.read)}, UTF-8 decode + normalise ` +
        `${ms(fixed.decode)}, SHA-256 ${ms(fixed.hash)} = ${((fixedSeconds / parseSeconds) * 100).toFixed(0)} %; ` +
        `extraction is the rest (${ms(parseSeconds - fixedSeconds)}); the fixed costs alone allow ${(bytes / MB / fixedSeconds).toFixed(0)} MB/s`,
    );
    scoreFixtures();
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

await main();
