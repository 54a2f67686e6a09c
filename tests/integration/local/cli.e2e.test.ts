import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BIN,
  freePorts,
  localS3,
  PROJECT_ROOT,
  type RunningProcess,
  runStoryfeed,
  startProcess,
  storyText,
  waitUntil,
} from './dev-process.ts';

// One `storyfeed dev` for the whole file; the CLI runs against it as a writer's terminal would.
let stack: RunningProcess;
let env: Record<string, string>;
let api: string;
let s3: S3Client;
let drafts: string;
const folders: string[] = [];

beforeAll(async () => {
  const ports = await freePorts();
  const dataDir = mkdtempSync(join(tmpdir(), 'storyfeed-cli-'));
  drafts = mkdtempSync(join(tmpdir(), 'storyfeed-drafts-'));
  folders.push(dataDir, drafts);
  env = { ...ports, STORYFEED_DATA_DIR: dataDir };
  api = `http://127.0.0.1:${ports.PORT}`;
  stack = startProcess(process.execPath, [BIN, 'dev'], { cwd: PROJECT_ROOT, env });
  await stack.waitFor('storyfeed ready on');
  s3 = localS3(ports.S3_PORT);
});

afterAll(async () => {
  s3?.destroy();
  if (stack) {
    stack.child.kill('SIGTERM');
    await Promise.race([stack.closed, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    stack.killGroup();
  }
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

function storyfeed(...args: string[]) {
  return runStoryfeed(args, { cwd: PROJECT_ROOT, env });
}

function draft(name: string, text: string): string {
  const path = join(drafts, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
}

function lines(text: string): string[] {
  return text.split('\n').filter((line) => line !== '');
}

async function status(path: string): Promise<number> {
  return (await fetch(`${api}${path}`)).status;
}

async function keyExists(key: string): Promise<boolean> {
  try {
    await s3.send(new HeadObjectCommand({ Bucket: 'stories', Key: key }));
    return true;
  } catch {
    return false;
  }
}

describe('storyfeed (usage)', () => {
  it("prints each command's usage on stdout for --help (and -h), exit 0", async () => {
    const commands = ['dev', 'parse', 'upload', 'retract', 'dlq', 'events-dlq'];
    const runs = await Promise.all(commands.map((command) => storyfeed(command, '--help')));
    runs.forEach((run, index) => {
      expect(run).toMatchObject({ code: 0, stderr: '' });
      expect(run.stdout).toMatch(new RegExp(`^usage: storyfeed ${commands[index]} `));
    });
    const short = await storyfeed('upload', '-h');
    expect(short.stdout).toBe(runs[2]?.stdout);
  });

  it('prints the overall usage for --help (exit 0) and for no command (exit 2), and the version', async () => {
    const [help, bare, version] = await Promise.all([
      storyfeed('--help'),
      storyfeed(),
      storyfeed('--version'),
    ]);
    expect(help.code).toBe(0);
    for (const command of ['dev', 'parse', 'upload', 'retract', 'dlq', 'events-dlq'])
      expect(help.stdout).toContain(command);
    expect(bare.code).toBe(2);
    expect(bare.stdout).toBe(help.stdout);
    const { version: packageVersion } = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8'));
    expect(version).toMatchObject({ code: 0, stdout: `${packageVersion}\n` });
  });

  it('names an unknown command or option on stderr, exit 2', async () => {
    const [command, option, topOption] = await Promise.all([
      storyfeed('bogus'),
      storyfeed('upload', 'x.txt', '--bogus'),
      storyfeed('--bogus'),
    ]);
    expect(command).toMatchObject({ code: 2, stdout: '' });
    expect(command.stderr).toContain("storyfeed: unknown command 'bogus'");
    expect(option).toMatchObject({ code: 2, stdout: '' });
    expect(option.stderr).toContain("storyfeed upload: unknown option '--bogus'");
    expect(topOption.stderr).toContain("storyfeed: unknown option '--bogus'");
  });
});

describe('storyfeed upload', () => {
  it('prints stored, then duplicate with its warning for the same bytes again, exit 0 both times', async () => {
    const file = draft('cli-good.txt', storyText('v0.1', 'A good story'));
    const first = await storyfeed('upload', file);
    expect(first).toMatchObject({ code: 0, stdout: 'stored cli-good v0.1\n' });
    const again = await storyfeed('upload', file);
    expect(again.code).toBe(0);
    expect(lines(again.stdout)).toEqual([
      'duplicate cli-good v0.1',
      expect.stringMatching(/^ {2}warning same_text: .+/),
    ]);
  });

  it('prints rejected with the code and message, exit 1', async () => {
    const file = draft('cli-bad.txt', 'A title without a version\n2024-05-01 10:00:00\n\nBody.\n');
    const result = await storyfeed('upload', file);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^rejected missing_version: .+\n$/);
  });

  it('prints one line per file of a folder with a mix, in file order, and names the rejected key, exit 1', async () => {
    draft('mix/stories/cli-mix/v0.1.txt', storyText('v0.1', 'Mix one'));
    draft('mix/stories/cli-mix/v0.2.txt', storyText('v0.2', 'Mix two', 5));
    draft('mix/broken.md', 'v0.3\nNo timestamp here\n\nBody.\n');
    const result = await storyfeed('upload', join(drafts, 'mix'));
    expect(result.code).toBe(1);
    const errors = (await (await fetch(`${api}/ingest/errors`)).json()) as {
      items: { key: string; message: string }[];
    };
    const message = errors.items.find((error) => error.key === 'broken.md')?.message;
    expect(lines(result.stdout)).toEqual([
      `rejected invalid_timestamp: ${message}`,
      'stored cli-mix v0.1',
      'stored cli-mix v0.2',
    ]);
    expect(result.stderr).toContain('not stored: broken.md (rejected)');
  });

  it('gives a file under stories/<id>/ the story id storyfeed parse gives it', async () => {
    const file = draft('layout/stories/cli-layout/v0.3.txt', storyText('v0.3', 'Laid out'));
    const parsed = await storyfeed('parse', file);
    expect(JSON.parse(parsed.stdout).storyId).toBe('cli-layout');
    const single = await storyfeed('upload', file);
    expect(single).toMatchObject({ code: 0, stdout: 'stored cli-layout v0.3\n' });
    const folder = await storyfeed('upload', join(drafts, 'layout/stories/cli-layout'));
    expect(folder.stdout).toMatch(/^duplicate cli-layout v0.3\n/);
  });

  it('only puts the file with --no-wait', async () => {
    const file = draft('cli-nowait.txt', storyText('v1.0', 'Not waited for'));
    const result = await storyfeed('upload', file, '--no-wait');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`uploaded ${file} → s3://stories/cli-nowait.txt\n`);
    await waitUntil(async () => ((await fetch(`${api}/stories/cli-nowait`)).ok ? true : undefined));
  });
});

describe('storyfeed retract', () => {
  it('explains that a version whose file was since edited to a later version is held by no key', async () => {
    const file = draft('cli-edited.txt', storyText('v0.1', 'Edited one'));
    expect((await storyfeed('upload', file)).stdout).toBe('stored cli-edited v0.1\n');
    writeFileSync(file, storyText('v0.2', 'Edited two', 4));
    expect((await storyfeed('upload', file)).stdout).toBe('stored cli-edited v0.2\n');

    const result = await storyfeed('retract', 'cli-edited', 'v0.1');
    expect(result).toMatchObject({ code: 1, stdout: '' });
    expect(result.stderr).toContain('no key in s3://stories holds version v0.1 of story cli-edited');
    expect(result.stderr).toContain("the story's keys hold other versions now: cli-edited.txt (v0.2)");
    expect(await status('/stories/cli-edited/versions/v0.1')).toBe(200);
  });

  it('deletes the key of one version, then the rest of the story, then finds nothing more', async () => {
    draft('retract/stories/cli-gone/v0.1.txt', storyText('v0.1', 'Gone one'));
    draft('retract/stories/cli-gone/v0.2.txt', storyText('v0.2', 'Gone two', 3));
    expect((await storyfeed('upload', join(drafts, 'retract'), '--no-wait')).code).toBe(0);
    // the same story under a key whose name gives another id: found by its story-id metadata
    await s3.send(
      new PutObjectCommand({
        Bucket: 'stories',
        Key: 'inbox/latest.txt',
        Body: storyText('v0.3', 'Gone three', 6),
        Metadata: { 'story-id': 'cli-gone' },
      }),
    );
    await waitUntil(async () =>
      (await status('/stories/cli-gone/versions/v0.3')) === 200 ? true : undefined,
    );

    const one = await storyfeed('retract', 'cli-gone', 'v0.2.0');
    expect(one).toMatchObject({ code: 0, stdout: 'stories/cli-gone/v0.2.txt\n' });
    expect(await keyExists('stories/cli-gone/v0.2.txt')).toBe(false);
    expect(await keyExists('stories/cli-gone/v0.1.txt')).toBe(true);
    // the pipeline retracts what the deleted key held, and only that (SPEC §6: within 5 s locally)
    await waitUntil(
      async () => ((await status('/stories/cli-gone/versions/v0.2')) === 410 ? true : undefined),
      5_000,
    );
    expect(await status('/stories/cli-gone/versions/v0.1')).toBe(200);

    const rest = await storyfeed('retract', 'cli-gone');
    expect(rest.code).toBe(0);
    expect(lines(rest.stdout)).toEqual(['stories/cli-gone/v0.1.txt', 'inbox/latest.txt']);
    expect(await keyExists('inbox/latest.txt')).toBe(false);
    const left = await s3.send(new ListObjectsV2Command({ Bucket: 'stories', Prefix: 'stories/cli-gone/' }));
    expect(left.Contents ?? []).toEqual([]);
    await waitUntil(async () => ((await status('/stories/cli-gone')) === 410 ? true : undefined), 5_000);

    const nothing = await storyfeed('retract', 'cli-gone');
    expect(nothing).toMatchObject({ code: 1, stdout: '' });
    expect(nothing.stderr).toContain('no key in s3://stories holds story cli-gone');

    // Uploading the texts again publishes them again (SPEC §6), and the upload says so: the keys'
    // statuses before it are the deletes', which have no ETag.
    const again = await storyfeed('upload', join(drafts, 'retract'));
    expect(again.code).toBe(0);
    expect(lines(again.stdout).sort()).toEqual(['stored cli-gone v0.1', 'stored cli-gone v0.2']);
    expect(await status('/stories/cli-gone')).toBe(200);
  });
});
