/**
 * The embedded default's figures (`npx tsx bench/start.ts`):
 * - start: from spawning `npm start` to /health answering and the seed story being in
 *   /feeds/latest.json, on a fresh data folder (seeds loaded) and on a restart;
 * - upload → visible: from PutObject to the version being listed by GET /stories/{id}, p50/p99 over
 *   200 sequential uploads with READ_CACHE_MS=0 (the pipeline alone), then over 20 with the API's
 *   default read cache (what a user polling the route sees: a change shows within READ_CACHE_MS, 1 s);
 * - delete → retracted: from DeleteObject of each of those 20 keys (newest first) to the version
 *   leaving GET /stories/{id} (the last one: the story answering 410), against SPEC §6's 5 s.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DeleteObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SEED_STORY = '8ac52d5236e3c6f4';
const UPLOADS = Number(process.env.BENCH_UPLOADS ?? 200);
const CACHED_UPLOADS = 20;
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

function freePort(): Promise<string> {
  return new Promise((resolvePort) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolvePort(String(typeof address === 'object' && address ? address.port : 0)));
    });
  });
}

function sleep(ms: number) {
  return new Promise((resolveSleep) => setTimeout(resolveSleep, ms));
}

async function fetchJson(url: string): Promise<unknown> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return response.json();
}

/** Spawns `npm start`; resolves with the process and ms until health + seed story in the feed. */
async function timeStart(
  env: Record<string, string>,
  api: string,
): Promise<{ child: ChildProcess; ms: number }> {
  const { POWERTOOLS_LOG_LEVEL: _ignored, ...inherited } = process.env;
  const started = performance.now();
  const child = spawn('npm', ['start', '--silent'], {
    cwd: ROOT,
    env: { ...inherited, ...env },
    stdio: 'ignore',
  });
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      const health = (await fetchJson(`${api}/health`)) as { ok?: boolean };
      const feed = (await fetchJson(`${api}/feeds/latest.json`)) as { items: { id: string }[] };
      if (health.ok && feed.items.some((item) => item.id.endsWith(`/stories/${SEED_STORY}`))) {
        return { child, ms: performance.now() - started };
      }
    } catch {
      // not up yet
    }
    await sleep(10);
  }
  child.kill('SIGTERM');
  throw new Error('storyfeed did not become ready in 60 s');
}

async function stop(child: ChildProcess) {
  const closed = new Promise((resolveClose) => child.on('close', resolveClose));
  child.kill('SIGTERM');
  await closed;
  await sleep(700); // the re-exec'd stack notices npm's exit within 500 ms
}

/** Uploads `count` versions of `storyId` one after another; returns each upload → visible latency. */
async function timeUploads(s3: S3Client, api: string, storyId: string, count: number): Promise<number[]> {
  const latencies: number[] = [];
  for (let index = 1; index <= count; index += 1) {
    const version = `v1.${index}`;
    const body = `${version}\nBench story\n2024-06-01 12:00:00\n\nParagraph ${index} of the bench story [abcdef12].\n`;
    const started = performance.now();
    await s3.send(
      new PutObjectCommand({ Bucket: 'stories', Key: `stories/${storyId}/${version}.txt`, Body: body }),
    );
    for (;;) {
      const response = await fetch(`${api}/stories/${storyId}`);
      if (response.ok && ((await response.json()) as { versions: string[] }).versions.includes(version))
        break;
      if (!response.ok) await response.arrayBuffer();
      await sleep(5);
    }
    latencies.push(performance.now() - started);
  }
  return latencies;
}

/** Deletes the keys of versions v1.count … v1.1 one after another; returns each delete → retracted latency. */
async function timeDeletes(s3: S3Client, api: string, storyId: string, count: number): Promise<number[]> {
  const latencies: number[] = [];
  for (let index = count; index >= 1; index -= 1) {
    const version = `v1.${index}`;
    const started = performance.now();
    await s3.send(new DeleteObjectCommand({ Bucket: 'stories', Key: `stories/${storyId}/${version}.txt` }));
    for (;;) {
      const response = await fetch(`${api}/stories/${storyId}`);
      if (response.status === 410) break;
      if (response.ok && !((await response.json()) as { versions: string[] }).versions.includes(version))
        break;
      if (!response.ok) await response.arrayBuffer();
      await sleep(5);
    }
    latencies.push(performance.now() - started);
  }
  return latencies;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

function describe(latencies: number[]): string {
  const ms = (value: number) => `${Math.round(value)} ms`;
  return `p50 ${ms(percentile(latencies, 50))}, p99 ${ms(percentile(latencies, 99))}, max ${ms(Math.max(...latencies))}`;
}

const dataDir = mkdtempSync(join(tmpdir(), 'storyfeed-bench-'));
const ports = { PORT: await freePort(), S3_PORT: await freePort(), DYNAMODB_PORT: await freePort() };
const api = `http://localhost:${ports.PORT}`;
const env = {
  ...ports,
  STORYFEED_DATA_DIR: dataDir,
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};
const s3 = new S3Client({
  endpoint: `http://127.0.0.1:${ports.S3_PORT}`,
  region: 'us-east-1',
  credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  forcePathStyle: true,
  requestChecksumCalculation: 'WHEN_REQUIRED',
});

try {
  const cold = await timeStart({ ...env, READ_CACHE_MS: '0' }, api);
  console.log(`start, fresh data folder (seeds loaded): ${Math.round(cold.ms)} ms`);
  const direct = await timeUploads(s3, api, 'bench-direct', UPLOADS);
  console.log(`upload → visible in /stories/{id}, READ_CACHE_MS=0, ${UPLOADS} uploads: ${describe(direct)}`);
  await stop(cold.child);

  const warm = await timeStart(env, api);
  console.log(`start, existing data folder: ${Math.round(warm.ms)} ms`);
  const cached = await timeUploads(s3, api, 'bench-cached', CACHED_UPLOADS);
  console.log(
    `upload → visible, default read cache (≤ 1 s stale), ${CACHED_UPLOADS} uploads: ${describe(cached)}`,
  );
  const retracted = await timeDeletes(s3, api, 'bench-cached', CACHED_UPLOADS);
  const verdict = Math.max(...retracted) <= 5_000 ? '[ok]' : '[MISSED]';
  console.log(
    `delete → retracted in /stories/{id}, ${CACHED_UPLOADS} deletes: ${describe(retracted)} ${verdict} (SPEC §6: ≤ 5000 ms)`,
  );
  await stop(warm.child);
} finally {
  s3.destroy();
  rmSync(dataDir, { recursive: true, force: true });
}
