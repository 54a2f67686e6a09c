/**
 * API throughput against the local API Gateway emulation and the real API handler over dynalite, beside
 * a plain node:http server answering the same bytes from memory (the floor), as ratios from the same
 * run: `/feeds/latest.json` (50 small stories) for 200s and for 304s (If-None-Match), and
 * `/stories/{id}`. Load comes from wrk when it is installed (`apt-get install wrk`; one thread, 10
 * connections: wrk is written in C, so the client is not the bottleneck), else from autocannon with 4
 * workers. Then the freshness goal: how long after a write the feed shows it, and the slowest answer
 * while data changes 20 times under load. Then /feeds/latest.json with 50 vs 10,000 stories in the
 * table with the caches off, to show its cost does not grow with the table. Run: npx tsx bench/api.ts
 */
import { execFile, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import autocannon from 'autocannon';
import { createApiHandler } from '../functions/http/api-handler.ts';
import { RepresentationCache } from '../functions/http/representation-cache.ts';
import { cacheStoryReader } from '../functions/store/cached-reader.ts';
import { DynamoChangeMarker } from '../functions/store/change-marker.ts';
import { FreshnessGate } from '../functions/store/freshness-gate.ts';
import { parseStory } from '../functions/story/parse-story.ts';
import { startApiGateway } from '../local/api-gateway.ts';
import { buildStoryFile } from '../tests/builders/story-file.ts';
import { startTestPipeline, type TestPipeline } from '../tests/integration/pipeline.ts';

const DURATION_S = 5;
const CONNECTIONS = 10;
const GOAL_RATIO = 0.5;
const GOAL_P99_MS = 10;
/** The route issue 13's goals are set for. */
const GOAL_PATH = '/feeds/latest.json';

interface Figures {
  rps: number;
  p50: number;
  p99: number;
}

const hasWrk = spawnSync('wrk', ['--version']).error === undefined;

/** Load with wrk (its own process; the server runs in this one): requests/s and latency percentiles. */
async function measureWithWrk(url: string, headers: Record<string, string>): Promise<Figures> {
  const args = ['-t1', `-c${CONNECTIONS}`, `-d${DURATION_S}s`, '--latency'];
  for (const [name, value] of Object.entries(headers)) args.push('-H', `${name}: ${value}`);
  const { stdout: output } = await promisify(execFile)('wrk', [...args, url], { encoding: 'utf8' });
  if (/Non-2xx or 3xx responses|Socket errors/.test(output)) throw new Error(`${url}: ${output}`);
  const ms = (label: string) => {
    const match = new RegExp(`^\\s*${label}%\\s+([\\d.]+)(us|ms|s)`, 'm').exec(output);
    if (!match) throw new Error(`wrk printed no ${label}%: ${output}`);
    const value = Number(match[1]);
    return match[2] === 'us' ? value / 1000 : match[2] === 's' ? value * 1000 : value;
  };
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(output)?.[1]);
  return { rps, p50: ms('50'), p99: ms('99') };
}

async function measureWithAutocannon(url: string, headers: Record<string, string>): Promise<Figures> {
  const result = await autocannon({
    url,
    headers,
    connections: CONNECTIONS,
    duration: DURATION_S,
    workers: 4,
  });
  const expected = headers['if-none-match'] ? result['3xx'] : result['2xx'];
  if (result.errors > 0 || expected < result.requests.total)
    throw new Error(
      `${url}: ${result.errors} errors, ${result.requests.total - expected} unexpected answers`,
    );
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 };
}

function measure(url: string, headers: Record<string, string> = {}): Promise<Figures> {
  return hasWrk ? measureWithWrk(url, headers) : measureWithAutocannon(url, headers);
}

/** What a captured answer's headers become in the floor's answer: all but those Node writes itself. */
function replayedHeaders(headers: Headers): Record<string, string> {
  const replayed: Record<string, string> = {};
  for (const [name, value] of headers) {
    if (!['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding'].includes(name))
      replayed[name] = value;
  }
  return replayed;
}

/**
 * A node:http server that answers every request with `body` from memory, or 304 to its ETag, each
 * with the very headers the API sent (the same bytes on the wire, so the ratio measures the work
 * behind them, not a shorter header block).
 */
