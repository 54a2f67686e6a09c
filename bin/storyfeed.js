#!/usr/bin/env node
// The storyfeed command: loads the TypeScript CLI through tsx, so no build step is needed.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const LEGACY_PROVIDER = '--openssl-legacy-provider';
const args = process.argv.slice(2);
const hasLegacyProvider =
  process.execArgv.includes(LEGACY_PROVIDER) || (process.env.NODE_OPTIONS ?? '').includes(LEGACY_PROVIDER);

if (args[0] === 'dev' && !hasLegacyProvider) {
  // s3rver encrypts ListObjectsV2 continuation tokens with DES, which OpenSSL 3 only offers through
  // its legacy provider; the flag can only be given at start-up, so `dev` runs in a child node with it.
  const child = spawn(
    process.execPath,
    [LEGACY_PROVIDER, ...process.execArgv, fileURLToPath(import.meta.url), ...args],
    {
      stdio: 'inherit',
    },
  );
  const forward = (signal) => child.kill(signal);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, forward);
  // `npm start` signals its `sh -c`, which dies without passing the signal on: stop when orphaned.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) forward('SIGTERM');
  }, 500).unref();
  child.on('exit', (code, signal) => {
    process.exit(code ?? (signal === 'SIGINT' ? 130 : signal === 'SIGTERM' ? 143 : 1));
  });
} else {
  const { register } = await import('tsx/esm/api');
  register();
  const { runCli } = await import('../local/cli.ts');
  process.exitCode = await runCli(args);
}
