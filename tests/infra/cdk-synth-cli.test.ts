import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readValidationReport } from './synthesize-storyfeed.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SYNTH_TIMEOUT_MS = 120_000;
const outdir = mkdtempSync(join(tmpdir(), 'storyfeed-cli-synth-'));

const DOMAIN = 'feeds.example.com';
const CERTIFICATE = 'arn:aws:acm:us-east-1:111122223333:certificate/1a2b3c4d-0000-4000-8000-123456789abc';
const ZONE = 'Z0123456789ABCDEFGHIJ';

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

let result: SpawnSyncReturns<string>;
let template: Template;

// One CLI synth (the slowest step of the infra tests), with the custom-domain keys a production
// deploy gives: it proves the offline synth and the domain wiring at once.
beforeAll(() => {
  const { command, args, mode } = offlineCommand([
    'npx',
    'cdk',
    'synth',
    '--quiet',
    '--output',
    outdir,
    '-c',
    `domainName=${DOMAIN}`,
    '-c',
    `certificateArn=${CERTIFICATE}`,
    '-c',
    `hostedZoneId=${ZONE}`,
  ]);
  const deadPort = 'http://127.0.0.1:9';
  const started = performance.now();
  result = spawnSync(command, args, {
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
  console.info(`npx cdk synth --quiet (${mode}): ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const templatePath = join(outdir, 'Storyfeed.template.json');
  if (existsSync(templatePath)) template = Template.fromJSON(JSON.parse(readFileSync(templatePath, 'utf8')));
}, SYNTH_TIMEOUT_MS + 10_000);

function distribution(): { logicalId: string; config: Record<string, unknown> } {
  const [entry, ...others] = Object.entries(template.findResources('AWS::CloudFront::Distribution'));
  if (!entry || others.length > 0) throw new Error('expected one distribution');
  return { logicalId: entry[0], config: entry[1].Properties.DistributionConfig };
}

function functionsByService(): Record<string, { Environment: { Variables: Record<string, unknown> } }> {
  return Object.fromEntries(
    Object.values(template.findResources('AWS::Lambda::Function'))
      .filter((fn) => fn.Properties.Environment?.Variables?.POWERTOOLS_SERVICE_NAME)
      .map((fn) => [fn.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME as string, fn.Properties]),
  );
}

describe('npx cdk synth', () => {
  it('synthesizes the stack without network access, quietly, with both function bundles', () => {
    expect(result.error).toBeUndefined();
    expect(result.status, result.stderr).toBe(0);
    // --quiet: the template goes to the assembly, not to stdout.
    expect(result.stdout).not.toContain('AWSTemplateFormatVersion');
    expect(Object.keys(functionsByService()).sort()).toEqual(['storyfeed-api', 'storyfeed-ingest']);
  });

  describe('with -c domainName, certificateArn and hostedZoneId', () => {
    it('serves the domain from the distribution with its certificate, SNI and TLS 1.2 (2021) at least', () => {
      const { config } = distribution();
      expect(config.Aliases).toEqual([DOMAIN]);
      expect(config.ViewerCertificate).toEqual({
        AcmCertificateArn: CERTIFICATE,
        MinimumProtocolVersion: 'TLSv1.2_2021',
        SslSupportMethod: 'sni-only',
      });
    });

    it('points an IPv4 and an IPv6 alias of the domain at the distribution, in the zone given', () => {
      const { logicalId } = distribution();
      const records = Object.values(template.findResources('AWS::Route53::RecordSet')).map(
        (record) => record.Properties,
      );
      expect(records.map((record) => record.Type).sort()).toEqual(['A', 'AAAA']);
      for (const record of records) {
        expect(record).toMatchObject({
          Name: `${DOMAIN}.`,
          HostedZoneId: ZONE,
          AliasTarget: { DNSName: { 'Fn::GetAtt': [logicalId, 'DomainName'] } },
        });
      }
    });

    it('gives both functions the domain as PUBLIC_BASE_URL, and prints it as FeedsUrl beside ApiUrl', () => {
      for (const fn of Object.values(functionsByService())) {
        expect(fn.Environment.Variables.PUBLIC_BASE_URL).toBe(`https://${DOMAIN}`);
      }
      const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
      expect(outputs.FeedsUrl?.Value).toBe(`https://${DOMAIN}/`);
      expect(outputs.ApiUrl).toBeDefined();
    });

    it('leaves no finding unacknowledged, and needs no default-certificate TLS acknowledgement', () => {
      const report = readValidationReport(outdir);
      expect(report.plugins).toEqual(['AwsSolutions', 'NIST.800.53.R5', 'Serverless']);
      expect(report.findings).toEqual([]);
      const rules = report.acknowledged.map((a) => a.rule);
      expect(rules).toEqual(expect.arrayContaining(['AwsSolutions-CFR1', 'AwsSolutions-CFR2']));
      expect(rules).not.toContain('AwsSolutions-CFR4');
    });
  });
});
