import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SYNTH_TIMEOUT_MS = 120_000;
const outdir = mkdtempSync(join(tmpdir(), 'storyfeed-cli-synth-'));

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

/**
 * The command line, without a network: in a fresh network namespace when the machine allows
 * one (`unshare -rn`: only loopback), else with every proxy and npm pointed at a closed port.
 */
function offlineCommand(args: string[]): { command: string; args: string[]; mode: string } {
  const probe = spawnSync('unshare', ['-rn', 'true'], { stdio: 'ignore' });
  if (probe.status === 0) return { command: 'unshare', args: ['-rn', ...args], mode: 'no network namespace' };
  const [command = '', ...rest] = args;
  return { command, args: rest, mode: 'dead proxy' };
}

describe('npx cdk synth', () => {
  it(
    'synthesizes the stack without network access, quietly, in under two minutes',
    () => {
      const { command, args, mode } = offlineCommand(['npx', 'cdk', 'synth', '--quiet', '--output', outdir]);
      const deadPort = 'http://127.0.0.1:9';
      const started = performance.now();
      const result = spawnSync(command, args, {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: SYNTH_TIMEOUT_MS,
        env: {
          ...process.env,
          HTTP_PROXY: deadPort,
          HTTPS_PROXY: deadPort,
          http_proxy: deadPort,
          https_proxy: deadPort,
          npm_config_offline: 'true',
          CDK_DISABLE_VERSION_CHECK: 'true',
        },
      });
      const seconds = (performance.now() - started) / 1000;
      console.info(`npx cdk synth --quiet (${mode}): ${seconds.toFixed(1)} s`);
      expect(result.error).toBeUndefined();
      expect(result.status, result.stderr).toBe(0);
      // --quiet: the template goes to the assembly, not to stdout.
      expect(result.stdout).not.toContain('AWSTemplateFormatVersion');
      const templatePath = join(outdir, 'Storyfeed.template.json');
      expect(existsSync(templatePath)).toBe(true);
      const template = JSON.parse(readFileSync(templatePath, 'utf8')) as {
        Resources: Record<string, { Type: string }>;
      };
      const functions = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Function');
      expect(functions.length).toBeGreaterThanOrEqual(2);
    },
    SYNTH_TIMEOUT_MS + 10_000,
  );
});
