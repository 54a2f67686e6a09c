import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { ODD_S3_KEYS } from '../../builders/odd-keys.ts';
import { BIN, freePorts, localS3, PROJECT_ROOT, type RunningProcess, startProcess } from './dev-process.ts';

const READY = 'storyfeed ready on';
const running: RunningProcess[] = [];
const folders: string[] = [];

afterAll(() => {
  for (const process of running) process.killGroup();
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

const ODD_KEYS: string[] = [...ODD_S3_KEYS];

async function readText(s3: S3Client, key: string): Promise<string> {
  const object = await s3.send(new GetObjectCommand({ Bucket: 'stories', Key: key }));
  return (await object.Body?.transformToString('utf8')) ?? '';
}

async function listKeys(s3: S3Client): Promise<string[]> {
  const page = await s3.send(new ListObjectsV2Command({ Bucket: 'stories' }));
  return (page.Contents ?? []).map((object) => object.Key ?? '');
}

/** Every file under `dir` whose name starts with `name`, outside `except`. */
function findFiles(dir: string, name: string, except: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.startsWith(name))
    .map((entry) => join(entry.parentPath, entry.name))
    .filter((path) => !path.startsWith(except));
}

describe('the embedded S3 of npm start, with hostile keys', () => {
  it('stores every key S3 accepts inside its folder, survives kill -9 during an overwrite, and restarts', async () => {
    // The data folder sits three levels down, so that an escaping key would land inside this test's folder.
    const root = mkdtempSync(join(tmpdir(), 'storyfeed-s3-boundary-'));
    folders.push(root);
    const dataDir = join(root, 'one', 'two', 'data');
    mkdirSync(dataDir, { recursive: true });
    const ports = await freePorts();
    const env = { ...ports, STORYFEED_DATA_DIR: dataDir };
    const args = ['--openssl-legacy-provider', BIN, 'dev'];
    const first = running[running.push(startProcess(process.execPath, args, { cwd: PROJECT_ROOT, env })) - 1];
    if (!first) throw new Error('not started');
    await first.waitFor(READY);
    const s3 = localS3(ports.S3_PORT);

    for (const key of ODD_KEYS) {
      await s3.send(new PutObjectCommand({ Bucket: 'stories', Key: key, Body: `bytes of ${key}` }));
    }
    const tooLong = await s3
      .send(new PutObjectCommand({ Bucket: 'stories', Key: `${'d'.repeat(1021)}.bin`, Body: 'x' }))
      .then(
        () => undefined,
        (error: { name: string; $metadata?: { httpStatusCode?: number } }) => error,
      );
    expect(tooLong?.name).toBe('KeyTooLongError');
    expect(tooLong?.$metadata?.httpStatusCode).toBe(400);

    // A key holding a newline must not forge a line of the dev log.
    await s3.send(
      new PutObjectCommand({
        Bucket: 'stories',
        Key: 'forge\ningest forged.txt  forged v9.9  stored  1 ms\nend.txt',
        Body: 'not a story',
      }),
    );
    await first.waitFor('ingest forge\\ningest forged.txt');
    expect(first.output()).not.toMatch(/^ingest forged\.txt/m);

    for (const key of ODD_KEYS) expect(await readText(s3, key)).toBe(`bytes of ${key}`);
    expect(await listKeys(s3)).toEqual(expect.arrayContaining(ODD_KEYS));
    expect(findFiles(root, 'escape-proof', dataDir)).toEqual([]);

    // kill -9 while an overwriting PUT of an accepted object is half-way through its body.
    await s3.send(
      new PutObjectCommand({ Bucket: 'stories', Key: 'keep/accepted.bin', Body: 'accepted bytes' }),
    );
    const half = Buffer.alloc(256 * 1024, 'n');
    let sent = 0;
    const slowBody = new Readable({
      read() {
        if (sent === 0) {
          sent = half.length;
          this.push(half);
        }
        // then never ends: the process dies with the upload open
      },
    });
    const overwrite = s3
      .send(
        new PutObjectCommand({
          Bucket: 'stories',
          Key: 'keep/accepted.bin',
          Body: slowBody,
          ContentLength: half.length * 2,
        }),
      )
      .catch((error: Error) => error);
    // Give the server the first half of the body (a step, not an assertion on time).
    await new Promise((resolve) => setTimeout(resolve, 500));
    first.child.kill('SIGKILL');
    await first.closed;
    expect(await overwrite).toBeInstanceOf(Error);
    s3.destroy();

    const second =
      running[running.push(startProcess(process.execPath, args, { cwd: PROJECT_ROOT, env })) - 1];
    if (!second) throw new Error('not restarted');
    await second.waitFor(READY);
    const again = localS3(ports.S3_PORT);
    expect(await listKeys(again)).toEqual(expect.arrayContaining([...ODD_KEYS, 'keep/accepted.bin']));
    for (const key of ODD_KEYS) expect(await readText(again, key)).toBe(`bytes of ${key}`);
    expect(await readText(again, 'keep/accepted.bin')).toBe('accepted bytes');
    again.destroy();
    second.child.kill('SIGTERM');
    expect(await second.closed).toBe(0);
  }, 90_000);
});
