import { readFileSync } from 'node:fs';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, NIST80053R5Checks, ServerlessChecks } from 'cdk-nag';
import { readSettings, type StoryfeedSettings } from './settings.ts';
import { StoryfeedStack } from './storyfeed-stack.ts';

/** The context block of cdk.json (feature flags and defaults), so tests synthesize what the CLI does. */
export function readCdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(new URL('../cdk.json', import.meta.url), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  return cdkJson.context ?? {};
}

export interface CreateAppOptions {
  /** CDK context on top of cdk.json's (the CLI passes its own through the environment). */
  context?: Record<string, unknown>;
  /** Where the cloud assembly goes (default: the CLI's, or a temp folder). */
  outdir?: string;
}

export interface StoryfeedApp {
  app: App;
  stack: StoryfeedStack;
  settings: StoryfeedSettings;
}

/**
 * Builds the app: one environment-agnostic stack (no lookups, so synth works offline) and three
 * cdk-nag packs (AwsSolutions, NIST 800-53 R5, Serverless), which run as validation plugins during synthesis.
 */
export function createApp(options: CreateAppOptions = {}): StoryfeedApp {
  const app = new App({
    context: { ...readCdkJsonContext(), ...options.context },
    ...(options.outdir ? { outdir: options.outdir } : {}),
  });
  const settings = readSettings((key) => app.node.tryGetContext(key));
  const stack = new StoryfeedStack(app, 'Storyfeed', {
    stackName: settings.stackName,
    description: 'storyfeed: versioned story files in S3 → feeds and a JSON API',
    settings,
  });
  Validations.of(app).addPlugins(
    new AwsSolutionsChecks(app),
    new NIST80053R5Checks(app),
    new ServerlessChecks(app),
  );
  return { app, stack, settings };
}
