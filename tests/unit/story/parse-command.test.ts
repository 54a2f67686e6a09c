import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../../..');
const run = promisify(execFile);

/** Runs `node bin/storyfeed.js parse ...args` and returns its exit code and output. */
async function runParseCommand(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('node', ['bin/storyfeed.js', 'parse', ...args], { cwd: ROOT });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

describe('storyfeed parse', () => {
  it('prints the §2 document of the seed', async () => {
    const { code, stdout } = await runParseCommand('seeds/000_8ac52d5236e3c6f4.txt');
    expect(code).toBe(0);
    const document = JSON.parse(stdout);
    expect(document).toMatchObject({
      storyId: '8ac52d5236e3c6f4',
      version: 'v0.12',
      marker: '🌳',
      publishedAt: '2024-07-05T15:33:01.103Z',
      metrics: { words: 823, sentences: 35, paragraphs: 6, characters: 5535, citationsPer100Words: 1.09 },
    });
    expect(document.figures[0]).toEqual({
      text: 'In 1980',
      value: 1980,
      kind: 'year',
      unit: 'year',
      qualifier: null,
      paragraph: 0,
      citations: ['25773905'],
    });
  });

  it('prints the JSON error on stderr and exits 1 for a bad story', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'storyfeed-parse-'));
    await writeFile(join(folder, 'broken.txt'), 'v1.0\nTitle\n2023-02-29 10:00:00\n\nBody.\n');
    const { code, stdout, stderr } = await runParseCommand(join(folder, 'broken.txt'));
    expect(code).toBe(1);
    expect(stdout).toBe('');
    const { error } = JSON.parse(stderr);
    expect(error.code).toBe('invalid_timestamp');
    expect(error.message).toMatch(/line 3/);
  });

  it('takes the story id from a stories/<id>/ folder in the path', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'storyfeed-parse-'));
    await mkdir(join(folder, 'stories', 'late-news'), { recursive: true });
    await writeFile(
      join(folder, 'stories', 'late-news', 'v0.3.txt'),
      'v0.3\nTitle\n2024-01-01 00:00:00\n\nBody.\n',
    );
    const { code, stdout } = await runParseCommand(join(folder, 'stories', 'late-news', 'v0.3.txt'));
    expect(code).toBe(0);
    expect(JSON.parse(stdout).storyId).toBe('late-news');
  });

  it('reports a missing file as an error, exit 1', async () => {
    const { code, stderr } = await runParseCommand('no/such/file.txt');
    expect(code).toBe(1);
    expect(JSON.parse(stderr).error.message).toMatch(/no\/such\/file\.txt.*ENOENT/);
  });

  it('exits 2 with usage when FILE is missing', async () => {
    const { code, stderr } = await runParseCommand();
    expect(code).toBe(2);
    expect(stderr).toMatch(/usage: storyfeed parse FILE/);
  });
});
