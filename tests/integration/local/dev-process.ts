import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { S3Client } from '@aws-sdk/client-s3';

/** The repository root. */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const BIN = join(PROJECT_ROOT, 'bin', 'storyfeed.js');

/** A port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolvePort(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** The three ports of one stack, as the variables that set them. */
export async function freePorts(): Promise<{ PORT: string; S3_PORT: string; DYNAMODB_PORT: string }> {
  return {
    PORT: String(await freePort()),
    S3_PORT: String(await freePort()),
    DYNAMODB_PORT: String(await freePort()),
  };
}

/** A copy of the project (code, seeds, package.json; node_modules linked) in a temp folder, as a user's clone. */
export function copyProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'storyfeed-clone-'));
  for (const entry of ['package.json', 'tsconfig.json', 'bin', 'local', 'functions', 'seeds']) {
    cpSync(join(PROJECT_ROOT, entry), join(dir, entry), { recursive: true });
  }
  symlinkSync(join(PROJECT_ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

/** A running storyfeed process with its output so far. */
export interface RunningProcess {
  child: ChildProcess;
  output(): string;
  errors(): string;
  /** Resolves when the output contains `text` (or matches it); rejects on exit or timeout. */
  waitFor(text: string | RegExp, timeoutMs?: number): Promise<void>;
  /** Sends SIGKILL to the process and everything it started (cleanup after a failed test). */
  killGroup(): void;
  /** Resolves with the exit code once the process and every process holding its output are gone. */
  closed: Promise<number | null>;
}

/** Spawns `command args` in `cwd` with `env` added to this environment. */
export function startProcess(
  command: string,
  args: string[],
  options: { cwd: string; env: Record<string, string> },
): RunningProcess {
  // As a user's shell: without the test run's POWERTOOLS_LOG_LEVEL=SILENT.
  const { POWERTOOLS_LOG_LEVEL: _silenced, ...inherited } = process.env;
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: { ...inherited, ...options.env, FORCE_COLOR: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so that killGroup can end npm's `sh -c` and node children as well.
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const closed = new Promise<number | null>((resolveClose) =>
    child.on('close', (code) => resolveClose(code)),
  );
  return {
    child,
    output: () => stdout,
    errors: () => stderr,
    closed,
    killGroup() {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    },
    async waitFor(text, timeoutMs = 30_000) {
      const matches = () => (typeof text === 'string' ? stdout.includes(text) : text.test(stdout));
      const deadline = Date.now() + timeoutMs;
      let exited = false;
      void closed.then(() => {
        exited = true;
      });
      while (!matches()) {
        if (exited) throw new Error(`process ended before ${String(text)}:\n${stdout}\n${stderr}`);
        if (Date.now() > deadline)
          throw new Error(`timed out waiting for ${String(text)}:\n${stdout}\n${stderr}`);
        await sleep(50);
      }
    },
  };
}

/** Runs a storyfeed command to its end; returns code and output. */
export async function runStoryfeed(args: string[], options: { cwd: string; env: Record<string, string> }) {
  const run = startProcess(process.execPath, [BIN, ...args], options);
  const code = await run.closed;
  return { code, stdout: run.output(), stderr: run.errors() };
}

/** Polls `probe` until it returns a value other than undefined. */
export async function waitUntil<T>(probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await sleep(100);
  }
  throw new Error(`condition not met in ${timeoutMs} ms${lastError ? `: ${String(lastError)}` : ''}`);
}

/** An S3 client for the local stack on `port`. */
export function localS3(port: string): S3Client {
  return new S3Client({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/** A story file text for `version` (SPEC §1 layout). */
export function storyText(version: string, title: string, minute = 0): string {
  const time = `2024-05-01 10:${String(minute % 60).padStart(2, '0')}:00`;
  return `${version}\n${title}\n${time}\n\nThe body of ${title} at ${version} cites a source [abcdef12].\n`;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolveSleep) => setTimeout(resolveSleep, ms));
}
