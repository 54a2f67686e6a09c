import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, describe, expect, it } from 'vitest';
import { readValidationReport } from './synthesize-storyfeed.ts';

const outdirs: string[] = [];

function appWithNag(): { app: App; stack: Stack; outdir: string } {
  const outdir = mkdtempSync(join(tmpdir(), 'storyfeed-nag-'));
  outdirs.push(outdir);
  const app = new App({ outdir });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack: new Stack(app, 'Control'), outdir };
}

afterAll(() => {
  for (const outdir of outdirs) rmSync(outdir, { recursive: true, force: true });
});

// The stack tests expect an empty list of findings; these show the list is not empty by construction.
describe('the cdk-nag report the stack tests read', () => {
  it('fails synthesis on an unacknowledged warning (a table without point-in-time recovery) and lists it', () => {
    const { app, stack, outdir } = appWithNag();
    new dynamodb.Table(stack, 'Table', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    });
    expect(() => app.synth()).toThrow(/AwsSolutions-DDB3/);
    const { findings } = readValidationReport(outdir);
    expect(findings).toEqual([
      {
        plugin: 'AwsSolutions',
        rule: 'AwsSolutions-DDB3',
        severity: 'warning',
        constructPaths: ['Control/Table/Resource'],
      },
    ]);
  });

  it('moves an acknowledged finding to the acknowledged list, with its reason', () => {
    const { app, stack } = appWithNag();
    const table = new dynamodb.Table(stack, 'Table', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    });
    Validations.of(table).acknowledge({ id: 'AwsSolutions::AwsSolutions-DDB3', reason: 'control case' });
    const report = readValidationReport(app.synth().directory);
    expect(report.findings).toEqual([]);
    expect(report.acknowledged).toEqual([
      {
        plugin: 'AwsSolutions',
        rule: 'AwsSolutions-DDB3',
        reason: 'control case',
        acknowledgedAt: 'Control/Table',
        acknowledgedId: 'AwsSolutions::AwsSolutions-DDB3',
      },
    ]);
  });

  it('fails synthesis on an unacknowledged error (a bucket that accepts plain HTTP)', () => {
    const { app, stack } = appWithNag();
    new s3.Bucket(stack, 'Bucket');
    expect(() => app.synth()).toThrow(/AwsSolutions-S10/);
  });
});
