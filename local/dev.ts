import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { S3Event } from 'aws-lambda';
import { eventDeadLetterPath, LOCAL_EVENT_ENV } from '../functions/events/publish-changes.ts';
import { type ApiGateway, type ApiHandler, startApiGateway } from './api-gateway.ts';
import { loadCursorSecret } from './cursor-secret.ts';
import { deadLetterPath } from './dead-letters.ts';
import { type DevLog, escapeControl } from './dev-log.ts';
import { type Emulators, LOCAL_HOST, PortInUseError, startEmulators } from './emulators.ts';
import { createEventPump, type EventPump, type IngestHandler, type PumpResult } from './event-pump.ts';
import { redriveEventDeadLetters } from './event-redrive.ts';
import { HandlerLogTap, type IngestFacts } from './handler-logs.ts';
import { IngestLedger } from './ledger.ts';
import { reconcileBucket } from './reconcile.ts';
import { loadSeeds } from './seeds.ts';
import { createLocalS3Client } from './story-upload.ts';
import { type UploadWatcher, watchUploads } from './watch-uploads.ts';

/** The project's own seeds/ folder (next to local/), wherever the command is run from. */
export const PROJECT_SEEDS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'seeds');

export interface DevOptions {
  port: number;
  s3Port: number;
  dynamodbPort: number;
  dataDir: string;
  log: DevLog;
  seedsDir?: string;
  watchDir?: string;
}

export interface DevUrls {
  api: string;
  feeds: string[];
  stories: string;
  s3: string;
  dynamodb: string;
}

export interface DevStack {
  urls: DevUrls;
  bucket: string;
  dataDir: string;
  /** Stops taking events, finishes in-flight ingests, closes the HTTP server and the emulators. */
  stop(): Promise<void>;
}

/** Another `storyfeed dev` holds the data folder. */
export class DataDirInUseError extends Error {
  override readonly name = 'DataDirInUseError';
  constructor(dataDir: string, pid: number) {
    super(`${dataDir} is in use by another storyfeed dev (pid ${pid}): stop it, or set STORYFEED_DATA_DIR`);
  }
}

/** How often the webhook's dead letters are sent again while `storyfeed dev` runs. */
const EVENT_REDRIVE_MS = 5_000;

/** Progress lines instead of one line per object once a start-up load is larger than this. */
const PROGRESS_THRESHOLD = 20;

/**
 * Starts the embedded default. Steps, in order, each named in the log: data dir → emulators →
 * event pump → reconcile → seeds → api server. On a failing step everything started so far is
 * stopped and the error rethrown (PortInUseError names the variable to change).
 */
