#!/usr/bin/env node
// The storyfeed command: loads the TypeScript CLI through tsx, so no build step is needed.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../local/cli.ts');
process.exitCode = await runCli(process.argv.slice(2));
