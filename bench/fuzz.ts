/**
 * Parser fuzz at scale: at least 100,000 generated inputs (mutated seed files, story-shaped token
 * soups, random bytes and strings, and large files) through parseStory. Every input must either
 * parse into a document that keeps the §2 invariants, or throw a StoryError with a §1 code; any
 * other exception is a crash. Prints inputs/s beside the floor (UTF-8 decoding the same inputs),
 * the outcome counts, and the first crashes with their input; exits 1 on any crash or broken
 * invariant. Run: `npm run bench -- fuzz` (or `npx tsx bench/fuzz.ts [inputs]`). Never in `npm test`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import fc from 'fast-check';
import { parseStory } from '../functions/story/parse-story.ts';
import { type StoryDocument, StoryError, type StoryErrorCode } from '../functions/story/types.ts';
import {
  FUZZ_TOKENS,
  mutate,
  mutation,
  STORY_ERROR_CODES,
  structuredStory,
} from '../tests/builders/story-fuzz.ts';

const ROOT = join(import.meta.dirname, '..');
const SEED = readFileSync(join(ROOT, 'seeds/000_8ac52d5236e3c6f4.txt'));
const TOTAL = Number(process.argv[2] ?? 100_000);
const SEED_NUMBER = 20_261_130;
const CODES = new Set<StoryErrorCode>(STORY_ERROR_CODES);

/** The input families and their share of the run. */
const FAMILIES: { name: string; share: number; inputs: fc.Arbitrary<Uint8Array> }[] = [
  {
    name: 'mutated seed',
    share: 0.55,
    inputs: fc.array(mutation, { minLength: 1, maxLength: 12 }).map((steps) => steps.reduce(mutate, SEED)),
  },
  { name: 'story-shaped', share: 0.3, inputs: structuredStory },
  { name: 'random bytes', share: 0.07, inputs: fc.uint8Array({ maxLength: 2_000 }) },
  {
    name: 'random strings',
    share: 0.075,
    inputs: fc.string({ unit: 'binary', maxLength: 2_000 }).map((text) => Buffer.from(text)),
  },
  {
    name: 'large (up to 1.1 MiB)',
    share: 0.005,
    inputs: fc
      .tuple(fc.integer({ min: 1, max: 200 }), fc.constantFrom(...FUZZ_TOKENS), fc.nat())
      .map(([copies, token, at]) => {
        const body = Buffer.concat(Array.from({ length: copies }, () => SEED));
        return mutate(body, { kind: 'insert', at, text: token.repeat(1 + (at % 2000)) });
      }),
  },
];

interface Tally {
  inputs: number;
  bytes: number;
  valid: number;
  rejected: Map<StoryErrorCode, number>;
  crashes: { family: string; error: string; input: string }[];
  brokenInvariants: { family: string; problem: string }[];
  parseMs: number;
  floorMs: number;
}

const tally: Tally = {
  inputs: 0,
  bytes: 0,
  valid: 0,
  rejected: new Map(),
  crashes: [],
  brokenInvariants: [],
  parseMs: 0,
  floorMs: 0,
};

/** The §2 invariants a parsed document must keep; returns what it breaks. */
function invariantProblems(document: StoryDocument): string[] {
  const problems: string[] = [];
  const { metrics, paragraphs, citations, figures } = document;
  const check = (ok: boolean, problem: string) => {
    if (!ok) problems.push(problem);
  };
  check(/^sha256:[0-9a-f]{64}$/.test(document.contentHash), 'contentHash shape');
  check(document.title.length > 0 && document.title.trim() === document.title, 'title trimmed, not empty');
  check(paragraphs.length > 0 && metrics.paragraphs === paragraphs.length, 'paragraph count');
  check(
    metrics.characters === paragraphs.reduce((sum, paragraph) => sum + paragraph.text.length, 0),
    'characters = sum of paragraph lengths',
  );
  check(metrics.citationCount === citations.reduce((sum, use) => sum + use.count, 0), 'citationCount');
  check(metrics.readingMinutes === Math.ceil(metrics.words / 238), 'readingMinutes');
  check(
    citations.every((use) => /^[0-9a-f]{8,64}$/.test(use.id)),
    'citation ids are 8-64 lowercase hex',
  );
  check(
    figures.every(
      (figure) =>
        Number.isFinite(figure.value) && (paragraphs[figure.paragraph]?.text.includes(figure.text) ?? false),
    ),
    'figures are finite spans of their paragraph',
  );
  check(!Number.isNaN(Date.parse(document.publishedAt)), 'publishedAt is a date');
  return problems;
}