export async function startDev(options: DevOptions): Promise<DevStack> {
  const { log } = options;
  const dataDir = resolve(options.dataDir);
  const cleanups: (() => Promise<void> | void)[] = [];
  const cleanUp = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  };
  const step = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      const result = await work();
      log.info(`  ✓ ${name} (${Math.round(performance.now() - started)} ms)`, { step: name });
      return result;
    } catch (error) {
      await cleanUp();
      throw error;
    }
  };

  log.plain('storyfeed: starting the embedded pipeline');
  await step('data dir', async () => {
    mkdirSync(dataDir, { recursive: true });
    lockDataDir(dataDir);
    cleanups.push(() => rmSync(join(dataDir, 'dev.pid'), { force: true }));
    // Read by functions/serve-api.ts when it loads: cursors and ETags survive a restart.
    process.env.CURSOR_SECRET ||= loadCursorSecret(dataDir);
    // The API listens last; find out now, not after the seeds, that its port is taken.
    await assertPortFree(options.port, 'PORT');
  });

  let pump: EventPump | undefined;
  const early: S3Event[] = [];
  const emulators: Emulators = await step('emulators', async () => {
    const started = await startEmulators({
      dataDir,
      s3Port: options.s3Port,
      dynamodbPort: options.dynamodbPort,
      onS3Event: (event) => (pump ? pump.accept(event) : early.push(event)),
    });
    cleanups.push(() => started.stop());
    reportS3Repair(log, started.s3Repair);
    return started;
  });
  Object.assign(process.env, emulators.env);
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
  const s3 = createLocalS3Client(emulators.s3Endpoint);
  cleanups.push(() => s3.destroy());

  const tap = new HandlerLogTap(log.json, (line) => log.plain(line));
  cleanups.push(tap.install());
  const startup = { active: true, done: 0, total: 0 };
  const ledger = IngestLedger.open(join(dataDir, 'ingested.jsonl'));
  const startedPump: EventPump = await step('event pump', async () => {
    const ingest = (await import('../functions/ingest-story.ts')).handler as IngestHandler;
    const created = createEventPump({
      handler: tap.wrap(ingest),
      ledger,
      deadLetterPath: deadLetterPath(dataDir),
      resolveETag: (bucket, key) => headETag(s3, bucket, key),
      onResult: (result) => reportIngest(log, result, tap.takeFacts(result.key), startup),
      onError: (error) => log.warn(`could not queue an S3 event: ${error.message}`),
    });
    cleanups.push(async () => {
      const dropped = await created.drain();
      if (dropped > 0) log.info(`${dropped} queued event(s) left for the next start`, { dropped });
    });
    return created;
  });
  pump = startedPump;
  for (const event of early.splice(0)) startedPump.accept(event);

  await step('reconcile', async () => {
    const fed = await reconcileBucket(s3, emulators.bucket, ledger, startedPump);
    if (fed > 0)
      log.info(`    ${fed} upload(s) or delete(s) S3 accepted but not yet ingested: ingesting now`, { fed });
    startup.total += fed;
  });

  await step('seeds', async () => {
    const seedsDir = options.seedsDir ?? PROJECT_SEEDS_DIR;
    const result = await loadSeeds({
      seedsDir,
      dataDir,
      s3,
      bucket: emulators.bucket,
      onProgress: (done, total) => {
        if (total > PROGRESS_THRESHOLD && (done === total || done % Math.ceil(total / 10) === 0)) {
          log.info(`    seeds uploaded ${done}/${total}`, { done, total });
        }
      },
    });
    startup.total += result.uploaded;
    log.info(`    ${result.uploaded} new or changed, ${result.unchanged} unchanged in ${seedsDir}`, {
      ...result,
    });
    await startedPump.idle();
    startup.active = false;
  });

  const api: ApiGateway = await step('api server', async () => {
    const serveApi = (await import('../functions/serve-api.ts')).handler as ApiHandler;
    const gateway = await startApiGateway({
      handler: (event, context) => tap.quietly(() => serveApi(event, context)),
      port: options.port,
      portVariable: 'PORT',
      onError: (error) =>
        log.warn(`API handler failed: ${error instanceof Error ? error.stack : String(error)}`),
    });
    // Stopped before the pump drains: registered last, run first.
    cleanups.push(() => gateway.stop());
    return gateway;
  });

  const webhook = process.env[LOCAL_EVENT_ENV.webhookUrl]?.trim();
  if (webhook) {
    // Events the webhook refused after its quick retries are sent again every few seconds while
    // `storyfeed dev` runs, so each reaches it at least once when it comes back (SPEC §7).
    const path = eventDeadLetterPath(process.env);
    let running = false;
    const timer = setInterval(async () => {
      if (running || !existsSync(path)) return;
      running = true;
      try {
        const { sent } = await redriveEventDeadLetters(path, webhook, {
          attempts: 1,
          baseDelayMs: 0,
          maxDelayMs: 0,
        });
        for (const { letter } of sent) {
          const { event } = letter;
          const what = `${event['detail-type']} ${event.detail.storyId} ${event.detail.version ?? '(whole story)'}`;
          log.info(`event ${what}  ${event.id}  sent again to the webhook`, { eventId: event.id });
        }
      } catch (error) {
        log.warn(`could not send the webhook's dead letters again: ${(error as Error).message}`);
      } finally {
        running = false;
      }
    }, EVENT_REDRIVE_MS);
    timer.unref();
    cleanups.push(() => clearInterval(timer));
  }

  let watcher: UploadWatcher | undefined;
  if (options.watchDir) {
    const watchDir = resolve(options.watchDir);
    mkdirSync(watchDir, { recursive: true });
    watcher = watchUploads({
      dir: watchDir,
      s3,
      bucket: emulators.bucket,
      onUploaded: (key) => log.info(`watch: uploaded ${escapeControl(key)}`, { key, watch: watchDir }),
      onError: (key, error) =>
        log.warn(escapeControl(`watch: could not upload ${key}: ${error.message}`), { key }),
    });
    const started = watcher;
    cleanups.push(() => started.close());
  }

  const urls: DevUrls = {
    api: api.url,
    feeds: ['json', 'atom', 'rss'].map((kind) => `${api.url}/feeds/latest.${kind}`),
    stories: `${api.url}/stories`,
    s3: emulators.s3Endpoint,
    dynamodb: emulators.dynamodbEndpoint,
  };
  printBanner(log, urls, emulators.bucket, dataDir, options.watchDir);

  let stopping: Promise<void> | undefined;
  return {
    urls,
    bucket: emulators.bucket,
    dataDir,
    stop() {
      stopping ??= cleanUp();
      return stopping;
    },
  };
}

