import { describe, expect, it } from 'vitest';
import type { IngestStatus, StatusAnswer, StatusClient } from '../../../local/commands/ingest-status.ts';
import { type UploadJob, type UploadResult, uploadAndWait } from '../../../local/commands/upload-outcomes.ts';

/** A pipeline stand-in: what /ingest/status answers for each key, changed by the test's script. */
function scriptedStatus(answers: Map<string, StatusAnswer[]>): StatusClient & { asked: string[] } {
  const asked: string[] = [];
  return {
    api: 'http://127.0.0.1:1',
    asked,
    async fetchStatus(key) {
      asked.push(key);
      const queue = answers.get(key) ?? [];
      return (queue.length > 1 ? queue.shift() : queue[0]) ?? { kind: 'unknown' };
    },
  };
}

function status(key: string, etag: string, outcome: IngestStatus['outcome'], at: string): StatusAnswer {
  return {
    kind: 'status',
    status: { key, etag: `"${etag}"`, outcome, storyId: 'mw', version: 'v0.1', at, warnings: [] },
  };
}

const job = (key: string, ingested = true): UploadJob => ({ path: `/drafts/${key}`, key, ingested });

async function run(
  jobs: UploadJob[],
  client: StatusClient | undefined,
  etags: Record<string, string>,
  timeoutMs = 2_000,
): Promise<{ results: UploadResult[]; order: string[] }> {
  const order: string[] = [];
  const results = await uploadAndWait({
    jobs,
    put: async (upload) => {
      const etag = etags[upload.key];
      if (etag === undefined)
        throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
      return etag;
    },
    explainPutError: (error) => ({ reason: (error as Error).message, unreachable: true }),
    status: client,
    timeoutMs,
    intervalMs: 5,
    onResult: (upload) => order.push(upload.key),
  });
  return { results, order };
}

describe('uploadAndWait', () => {
  it('keeps waiting through unknown_key and an older upload, then takes the outcome with its ETag', async () => {
    const client = scriptedStatus(
      new Map([
        [
          'a.txt',
          [
            { kind: 'unknown' },
            { kind: 'unknown' },
            status('a.txt', 'old', 'stored', '2024-05-01T10:00:00.000Z'),
            status('a.txt', 'new', 'stored', '2024-05-01T10:00:01.000Z'),
          ],
        ],
      ]),
    );
    const { results } = await run([job('a.txt')], client, { 'a.txt': 'new' });
    expect(results).toEqual([{ kind: 'outcome', status: expect.objectContaining({ outcome: 'stored' }) }]);
    expect(client.asked.length).toBeGreaterThanOrEqual(4);
  });

  it('does not take the earlier record of identical bytes (same ETag) for the outcome of this upload', async () => {
    const client = scriptedStatus(
      new Map([
        [
          'a.txt',
          [
            status('a.txt', 'same', 'stored', '2024-05-01T10:00:00.000Z'),
            status('a.txt', 'same', 'stored', '2024-05-01T10:00:00.000Z'),
            status('a.txt', 'same', 'duplicate', '2024-05-01T10:05:00.000Z'),
          ],
        ],
      ]),
    );
    const { results } = await run([job('a.txt')], client, { 'a.txt': 'same' });
    expect(results[0]).toMatchObject({ kind: 'outcome', status: { outcome: 'duplicate' } });
  });

  it('reports each file in the order given, and a timeout for one that never gets an outcome', async () => {
    const client = scriptedStatus(
      new Map([
        ['b.txt', [{ kind: 'unknown' }, status('b.txt', 'b1', 'rejected', '2024-05-01T10:00:00.000Z')]],
        ['c.txt', [{ kind: 'unknown' }]],
      ]),
    );
    const { results, order } = await run(
      [job('c.txt'), job('b.txt')],
      client,
      { 'b.txt': 'b1', 'c.txt': 'c1' },
      100,
    );
    expect(order).toEqual(['c.txt', 'b.txt']);
    expect(results.map((result) => result.kind)).toEqual(['timeout', 'outcome']);
  });

  it('stops waiting on a fatal answer and says why for every file', async () => {
    const fatal: StatusAnswer = { kind: 'failed', reason: '403 from the API', fatal: true };
    const client = scriptedStatus(new Map([['a.txt', [fatal]]]));
    const { results } = await run([job('a.txt'), job('b.txt')], client, { 'a.txt': 'a', 'b.txt': 'b' });
    expect(results).toEqual([
      { kind: 'unconfirmed', reason: '403 from the API' },
      { kind: 'unconfirmed', reason: '403 from the API' },
    ]);
  });

  it('does not wait for a key the pipeline does not ingest, nor try more files once the bucket is unreachable', async () => {
    const client = scriptedStatus(new Map());
    const notes = await run([job('notes.rtf', false)], client, { 'notes.rtf': 'n' });
    expect(notes.results).toEqual([{ kind: 'not-ingested' }]);
    const down = await run(
      [job('x.txt'), job('y.txt'), job('z.txt'), job('w.txt'), job('v.txt')],
      client,
      {},
    );
    expect(down.results.filter((result) => result.kind === 'put-failed').length).toBeLessThanOrEqual(4);
    expect(down.results.at(-1)).toEqual({ kind: 'not-tried' });
  });

  it('only puts when there is nothing to ask', async () => {
    const { results } = await run([job('a.txt')], undefined, { 'a.txt': 'a' });
    expect(results).toEqual([{ kind: 'uploaded' }]);
  });
});