async function startFloor(
  body: Buffer,
  okHeaders: Record<string, string>,
  notModifiedHeaders: Record<string, string>,
): Promise<{ url: string; stop(): Promise<void> }> {
  const etag = okHeaders.etag;
  const ok = { ...okHeaders, 'content-length': String(body.byteLength) };
  const server = createServer((request, response) => {
    if (request.headers['if-none-match'] === etag) {
      response.writeHead(304, notModifiedHeaders);
      response.end();
      return;
    }
    response.writeHead(200, ok);
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
      sourceOrder: `r${index}`,
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

function verdict(ok: boolean): string {
  return ok ? '[ok]' : '[MISSED]';
}

/** One target's figures beside its floor; `goal` false: printed for comparison, not judged (issue 13's goals are the feed's). */
function row(name: string, api: Figures, floor: Figures, goal: boolean): string {
  const ratio = api.rps / floor.rps;
  const judged = goal
    ? `${verdict(ratio >= GOAL_RATIO)} p99 ${verdict(api.p99 <= GOAL_P99_MS)}`
    : '(no goal: for comparison)';
  return [
    `  ${name.padEnd(26)} ${api.rps.toFixed(0).padStart(6)} req/s  p50 ${api.p50.toFixed(2)} ms  p99 ${api.p99.toFixed(2)} ms`,
    `| floor ${floor.rps.toFixed(0).padStart(6)} req/s p99 ${floor.p99.toFixed(2)} ms`,
    `| ratio ${ratio.toFixed(2)} ${judged}`,
  ].join('  ');
}

const pipeline = await startTestPipeline();
try {
  await seedStories(pipeline, 0, 50);
  const marker = new DynamoChangeMarker(pipeline.clients.dynamo, pipeline.emulators.tableName);
  await marker.bump();
  const gate = new FreshnessGate(() => marker.read());
  const handlers = {
    prepared: createApiHandler({
      reader: cacheStoryReader(pipeline.store, gate),
      representations: new RepresentationCache(gate),
      cursorSecret: 'bench',
    }),
    uncached: createApiHandler({ reader: pipeline.store, cursorSecret: 'bench' }),
  };
  const api = await startApiGateway({ handler: handlers.prepared, port: 0 });
  const uncachedApi = await startApiGateway({ handler: handlers.uncached, port: 0 });

  console.log(
    `api: ${hasWrk ? 'wrk -t1' : 'autocannon (4 workers)'} -c${CONNECTIONS}, ${DURATION_S} s per target, 50 stories in the table; goal ≥ ${GOAL_RATIO}× floor, p99 ≤ ${GOAL_P99_MS} ms`,
  );
  for (const path of [GOAL_PATH, '/stories/load-7']) {
    const sample = await fetch(`${api.url}${path}`);
    const body = Buffer.from(await sample.arrayBuffer());
    const etag = sample.headers.get('etag') ?? '';
    const notModified = await fetch(`${api.url}${path}`, { headers: { 'if-none-match': etag } });
    if (notModified.status !== 304) throw new Error(`${path}: If-None-Match got ${notModified.status}`);
    const floor = await startFloor(
      body,
      replayedHeaders(sample.headers),
      replayedHeaders(notModified.headers),
    );
    const size = `${(body.byteLength / 1024).toFixed(0)} KB`;
    console.log(
      row(
        `${path} 200 (${size})`,
        await measure(`${api.url}${path}`),
        await measure(`${floor.url}${path}`),
        path === GOAL_PATH,
      ),
    );
    const conditional = { 'if-none-match': etag };
    console.log(
      row(
        `${path} 304`,
        await measure(`${api.url}${path}`, conditional),
        await measure(`${floor.url}${path}`, conditional),
        path === GOAL_PATH,
      ),
    );
    await floor.stop();
  }

  // Freshness: a write shows in the feed within 1 s, and answers do not stall while data changes.
  const lags: number[] = [];
  const answers: number[] = [];
  let stop = false;
  const load = (async () => {
    while (!stop) {
      const started = performance.now();
      await (await fetch(`${api.url}/feeds/latest.json`)).arrayBuffer();
      answers.push(performance.now() - started);
    }
  })();
  for (let change = 0; change < 20; change += 1) {
    const index = 20_000 + change;
    await seedStories(pipeline, index, 1);
    await marker.bump();
    const written = performance.now();
    for (;;) {
      const feed = await (await fetch(`${api.url}/feeds/latest.json`)).text();
      if (feed.includes(`Load story ${index}`)) break;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    lags.push(performance.now() - written);
  }
  stop = true;
  await load;
  const worstLag = Math.max(...lags);
  answers.sort((a, b) => a - b);
  const answerP99 = answers[Math.floor(answers.length * 0.99)] ?? 0;
  console.log(
    `  freshness: write → visible in /feeds/latest.json, 20 writes under load: max ${worstLag.toFixed(0)} ms ${verdict(worstLag <= 1000)} (goal ≤ 1000 ms)`,
  );
  console.log(
    `  answers meanwhile (the writes run in this process too): ${answers.length}, p99 ${answerP99.toFixed(1)} ms, max ${(answers.at(-1) ?? 0).toFixed(1)} ms`,
  );

  // BENCH_API_QUICK=1 stops here (while tuning).
  if (process.env.BENCH_API_QUICK) process.exit(0);
  const small = await measure(`${uncachedApi.url}/feeds/latest.json`);
  const seeded = performance.now();
  await seedStories(pipeline, 50, 9_950);
  console.log(`  (wrote 9,950 more stories in ${((performance.now() - seeded) / 1000).toFixed(1)} s)`);
  const large = await measure(`${uncachedApi.url}/feeds/latest.json`);
  console.log('/feeds/latest.json, caches off, by table size:');
  console.log(`     50 stories: ${small.rps.toFixed(0)} req/s, p50 ${small.p50} ms, p99 ${small.p99} ms`);
  console.log(`  10000 stories: ${large.rps.toFixed(0)} req/s, p50 ${large.p50} ms, p99 ${large.p99} ms`);
  console.log(`  ratio 10000/50 throughput ${(large.rps / small.rps).toFixed(2)}`);

  await api.stop();
  await uncachedApi.stop();
} finally {
  await pipeline.stop();
}
