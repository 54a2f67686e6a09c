/**
 * API throughput with autocannon against the local API Gateway emulation and the real API handler
 * over dynalite: requests/s and p50/p99 of /feeds/latest.json and /stories/{id}, beside a plain
 * node:http server answering the same bytes from memory (the floor), as ratios from the same run.
 * Then /feeds/latest.json with 50 stories vs 10,000 stories in the table, with the read cache off,
 * to show its cost does not grow with the table. Run: npx tsx bench/api.ts
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import autocannon from 'autocannon';
import { createApiHandler } from '../functions/http/api-handler.ts';
import { cacheStoryReader } from '../functions/store/cached-reader.ts';
import { parseStory } from '../functions/story/parse-story.ts';
import { startApiGateway } from '../local/api-gateway.ts';
import { buildStoryFile } from '../tests/builders/story-file.ts';
import { startTestPipeline, type TestPipeline } from '../tests/integration/pipeline.ts';

const DURATION_S = 5;
const CONNECTIONS = 10;

interface Figures {
  rps: number;
  p50: number;
  p99: number;
}

async function measure(url: string): Promise<Figures> {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: DURATION_S });
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 };
}

/** A node:http server that answers every request with `body` from memory. */
async function startFloor(
  body: Buffer,
  contentType: string,
): Promise<{ url: string; stop(): Promise<void> }> {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': contentType, 'content-length': body.byteLength });
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Writes `count` stories through the real store adapter (the same writes ingest makes, minus S3 and parsing). */
async function seedStories(pipeline: TestPipeline, from: number, count: number): Promise<void> {
  const template = buildStoryFile({
    paragraphs: [
      'Output reached 80.3 billion yuan in 2023, up over 30 percent [25773905] [934f7ccc].',
      'Some 120 companies joined in the past five years [19e843d7].',
    ],
  });
  const writes = Array.from({ length: count }, (_, offset) => {
    const index = from + offset;
    const document = parseStory(template, { key: `stories/load-${index}/v1.0.txt` });
    document.publishedAt = new Date(Date.UTC(2024, 0, 1) + index * 60_000).toISOString();
    document.title = `Load story ${index}`;
    return {
      document,
      revision: `r${index}`,
      ingestedAt: document.publishedAt,
      sourceKey: 'bench',
      rawKey: 'bench',
    };
  });
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < writes.length) {
        const write = writes[next++];
        if (!write) break;
        await pipeline.store.putVersion(write);
        await pipeline.store.moveHead(write);
      }
    }),
  );
}

function row(name: string, api: Figures, floor: Figures): string {
  return `  ${name.padEnd(22)} ${api.rps.toFixed(0).padStart(6)} req/s  p50 ${api.p50} ms  p99 ${api.p99} ms   | floor ${floor.rps.toFixed(0)} req/s p50 ${floor.p50} ms p99 ${floor.p99} ms | ratio ${(api.rps / floor.rps).toFixed(2)}`;
}

const pipeline = await startTestPipeline();
try {
  await seedStories(pipeline, 0, 50);
  const handlers = {
    cached: createApiHandler({ reader: cacheStoryReader(pipeline.store, 2000), cursorSecret: 'bench' }),
    uncached: createApiHandler({ reader: pipeline.store, cursorSecret: 'bench' }),
  };
  const cachedApi = await startApiGateway({ handler: handlers.cached, port: 0 });
  const uncachedApi = await startApiGateway({ handler: handlers.uncached, port: 0 });

  console.log(
    `api: autocannon, ${CONNECTIONS} connections, ${DURATION_S} s per target, 50 stories in the table`,
  );
  for (const path of ['/feeds/latest.json', '/stories/load-7']) {
    const sample = await fetch(`${cachedApi.url}${path}`);
    const body = Buffer.from(await sample.arrayBuffer());
    const floor = await startFloor(body, sample.headers.get('content-type') ?? 'application/json');
    const floorFigures = await measure(`${floor.url}${path}`);
    console.log(row(`${path} (2 s cache)`, await measure(`${cachedApi.url}${path}`), floorFigures));
    console.log(row(`${path} (no cache)`, await measure(`${uncachedApi.url}${path}`), floorFigures));
    await floor.stop();
  }

  const small = await measure(`${uncachedApi.url}/feeds/latest.json`);
  const seeded = performance.now();
  await seedStories(pipeline, 50, 9_950);
  console.log(`  (wrote 9,950 more stories in ${((performance.now() - seeded) / 1000).toFixed(1)} s)`);
  const large = await measure(`${uncachedApi.url}/feeds/latest.json`);
  console.log('/feeds/latest.json, no cache, by table size:');
  console.log(`     50 stories: ${small.rps.toFixed(0)} req/s, p50 ${small.p50} ms, p99 ${small.p99} ms`);
  console.log(`  10000 stories: ${large.rps.toFixed(0)} req/s, p50 ${large.p50} ms, p99 ${large.p99} ms`);
  console.log(`  ratio 10000/50 throughput ${(large.rps / small.rps).toFixed(2)}`);

  await cachedApi.stop();
  await uncachedApi.stop();
} finally {
  await pipeline.stop();
}
