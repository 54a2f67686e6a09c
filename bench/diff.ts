/**
 * Diff time on the worst inputs the API accepts: 1 MiB stories of `5% ` repeated (one paragraph of
 * ~350,000 identical percent figures), and a 1 MiB story of distinct paragraphs, each against an
 * edited copy; beside the floor, parsing the same two files (linear work over the same bytes).
 * The diff must stay under 1 s. Run: `npx tsx bench/diff.ts` (or `npm run bench`).
 */
import { performance } from 'node:perf_hooks';
import { diffVersions } from '../functions/story/diff-versions.ts';
import { parseStory } from '../functions/story/parse-story.ts';
import type { StoryDocument } from '../functions/story/types.ts';

const MIB = 1024 * 1024;
const LIMIT_MS = 1_000;

function storyFile(version: string, body: string): string {
  const head = `${version}\nBench story\n2024-07-05 15:33:01\n\n`;
  return head + body.slice(0, MIB - head.length - 64);
}

function parse(text: string): StoryDocument {
  return parseStory(text, { key: 'stories/bench/story.txt' });
}

function time<T>(run: () => T): { ms: number; value: T } {
  const started = performance.now();
  const value = run();
  return { ms: performance.now() - started, value };
}

function distinctParagraphs(seed: number): string {
  const paragraphs: string[] = [];
  for (let i = 0; paragraphs.join('\n\n').length < MIB; i += 1) {
    paragraphs.push(
      `Paragraph ${i} reports ${(i * seed) % 997}.${i % 10} billion yuan and ${i % 100} percent growth [${(0x10000000 + i).toString(16)}].`,
    );
  }
  return paragraphs.join('\n\n');
}

const percents = '5% '.repeat(MIB / 3);
const middle = Math.floor(percents.length / 2) - (Math.floor(percents.length / 2) % 3);
const cases: Array<[string, string, string]> = [
  ['5% repeated, identical', percents, percents],
  [
    '5% repeated, one figure changed',
    percents,
    `${percents.slice(0, middle)}6% ${percents.slice(middle + 3)}`,
  ],
  ['5% repeated vs 7% repeated', percents, '7% '.repeat(MIB / 3)],
  [
    '1 MiB of distinct paragraphs, every 7th edited',
    distinctParagraphs(31),
    distinctParagraphs(31).replace(/Paragraph (\d*7) reports/g, 'Paragraph $1 now reports'),
  ],
  ['1 MiB of distinct paragraphs vs another 1 MiB', distinctParagraphs(31), distinctParagraphs(37)],
];

let failed = false;
for (const [name, fromBody, toBody] of cases) {
  const fromText = storyFile('v0.1', fromBody);
  const toText = storyFile('v0.2', toBody);
  const parsed = time(() => [parse(fromText), parse(toText)] as const);
  const [from, to] = parsed.value;
  diffVersions(from, to); // warm-up
  const diffed = time(() => diffVersions(from, to));
  const diff = diffed.value;
  const verdict = diffed.ms < LIMIT_MS ? 'ok' : 'TOO SLOW';
  if (diffed.ms >= LIMIT_MS) failed = true;
  console.log(
    `${name}: diff ${diffed.ms.toFixed(0)} ms (${verdict}, limit ${LIMIT_MS} ms); floor (parse both) ${parsed.ms.toFixed(0)} ms; ratio ${(diffed.ms / parsed.ms).toFixed(2)}×`,
  );
  console.log(
    `  ${from.paragraphs.length} → ${to.paragraphs.length} paragraphs, ${from.figures.length} → ${to.figures.length} figures; ` +
      `changed ${diff.paragraphs.changed.length}, added ${diff.paragraphs.added.length}, removed ${diff.paragraphs.removed.length}; ` +
      `figures changed ${diff.figures.changed.length}, added ${diff.figures.added.length}, removed ${diff.figures.removed.length}`,
  );
}
process.exitCode = failed ? 1 : 0;
