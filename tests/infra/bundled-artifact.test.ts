import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { APIGatewayProxyStructuredResultV2, SQSBatchResponse } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClients } from '../../functions/store/clients.ts';
import type { StoryfeedFunction } from '../../infra/constructs/storyfeed-function.ts';
import { type Emulators, startEmulators } from '../../local/emulators.ts';
import { invokeBundle } from './invoke-bundle.ts';
import { buildHttpApiGet, buildS3PutEvent, buildSqsEvent } from './lambda-events.ts';
import { logicalIdOf, type SynthesizedStoryfeed, synthesizeStoryfeed } from './synthesize-storyfeed.ts';

const SEED = new URL('../../seeds/000_8ac52d5236e3c6f4.txt', import.meta.url);
const STORY_ID = '8ac52d5236e3c6f4';
/** A folder with a space, so the key arrives URL-encoded (`incoming+batch/…`) as S3 sends it. */
const UPLOAD_KEY = `incoming batch/000_${STORY_ID}.txt`;
/** What AWS::StackId looks like; the API function derives its cursor key from it. */
const STACK_ID =
  'arn:aws:cloudformation:us-east-1:123456789012:stack/storyfeed/4a1c1e60-cc1f-11ef-9c3b-0affd1a2b3c4';
/** What a CloudFront distribution's DomainName looks like; the stack makes it the functions' PUBLIC_BASE_URL. */
const CDN_DOMAIN = 'd111111abcdef8.cloudfront.net';
/** Resource types whose variable is left out locally: there is no EventBridge emulator (SPEC §7's local sink is a webhook). */
const NOT_EMULATED = new Set(['AWS::Events::EventBus']);

let outdir: string;
let synth: SynthesizedStoryfeed;
let emulators: Emulators;
const savedEnv = { ...process.env };

beforeAll(async () => {
  outdir = mkdtempSync(join(tmpdir(), 'storyfeed-assembly-'));
  synth = synthesizeStoryfeed({ bundle: true, outdir });
  emulators = await startEmulators();
  // The test's own S3 client (the uploader) reaches the emulator like the functions do.
  Object.assign(process.env, emulators.env);
}, 180_000);

afterAll(async () => {
  process.env = savedEnv;
  await emulators?.stop();
  if (outdir) rmSync(outdir, { recursive: true, force: true });
});

/** The bundled entry point of a function in the cloud assembly: Code.S3Key `<hash>.zip` → `asset.<hash>/index.mjs`. */
function bundlePath(fn: StoryfeedFunction): string {
  const resource = synth.template.findResources('AWS::Lambda::Function')[logicalIdOf(fn.function)];
  const key = String(resource?.Properties.Code.S3Key);
  const hash = /^([0-9a-f]{64})\.zip$/.exec(key)?.[1];
  if (!hash) throw new Error(`unexpected asset key ${key}`);
  return join(synth.assemblyDir, `asset.${hash}`, 'index.mjs');
}

/**
 * The function's environment as Lambda would see it: the template's variables with Refs resolved
 * to the emulators' table and bucket, then the emulators' endpoints and local credentials.
 */
function functionEnvironment(fn: StoryfeedFunction): Record<string, string> {
  const resources = synth.template.toJSON().Resources as Record<string, { Type: string }>;
  const resource = synth.template.findResources('AWS::Lambda::Function')[logicalIdOf(fn.function)];
  const variables = resource?.Properties.Environment.Variables as Record<string, unknown>;
  const resolve = (value: unknown): string => {
    if (typeof value === 'string') return value;
    const [intrinsic, args] = Object.entries(value as Record<string, unknown>)[0] ?? [];
    if (intrinsic === 'Ref' && args === 'AWS::StackId') return STACK_ID;
    if (intrinsic === 'Ref' && typeof args === 'string') {
      const type = resources[args]?.Type;
      if (type === 'AWS::DynamoDB::Table') return emulators.tableName;
      if (type === 'AWS::S3::Bucket') return emulators.bucket;
    }
    if (intrinsic === 'Fn::GetAtt' && Array.isArray(args) && args[1] === 'DomainName') {
      if (resources[String(args[0])]?.Type === 'AWS::CloudFront::Distribution') return CDN_DOMAIN;
    }
    if (intrinsic === 'Fn::Select' && Array.isArray(args)) {
      const list = args[1] as { 'Fn::Split'?: [string, unknown] };
      const split = list['Fn::Split'];
      if (split) return resolve(split[1]).split(split[0])[Number(args[0])] ?? '';
    }
    if (intrinsic === 'Fn::Join' && Array.isArray(args)) {
      return (args[1] as unknown[]).map(resolve).join(String(args[0]));
    }
    throw new Error(`cannot resolve ${JSON.stringify(value)} locally`);
  };
  const emulated = Object.entries(variables).filter(([, value]) => {
    const ref = (value as { Ref?: string }).Ref;
    return !(ref && NOT_EMULATED.has(resources[ref]?.Type ?? ''));
  });
  const environment = Object.fromEntries(emulated.map(([name, value]) => [name, resolve(value)]));
  return { ...environment, ...emulators.env };
}