function reportIngest(
  log: DevLog,
  result: PumpResult,
  facts: IngestFacts | undefined,
  startup: { active: boolean; done: number; total: number },
) {
  const outcome =
    result.outcome === 'ok' ? (facts?.outcome ?? 'ok') : result.outcome === 'retry' ? 'retried' : 'failed';
  const fields = {
    key: result.key,
    storyId: facts?.storyId,
    version: facts?.version,
    outcome,
    ms: result.ms,
    receiveCount: result.receiveCount,
    ...(facts?.code ? { code: facts.code } : {}),
    ...(result.error ? { error: result.error } : {}),
  };
  if (startup.active && result.outcome !== 'retry') startup.done += 1;
  if (startup.active && startup.total > PROGRESS_THRESHOLD) {
    if (startup.done === startup.total || startup.done % Math.ceil(startup.total / 10) === 0) {
      log.info(`    ingested ${startup.done}/${startup.total}`, { done: startup.done, total: startup.total });
    }
    if (result.outcome === 'ok') return;
  }
  const story = facts?.storyId ? `${facts.storyId} ${facts.version ?? ''}`.trim() : '-';
  let detail = '';
  if (facts?.code) detail = ` ${facts.code}`;
  if (result.outcome === 'retry')
    detail = ` try ${result.receiveCount}, again in ${result.retryInMs} ms: ${result.error}`;
  if (result.outcome === 'dead')
    detail = ` after ${result.receiveCount} tries, dead letter kept (storyfeed dlq)`;
  // One event, one line: a key or an error message may hold a newline.
  const line = escapeControl(`ingest ${result.key}  ${story}  ${outcome}${detail}  ${result.ms} ms`);
  if (result.outcome === 'ok') log.info(line, fields);
  else log.warn(line, fields);
}

function reportS3Repair(log: DevLog, repair: Emulators['s3Repair']) {
  const removed = repair.incomplete.length + repair.orphansRemoved;
  if (removed > 0) {
    log.info(`    removed ${removed} upload(s) a crash left half-written (never acknowledged by S3)`, {
      removed,
    });
  }
  if (repair.migrated > 0) {
    log.info(`    moved ${repair.migrated} object(s) into the key-hashing S3 store`, {
      migrated: repair.migrated,
    });
  }
  for (const problem of [...repair.failed, ...repair.damagedRecords]) {
    log.warn(`S3 store: could not read ${escapeControl(problem)}; left aside, not served`, { problem });
  }
}

function printBanner(
  log: DevLog,
  urls: DevUrls,
  bucket: string,
  dataDir: string,
  watchDir: string | undefined,
) {
  log.plain(
    [
      '',
      'Feeds',
      ...urls.feeds.map((url) => `  ${url}`),
      `  ${urls.stories}`,
      '',
      `S3        ${urls.s3}  bucket ${bucket}  (credentials S3RVER / S3RVER, path-style)`,
      `DynamoDB  ${urls.dynamodb}`,
      '',
      'Upload a story',
      `  npx storyfeed upload seeds/000_8ac52d5236e3c6f4.txt`,
      `  AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_REGION=us-east-1 \\`,
      `    aws s3 cp FILE s3://${bucket}/ --endpoint-url ${urls.s3}`,
      ...(watchDir ? [`  or save it in ${resolve(watchDir)} (watched)`] : []),
      '',
      `Data      ${dataDir}  (delete it to start afresh)`,
      '',
    ].join('\n'),
  );
  log.info(`storyfeed ready on ${urls.api}`, { urls, bucket, dataDir });
}

async function headETag(s3: S3Client, bucket: string, key: string): Promise<string | undefined> {
  const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  return head.ETag?.replace(/"/g, '');
}

function lockDataDir(dataDir: string) {
  const lockPath = join(dataDir, 'dev.pid');
  if (existsSync(lockPath)) {
    const pid = Number(readFileSync(lockPath, 'utf8').trim());
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
      throw new DataDirInUseError(dataDir, pid);
    }
  }
  writeFileSync(lockPath, `${process.pid}\n`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function assertPortFree(port: number, variable: string): Promise<void> {
  if (port === 0) return Promise.resolve();
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(port, variable) : error),
    );
    probe.listen(port, LOCAL_HOST, () => probe.close(() => resolvePort()));
  });
}
