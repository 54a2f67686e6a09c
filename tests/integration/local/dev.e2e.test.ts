import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { appendDeadLetter } from '../../../local/dead-letters.ts';
import {
  BIN,
  copyProject,
  freePorts,
  localS3,
  PROJECT_ROOT,
  type RunningProcess,
  runStoryfeed,
  startProcess,
  storyText,
  waitUntil,
} from './dev-process.ts';

const SEED_STORY = '8ac52d5236e3c6f4';
const READY = 'storyfeed ready on';
const running: RunningProcess[] = [];
const folders: string[] = [];

afterAll(async () => {
  for (const process of running) process.killGroup();
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

function track(process: RunningProcess): RunningProcess {
  running.push(process);
  return process;
}

async function getJson<T>(url: string): Promise<{ status: number; body: T }> {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as T };
}

interface StoryAnswer {
  storyId: string;
  version: string;
  versions: string[];
}

/** Waits until /stories/{id} answers with `version` among its versions. */
function waitForVersion(api: string, storyId: string, version: string) {
  return waitUntil(async () => {
    const { status, body } = await getJson<StoryAnswer>(`${api}/stories/${storyId}`);
    return status === 200 && body.versions.includes(version) ? body : undefined;
  });
}

describe('npm start (the embedded default)', () => {
  it('runs the pipeline, takes uploads three ways, and keeps everything across a restart', async () => {
    const project = copyProject();
    folders.push(project);
    const ports = await freePorts();
    const api = `http://localhost:${ports.PORT}`;
    const inbox = join(project, 'inbox');
    mkdirSync(inbox);
    const env = { ...ports, STORYFEED_DATA_DIR: '' };

    const first = track(startProcess('npm', ['start', '--', '--watch', inbox], { cwd: project, env }));
    await first.waitFor(READY);
    expect(first.output()).toContain(`${api}/feeds/latest.json`);
    expect(first.output()).toContain(
      `aws s3 cp FILE s3://stories/ --endpoint-url http://127.0.0.1:${ports.S3_PORT}`,
    );
    expect(first.output()).toContain('storyfeed upload');

    const health = await getJson<{ ok: boolean }>(`${api}/health`);
    expect(health.body).toEqual({ ok: true });
    const latest = await getJson<{ items: { id: string }[] }>(`${api}/feeds/latest.json`);
    expect(latest.body.items.map((item) => item.id)).toContain(`${api}/stories/${SEED_STORY}`);

    // 1. with the S3 client, as `aws s3 cp` would
    const s3 = localS3(ports.S3_PORT);
    await s3.send(
      new PutObjectCommand({
        Bucket: 'stories',
        Key: 'sdk-story.txt',
        Body: storyText('v0.1', 'From the SDK'),
      }),
    );
    await waitForVersion(api, 'sdk-story', 'v0.1');
    s3.destroy();

    // 2. with `storyfeed upload`
    const file = join(project, 'notes.md');
    writeFileSync(file, storyText('v1.0', 'From the CLI'));
    const upload = await runStoryfeed(['upload', file, '--story-id', 'cli-story'], { cwd: project, env });
    // it waits for the pipeline: stored means the version is served already
    expect(upload).toMatchObject({ code: 0, stdout: 'stored cli-story v1.0\n' });
    await waitForVersion(api, 'cli-story', 'v1.0');

    // 3. by saving a file in the watched folder
    writeFileSync(join(inbox, 'watched.txt'), storyText('v0.2', 'Watched'));
    await waitForVersion(api, 'watched', 'v0.2');

    const atom = await fetch(`${api}/feeds/latest.atom`);
    expect(atom.headers.get('content-type')).toContain('application/atom+xml');
    expect(await atom.text()).toContain('From the SDK');
    const rss = await fetch(`${api}/feeds/latest.rss`);
    expect(rss.headers.get('content-type')).toContain('application/rss+xml');
    expect(await rss.text()).toContain('From the CLI');
    expect(first.output()).toMatch(/ingest sdk-story\.txt\s+sdk-story v0\.1\s+stored\s+\d+ ms/);
    // one line per event, with no destination configured too (SPEC §7)
    expect(first.output()).toMatch(/event Story Version Published sdk-story v0\.1 {2}[0-9a-f-]{36}/);

    // dead letters: listed, then replayed through the running pipeline
    const dataDir = join(project, '.storyfeed');
    appendDeadLetter(join(dataDir, 'dlq.jsonl'), {
      messageId: 'm-1',
      bucket: 'stories',
      key: 'sdk-story.txt',
      eTag: 'x',
      receiveCount: 5,
      failedAt: new Date().toISOString(),
      error: 'table unavailable',
      body: '{}',
    });
    const listed = await runStoryfeed(['dlq'], { cwd: project, env });
    expect(listed.stdout).toContain('sdk-story.txt');
    expect(listed.stdout).toContain('table unavailable');
    const redriven = await runStoryfeed(['dlq', '--redrive'], { cwd: project, env });
    expect(redriven.code).toBe(0);
    expect(redriven.stdout).toContain('redriven sdk-story.txt');
    await waitUntil(async () =>
      first.output().match(/ingest sdk-story\.txt /g)?.length === 2 ? true : undefined,
    );
    expect((await runStoryfeed(['dlq'], { cwd: project, env })).stdout).toContain('no dead letters');

    const firstPage = await fetch(`${api}/stories?limit=1`);
    const { next } = (await firstPage.json()) as { next: string };
    const pageEtag = firstPage.headers.get('etag');
    expect(statSync(join(dataDir, 'cursor-secret')).mode & 0o777).toBe(0o600);

    first.child.kill('SIGTERM');
    await first.closed;
    expect(first.output()).toContain('stopped');

    const second = track(startProcess(process.execPath, [BIN, 'dev'], { cwd: project, env }));
    await second.waitFor(READY);
    expect(second.output()).toContain('0 new or changed, 1 unchanged');
    const stories = await getJson<{ items: { storyId: string }[] }>(`${api}/stories`);
    expect(stories.body.items.map((item) => item.storyId).sort()).toEqual(
      ['cli-story', 'sdk-story', 'watched', SEED_STORY].sort(),
    );
    // The cursor secret lives in the data folder: cursors and ETags survive the restart.
    expect((await fetch(next)).status).toBe(200);
    expect((await fetch(`${api}/stories?limit=1`)).headers.get('etag')).toBe(pageEtag);
    second.child.kill('SIGINT');
    expect(await second.closed).toBe(0);
  }, 90_000);

  it('ingests every upload S3 accepted before a kill -9, on the next start', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'storyfeed-data-'));
    folders.push(dataDir);
    const ports = await freePorts();
    const api = `http://localhost:${ports.PORT}`;
    const env = { ...ports, STORYFEED_DATA_DIR: dataDir };
    const args = ['--openssl-legacy-provider', BIN, 'dev'];
    // The stack's own node process (no re-exec), so that SIGKILL hits it.
    const first = track(startProcess(process.execPath, args, { cwd: PROJECT_ROOT, env }));
    await first.waitFor(READY);

    const versions = Array.from({ length: 200 }, (_, index) => `v0.${index + 1}`);
    const failed: string[] = [];
    let accepted = 0;
    const s3 = localS3(ports.S3_PORT);
    const put = (version: string) =>
      s3.send(
        new PutObjectCommand({
          Bucket: 'stories',
          Key: `stories/kill-test/${version}.txt`,
          Body: storyText(version, `Kill test ${version}`, Number(version.slice(3))),
        }),
      );
    const queue = [...versions];
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let version = queue.shift(); version; version = queue.shift()) {
          try {
            await put(version);
            accepted += 1;
            if (accepted === 60) first.child.kill('SIGKILL');
          } catch {
            failed.push(version);
          }
        }
      }),
    );
    await first.closed;
    expect(accepted).toBeGreaterThanOrEqual(60);

    const second = track(startProcess(process.execPath, args, { cwd: PROJECT_ROOT, env }));
    await second.waitFor(READY);
    for (const version of failed) await put(version);
    s3.destroy();
    const story = await waitUntil(async () => {
      const { status, body } = await getJson<StoryAnswer>(`${api}/stories/kill-test`);
      // The head moves in the stage after the version is written: wait for both, not the list alone.
      return status === 200 && body.versions.length === 200 && body.version === 'v0.200' ? body : undefined;
    }, 45_000);
    expect(new Set(story.versions)).toEqual(new Set(versions));
    second.child.kill('SIGTERM');
    expect(await second.closed).toBe(0);
  }, 90_000);

  it.each(['PORT', 'S3_PORT', 'DYNAMODB_PORT'])(
    'exits 1 naming %s when that port is taken',
    async (variable) => {
      const ports: Record<string, string> = await freePorts();
      const blocker: Server = createServer();
      await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
      const address = blocker.address();
      const taken = String(typeof address === 'object' && address ? address.port : 0);
      ports[variable] = taken;
      const dataDir = mkdtempSync(join(tmpdir(), 'storyfeed-data-'));
      folders.push(dataDir);
      try {
        const result = await runStoryfeed(['dev'], {
          cwd: PROJECT_ROOT,
          env: { ...ports, STORYFEED_DATA_DIR: dataDir },
        });
        expect(result.code).toBe(1);
        expect(result.stderr).toContain(`port ${taken} is already in use`);
        expect(result.stderr).toContain(`Set ${variable} to a free port`);
      } finally {
        blocker.close();
      }
    },
  );
});
