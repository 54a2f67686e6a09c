/**
 * The pages for people on the seed: bytes and gzip bytes of each page, and the render time of the
 * story page (the page component alone, and the whole request through the HTTP layer), beside the
 * floor, JSON.stringify of the same document (what /stories/{id} costs).
 * Run: `npx tsx bench/pages.ts` (or `npm run bench`).
 */
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { handleHttpRequest } from '../functions/http/handle-http-request.ts';
import {
  createPageLinks,
  renderStoryPage,
  STYLESHEET_CSS,
  STYLESHEET_PATH,
} from '../functions/pages/index.ts';
import { parseStory } from '../functions/story/parse-story.ts';
import { buildSeedNextVersion, SEED_ID, SEED_TEXT } from '../tests/builders/seed-versions.ts';
import { MemoryStoryReader } from '../tests/unit/http/memory-reader.ts';

const BASE = 'https://storyfeed.example.com';
const RUNS = 500;

const reader = new MemoryStoryReader();
const key = `stories/${SEED_ID}/story.txt`;
const v12 = parseStory(SEED_TEXT, { key });
const v13 = parseStory(buildSeedNextVersion(), { key });
reader.addVersion(v12);
reader.addVersion(v13);

async function get(path: string) {
  const [route = '', search = ''] = path.split('?');
  return handleHttpRequest(
    {
      method: 'GET',
      path: route,
      query: Object.fromEntries(new URLSearchParams(search)),
      headers: {},
      baseUrl: BASE,
    },
    { reader, cursorSecret: 'bench' },
  );
}

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

function timeMedian(run: () => unknown): number {
  for (let i = 0; i < 50; i += 1) run();
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i += 1) {
    const started = performance.now();
    run();
    samples.push(performance.now() - started);
  }
  return median(samples);
}

console.log('page sizes for the seed (v0.12 and its v0.13):');
for (const path of [
  '/',
  `/read/${SEED_ID}`,
  `/read/${SEED_ID}/v0.12`,
  `/read/${SEED_ID}/changes`,
  '/cited/25773905',
]) {
  const response = await get(path);
  const body = Buffer.from(String(response.body), 'utf8');
  console.log(
    `  ${path.padEnd(34)} ${String(response.status)}  ${String(body.length).padStart(6)} bytes  ${String(gzipSync(body).length).padStart(5)} gzip bytes`,
  );
}
const css = Buffer.from(STYLESHEET_CSS, 'utf8');
console.log(
  `  ${STYLESHEET_PATH.padEnd(34)} 200  ${String(css.length).padStart(6)} bytes  ${String(gzipSync(css).length).padStart(5)} gzip bytes`,
);

const links = createPageLinks(BASE, STYLESHEET_PATH);
const chart = [v12, v13].map((document) => ({
  version: document.version,
  words: document.metrics.words,
  citations: document.metrics.citationCount,
  uncitedParagraphs: document.metrics.uncitedParagraphs,
}));
const render = timeMedian(() => renderStoryPage({ links, head: v13, versions: ['v0.13', 'v0.12'], chart }));
const floor = timeMedian(() => JSON.stringify(v13));
const started = performance.now();
for (let i = 0; i < 100; i += 1) await get(`/read/${SEED_ID}`);
const request = (performance.now() - started) / 100;
console.log(
  `story page render (median of ${RUNS}): ${render.toFixed(3)} ms; floor JSON.stringify of the document ${floor.toFixed(3)} ms; ratio ${(render / floor).toFixed(1)}×`,
);
console.log(
  `whole GET /read/${SEED_ID} through the HTTP layer (mean of 100, ETag included): ${request.toFixed(3)} ms`,
);
