import { forEachLimited } from './for-each-limited.ts';
import { type IngestStatus, isOutcomeOf, type StatusClient } from './ingest-status.ts';

/** One file to put, under its bucket key. */
export interface UploadJob {
  path: string;
  key: string;
  /** False for a key the pipeline does not ingest (not .txt/.md): put, but nothing to wait for. */
  ingested: boolean;
}

/** What became of one upload, as far as this run could tell. */
export type UploadResult =
  | { kind: 'outcome'; status: IngestStatus }
  | { kind: 'uploaded' }
  | { kind: 'not-ingested' }
  | { kind: 'timeout' }
  | { kind: 'unconfirmed'; reason: string }
  | { kind: 'put-failed'; reason: string; unreachable: boolean }
  | { kind: 'not-tried' };

export interface UploadRun {
  jobs: UploadJob[];
  /** Puts one file; returns its ETag. */
  put(job: UploadJob): Promise<string>;
  /** Why a put failed, and whether the bucket is unreachable (then the rest is not tried). */
  explainPutError(error: unknown): { reason: string; unreachable: boolean };
  /** Where outcomes are read; absent: put only (`uploaded`). */
  status?: StatusClient | undefined;
  /** How long to wait for outcomes once every put is done. */
  timeoutMs: number;
  intervalMs: number;
  /** Called once per job, in the jobs' order, as soon as its result and those before it are known. */
  onResult(job: UploadJob, result: UploadResult): void;
  /** Called after each put and each final result: counts of both. */
  onProgress?(counts: { put: number; finished: number; total: number }): void;
}

const PUT_CONCURRENCY = 4;
const POLL_CONCURRENCY = 8;

/**
 * Puts every job's file (a few at a time) and, with a status client, polls `/ingest/status` for each
 * upload's outcome — concurrently over files, every `intervalMs` — until its ETag shows up, or
 * `timeoutMs` after the last put. Returns the results in the jobs' order.
 */
export async function uploadAndWait(run: UploadRun): Promise<UploadResult[]> {
  const results: (UploadResult | undefined)[] = run.jobs.map(() => undefined);
  const pending = new Map<number, { key: string; etag: string; before: IngestStatus | undefined }>();
  let printed = 0;
  let put = 0;
  let finished = 0;
  let waitFailure: string | undefined;
  const progress = () => run.onProgress?.({ put, finished, total: run.jobs.length });
  const settle = (index: number, result: UploadResult) => {
    results[index] = result;
    finished += 1;
    for (let next = results[printed]; next !== undefined; next = results[printed]) {
      run.onResult(run.jobs[printed] as UploadJob, next);
      printed += 1;
    }
    progress();
  };

  /** The status a key has before our put, so that identical bytes (same ETag) are not mistaken for ours. */
  const statusBefore = async (key: string): Promise<IngestStatus | undefined> => {
    if (!run.status || waitFailure) return undefined;
    const answer = await run.status.fetchStatus(key);
    if (answer.kind === 'status') return answer.status;
    if (answer.kind === 'failed' && answer.fatal) waitFailure = answer.reason;
    return undefined;
  };

  let unreachable = false;
  let nextJob = 0;
  const putWorker = async () => {
    for (let index = nextJob++; index < run.jobs.length; index = nextJob++) {
      const job = run.jobs[index] as UploadJob;
      if (unreachable) {
        settle(index, { kind: 'not-tried' });
        continue;
      }
      const waits = Boolean(run.status) && job.ingested;
      try {
        const before = waits ? await statusBefore(job.key) : undefined;
        const etag = await run.put(job);
        put += 1;
        progress();
        if (!job.ingested) settle(index, { kind: 'not-ingested' });
        else if (!run.status) settle(index, { kind: 'uploaded' });
        else if (waitFailure) settle(index, { kind: 'unconfirmed', reason: waitFailure });
        else pending.set(index, { key: job.key, etag, before });
      } catch (error) {
        const explained = run.explainPutError(error);
        unreachable ||= explained.unreachable;
        settle(index, { kind: 'put-failed', ...explained });
      }
    }
  };

  let putsDone = false;
  const puts = Promise.all(Array.from({ length: PUT_CONCURRENCY }, putWorker)).then(() => {
    putsDone = true;
  });
  const polls = run.status ? pollOutcomes() : Promise.resolve();
  await Promise.all([puts, polls]);
  return results.map((result) => result ?? { kind: 'not-tried' });

  async function pollOutcomes(): Promise<void> {
    const client = run.status as StatusClient;
    let deadline = Number.POSITIVE_INFINITY;
    while (!putsDone || pending.size > 0) {
      if (putsDone && deadline === Number.POSITIVE_INFINITY) deadline = Date.now() + run.timeoutMs;
      if (waitFailure || Date.now() > deadline) {
        for (const index of [...pending.keys()].sort((a, b) => a - b)) {
          pending.delete(index);
          settle(index, waitFailure ? { kind: 'unconfirmed', reason: waitFailure } : { kind: 'timeout' });
        }
        if (putsDone) return;
      }
      const round = [...pending.entries()];
      await forEachLimited(round, POLL_CONCURRENCY, async ([index, upload]) => {
        const answer = await client.fetchStatus(upload.key);
        if (!pending.has(index)) return;
        if (answer.kind === 'status' && isOutcomeOf(answer.status, upload.etag, upload.before)) {
          pending.delete(index);
          settle(index, { kind: 'outcome', status: answer.status });
        } else if (answer.kind === 'failed' && answer.fatal) {
          waitFailure ??= answer.reason;
        }
      });
      await sleep(run.intervalMs);
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