function run(family: string, bytes: Uint8Array) {
  tally.inputs += 1;
  tally.bytes += bytes.byteLength;
  const floorStart = performance.now();
  new TextDecoder('utf-8').decode(bytes);
  const started = performance.now();
  tally.floorMs += started - floorStart;
  let document: StoryDocument | undefined;
  try {
    document = parseStory(bytes, { key: 'stories/fuzz/v1.txt' });
  } catch (error) {
    tally.parseMs += performance.now() - started;
    if (error instanceof StoryError && CODES.has(error.code) && error.message.length > 0) {
      tally.rejected.set(error.code, (tally.rejected.get(error.code) ?? 0) + 1);
    } else if (
      tally.crashes.push({ family, error: String((error as Error)?.stack ?? error), input: preview(bytes) }) >
      20
    ) {
      tally.crashes.length = 20;
    }
    return;
  }
  tally.parseMs += performance.now() - started;
  tally.valid += 1;
  for (const problem of invariantProblems(document)) {
    if (tally.brokenInvariants.length < 20) tally.brokenInvariants.push({ family, problem });
  }
}

function preview(bytes: Uint8Array): string {
  return JSON.stringify(Buffer.from(bytes.subarray(0, 200)).toString('latin1'));
}

const wallStart = performance.now();
for (const [index, family] of FAMILIES.entries()) {
  const count = Math.round(TOTAL * family.share);
  const before = { inputs: tally.inputs, parseMs: tally.parseMs };
  fc.assert(
    fc.property(family.inputs, (bytes) => {
      run(family.name, bytes);
    }),
    { numRuns: count, seed: SEED_NUMBER + index },
  );
  const rate = Math.round((tally.inputs - before.inputs) / ((tally.parseMs - before.parseMs) / 1000));
  console.log(
    `  ${family.name.padEnd(22)} ${count.toLocaleString('en').padStart(7)} inputs, ${rate.toLocaleString('en')} inputs/s`,
  );
}
const wallSeconds = (performance.now() - wallStart) / 1000;

const parseSeconds = tally.parseMs / 1000;
const perSecond = Math.round(tally.inputs / parseSeconds);
const floorPerSecond = Math.round(tally.inputs / (tally.floorMs / 1000));
const mb = tally.bytes / (1024 * 1024);
console.log(
  [
    `inputs            ${tally.inputs.toLocaleString('en')} (${mb.toFixed(1)} MB), fast-check seeds ${SEED_NUMBER}+`,
    `parse             ${perSecond.toLocaleString('en')} inputs/s, ${(mb / parseSeconds).toFixed(1)} MB/s (${parseSeconds.toFixed(1)} s in parseStory, ${wallSeconds.toFixed(1)} s with generation)`,
    `floor             ${floorPerSecond.toLocaleString('en')} inputs/s UTF-8 decoding the same inputs; parse/floor time ratio ${(tally.parseMs / tally.floorMs).toFixed(1)}×`,
    `valid documents   ${tally.valid.toLocaleString('en')}, invariants broken ${tally.brokenInvariants.length}`,
    `rejected (§1)     ${[...tally.rejected].map(([code, count]) => `${code} ${count.toLocaleString('en')}`).join(', ')}`,
    `crashes           ${tally.crashes.length} (exceptions other than StoryError)`,
  ].join('\n'),
);
for (const crash of tally.crashes.slice(0, 5))
  console.log(`\ncrash in ${crash.family}: ${crash.input}\n${crash.error}`);
for (const broken of tally.brokenInvariants.slice(0, 5))
  console.log(`broken in ${broken.family}: ${broken.problem}`);
if (tally.inputs < 100_000) console.log(`note: ${tally.inputs} inputs, fewer than the 100,000 of a full run`);
process.exitCode = tally.crashes.length === 0 && tally.brokenInvariants.length === 0 ? 0 : 1;