function seedTitle(): string {
  // §1: the title is the second non-blank line (the first is the version line).
  const lines = readFileSync(SEED, 'utf8').split(/\r\n?|\n/);
  const title = lines.filter((line) => line.replace(/[\s\u00a0]/g, '') !== '')[1];
  if (!title) throw new Error('seed has no title line');
  return title.trim();
}

describe('the bundled functions from the cloud assembly', () => {
  it('are ESM bundles with source maps, one per function', () => {
    for (const fn of [synth.stack.ingest, synth.stack.api]) {
      const path = bundlePath(fn);
      expect(statSync(path).size).toBeGreaterThan(0);
      expect(statSync(`${path}.map`).size).toBeGreaterThan(0);
      console.info(`bundle ${fn.node.id}: ${statSync(path).size} bytes (${path.split('/').at(-2)})`);
    }
    expect(bundlePath(synth.stack.ingest)).not.toBe(bundlePath(synth.stack.api));
  });

  it('ingest a story uploaded to S3, and the API serves it in the latest feed', async () => {
    const { s3 } = createClients();
    const body = readFileSync(SEED);
    await s3.send(new PutObjectCommand({ Bucket: emulators.bucket, Key: UPLOAD_KEY, Body: body }));
    const head = await s3.send(new HeadObjectCommand({ Bucket: emulators.bucket, Key: UPLOAD_KEY }));
    const s3Event = buildS3PutEvent({
      bucket: emulators.bucket,
      key: UPLOAD_KEY,
      size: body.byteLength,
      eTag: head.ETag ?? '',
      versionId: head.VersionId,
      time: new Date(),
    });
    const ingested = await invokeBundle<SQSBatchResponse>(
      bundlePath(synth.stack.ingest),
      functionEnvironment(synth.stack.ingest),
      buildSqsEvent([s3Event]),
      { functionName: 'storyfeed-ingest', timeoutMs: 30_000 },
    );
    expect(ingested.result).toEqual({ batchItemFailures: [] });

    const { result: response } = await invokeBundle<APIGatewayProxyStructuredResultV2>(
      bundlePath(synth.stack.api),
      functionEnvironment(synth.stack.api),
      buildHttpApiGet('/feeds/latest.json', 'GET /feeds/latest.json'),
      { functionName: 'storyfeed-api', timeoutMs: 10_000 },
    );
    expect(response.statusCode).toBe(200);
    const contentType = Object.entries(response.headers ?? {}).find(
      ([name]) => name.toLowerCase() === 'content-type',
    );
    expect(String(contentType?.[1])).toMatch(/^application\/feed\+json/);
    const text = response.isBase64Encoded
      ? Buffer.from(response.body ?? '', 'base64').toString('utf8')
      : response.body;
    const feed = JSON.parse(text ?? '') as {
      version: string;
      items: Array<{ id: string; url?: string; title?: string }>;
    };
    expect(feed.version).toBe('https://jsonfeed.org/version/1.1');
    const item = feed.items.find((entry) => entry.id.includes(STORY_ID));
    expect(item?.title).toBe(seedTitle());
    // The absolute URLs come from the stack's PUBLIC_BASE_URL (the CDN by default), not from the
    // request's host (API Gateway's, in this event).
    expect(item?.id).toMatch(
      new RegExp(`^https://${CDN_DOMAIN.replaceAll('.', '\\.')}/stories/${STORY_ID}\\b`),
    );
  });
});
