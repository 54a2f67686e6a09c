import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmulators } from '../../../local/emulators.ts';
import {
  BIN,
  freePorts,
  localS3,
  PROJECT_ROOT,
  type RunningProcess,
  sleep,
  startProcess,
  storyText,
  waitUntil,
} from './dev-process.ts';

const READY = 'storyfeed ready on';
/**
 * SPEC §6 says within 5 s locally; tests never assert on time (bench/start.ts measures it), so this
 * only bounds the wait on a loaded machine.
 */
const RETRACTION_WAIT_MS = 30_000;
const running: RunningProcess[] = [];
const folders: string[] = [];

afterAll(() => {
  for (const process of running) process.killGroup();
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

async function status(url: string): Promise<number> {
  return (await fetch(url)).status;
}

async function put(s3: S3Client, key: string, body: string): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: 'stories', Key: key, Body: body }));
}

async function listedStories(api: string): Promise<string[]> {
  const body = (await (await fetch(`${api}/stories`)).json()) as { items: { storyId: string }[] };
  return body.items.map((item) => item.storyId);
}

describe('npm start: deleting a story file retracts it', () => {
  it('through the S3 API while running, and for a delete made while the server was down', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'storyfeed-data-'));
    folders.push(dataDir);
    const ports = await freePorts();
    const api = `http://localhost:${ports.PORT}`;
    const env = { ...ports, STORYFEED_DATA_DIR: dataDir };
    const args = ['--openssl-legacy-provider', BIN, 'dev'];
    const first = startProcess(process.execPath, args, { cwd: PROJECT_ROOT, env });
    running.push(first);
    await first.waitFor(READY);
    const s3 = localS3(ports.S3_PORT);
    await put(s3, 'live-delete.txt', storyText('v0.1', 'Deleted while running'));
    await put(s3, 'down-delete.txt', storyText('v0.1', 'Deleted while down'));
    await waitUntil(async () => ((await status(`${api}/stories/down-delete`)) === 200 ? true : undefined));
    await waitUntil(async () => ((await status(`${api}/stories/live-delete`)) === 200 ? true : undefined));

    await s3.send(new DeleteObjectCommand({ Bucket: 'stories', Key: 'live-delete.txt' }));
    await waitUntil(async () => {
      const gone =
        (await status(`${api}/stories/live-delete`)) === 410 &&
        !(await listedStories(api)).includes('live-delete') &&
        !(await (await fetch(`${api}/feeds/latest.json`)).text()).includes('/stories/live-delete"');
      return gone ? true : undefined;
    }, RETRACTION_WAIT_MS);
    s3.destroy();

    // The pump records the upload in its ledger right after the handler answers.
    await sleep(300);
    first.child.kill('SIGKILL');
    await first.closed;
    // With the server down, delete through the S3 API of the same data folder.
    const emulators = await startEmulators({ dataDir });
    const offline = localS3(new URL(emulators.s3Endpoint).port);
    await offline.send(new DeleteObjectCommand({ Bucket: 'stories', Key: 'down-delete.txt' }));
    offline.destroy();
    await emulators.stop();

    const second = startProcess(process.execPath, args, { cwd: PROJECT_ROOT, env });
    running.push(second);
    await second.waitFor(READY);
    await waitUntil(async () => ((await status(`${api}/stories/down-delete`)) === 410 ? true : undefined));
    expect(await listedStories(api)).not.toContain('down-delete');
    const atom = await (await fetch(`${api}/feeds/latest.atom`)).text();
    expect(atom).toContain(`<at:deleted-entry ref="${api}/stories/down-delete"`);
    expect(atom).toContain(`<at:deleted-entry ref="${api}/stories/live-delete"`);
    second.child.kill('SIGTERM');
    expect(await second.closed).toBe(0);
  }, 90_000);
});
