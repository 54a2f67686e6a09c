import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  PutObjectTaggingCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { S3Event } from 'aws-lambda';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulators, LOCAL_CREDENTIALS, startEmulators } from '../../../local/emulators.ts';
import { inListingOrder, ODD_S3_KEYS } from '../../builders/odd-keys.ts';

const BUCKET = 'stories';
let root: string;
let dataDir: string;
let emulators: Emulators;
let s3: S3Client;
const events: S3Event[] = [];

async function start() {
  emulators = await startEmulators({ dataDir, onS3Event: (event) => events.push(event) });
  s3 = new S3Client({
    endpoint: emulators.s3Endpoint,
    region: 'us-east-1',
    credentials: LOCAL_CREDENTIALS,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

async function restart() {
  s3.destroy();
  await emulators.stop();
  await start();
}

beforeAll(async () => {
  // The data folder sits three levels down, so that an escaping key would land inside this test's folder.
  root = mkdtempSync(join(tmpdir(), 'storyfeed-s3-store-'));
  dataDir = join(root, 'one', 'two', 'data');
  mkdirSync(dataDir, { recursive: true });
  await start();
});

afterAll(async () => {
  s3.destroy();
  await emulators.stop();
  rmSync(root, { recursive: true, force: true });
});

const put = (key: string, body: string, metadata?: Record<string, string>) =>
  s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body, Metadata: metadata }));

async function read(key: string): Promise<string> {
  const object = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return (await object.Body?.transformToString('utf8')) ?? '';
}

async function list(prefix?: string, delimiter?: string) {
  const page = await s3.send(
    new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix, Delimiter: delimiter }),
  );
  return {
    keys: (page.Contents ?? []).map((object) => object.Key),
    prefixes: (page.CommonPrefixes ?? []).map((common) => common.Prefix),
  };
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

describe('the embedded S3 store', () => {
  it('keeps long, traversal and empty-segment keys apart, inside its folder, and tells their real keys', async () => {
    const keys = [...ODD_S3_KEYS];
    for (const key of keys) await put(key, `bytes of ${key}`);

    for (const key of keys) expect(await read(key)).toBe(`bytes of ${key}`);
    expect((await list()).keys).toEqual(inListingOrder(keys));
    expect(await list('segments/')).toEqual({
      keys: [`segments/${'b'.repeat(234)}`, `segments/${'c'.repeat(240)}.bin`],
      prefixes: [],
    });
    expect((await list('', '/')).prefixes).toEqual(['../', '/', 'a/', 'segments/', 'trailing/', 'ünïcødé/']);
    expect(filesUnder(root).filter((path) => !path.startsWith(dataDir))).toEqual([]);
    const told = events.flatMap((event) => event.Records.map((record) => record.s3.object.key));
    expect(told).toEqual(expect.arrayContaining(keys));
  });

  it('reads back, under its own key, whatever key S3 accepts', async () => {
    const segment = fc.oneof(
      fc.constantFrom('', '.', '..', ' ', '%', '%2F', '+', '?', '#', '&', '\\', '~', 'x'.repeat(300)),
      fc.string({ unit: 'grapheme', maxLength: 20 }),
      fc.string({ unit: 'binary', maxLength: 8 }),
    );
    const key = fc
      .array(segment, { minLength: 1, maxLength: 6 })
      .map((segments) => `random/${segments.join('/')}`)
      .filter((candidate) => Buffer.byteLength(candidate) <= 1024);
    const written = new Set<string>();
    await fc.assert(
      fc.asyncProperty(key, async (candidate) => {
        await put(candidate, `bytes of ${candidate}`);
        written.add(candidate);
        expect(await read(candidate)).toBe(`bytes of ${candidate}`);
      }),
      { numRuns: 50 },
    );
    // A listing is XML, which cannot carry most control characters (nor CR as such): S3 has the same
    // limit and offers encoding-type=url for it. Compare the keys XML can carry.
    const xmlSafe = (candidate: string | undefined) => !/\p{Cc}/u.test(candidate ?? '');
    expect((await list('random/')).keys.filter(xmlSafe)).toEqual(
      inListingOrder([...written].filter(xmlSafe)),
    );
  });

  it("answers S3's KeyTooLongError (400) for a key over 1,024 bytes, and stays up", async () => {
    const error = await put(`${'é'.repeat(512)}x`, 'too long').catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: 'KeyTooLongError', $metadata: { httpStatusCode: 400 } });
    await put('after-too-long.txt', 'still serving');
    expect(await read('after-too-long.txt')).toBe('still serving');
  });

  it('overwrites, copies and deletes a key, and tells ObjectRemoved with the key', async () => {
    const key = '../overwritten/key.txt';
    await put(key, 'first', { 'story-id': 'kept-meta' });
    await put(key, 'second', { 'story-id': 'second-meta' });
    expect(await read(key)).toBe('second');
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
    expect(head.Metadata).toEqual({ 'story-id': 'second-meta' });
    expect(head.ETag).toBe(`"${createHash('md5').update('second').digest('hex')}"`);

    const odd = `copies/a%b?c#d/${'e'.repeat(240)}.txt`;
    await put(odd, 'copied bytes');
    await s3.send(
      new CopyObjectCommand({ Bucket: BUCKET, Key: key, CopySource: `${BUCKET}/${encodeURIComponent(odd)}` }),
    );
    expect(await read(key)).toBe('copied bytes');

    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: key }));
    expect((await list('../overwritten/')).keys).toEqual([]);
    const removed = events.flatMap((event) =>
      event.Records.filter((record) => record.eventName.startsWith('ObjectRemoved')).map(
        (record) => record.s3.object.key,
      ),
    );
    expect(removed).toContain(key);
  });

  it("keeps an object's tags across a restart and lets them go with the object", async () => {
    const key = 'tagged/story.txt';
    const tagsOf = async () =>
      (await s3.send(new GetObjectTaggingCommand({ Bucket: BUCKET, Key: key }))).TagSet ?? [];
    await put(key, 'tagged bytes');
    expect(await tagsOf()).toEqual([]);
    const tagging = { TagSet: [{ Key: 'storyfeed', Value: 'rejected' }] };
    await s3.send(new PutObjectTaggingCommand({ Bucket: BUCKET, Key: key, Tagging: tagging }));
    expect(await tagsOf()).toEqual(tagging.TagSet);

    await restart();
    expect(await tagsOf()).toEqual(tagging.TagSet);

    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: key }));
    await put(key, 'new bytes, no tags');
    expect(await tagsOf()).toEqual([]);
    await restart();
    expect(await tagsOf()).toEqual([]);
  });

  it('restarts with every object, whatever files a crash or a hand left in its folder', async () => {
    const objectsDir = join(dataDir, 's3-store', BUCKET, 'objects');
    const fan = readdirSync(objectsDir)[0] ?? 'ab';
    writeFileSync(
      join(objectsDir, fan, `${'0'.repeat(64)}.11111111-1111-1111-1111-111111111111.data`),
      'orphan',
    );
    writeFileSync(join(objectsDir, fan, `${'1'.repeat(64)}.json`), '{"torn":');
    writeFileSync(join(objectsDir, fan, 'stray-file'), 'stray');
    mkdirSync(join(dataDir, 's3-store', BUCKET, 'tmp'), { recursive: true });
    writeFileSync(join(dataDir, 's3-store', BUCKET, 'tmp', 'half-written.data'), 'half');
    const before = await list();

    await restart();

    expect(emulators.s3Repair).toMatchObject({ orphansRemoved: 2, damagedRecords: [expect.any(String)] });
    expect(await list()).toEqual(before);
    expect(await read('a/../b')).toBe('bytes of a/../b');
    expect(await read(`${'a'.repeat(1020)}.bin`)).toBe(`bytes of ${'a'.repeat(1020)}.bin`);
    expect(existsSync(join(dataDir, 's3-store', BUCKET, 'tmp', 'half-written.data'))).toBe(false);
  });

  it("moves a data folder of s3rver's own layout into the store, dropping uploads it never finished", async () => {
    const legacy = join(dataDir, 's3', BUCKET);
    const writeLegacy = (key: string, body: string, metadata: Record<string, string> | null, md5 = true) => {
      const base = join(legacy, ...key.split('/'));
      mkdirSync(join(base, '..'), { recursive: true });
      writeFileSync(`${base}._S3rver_object`, body);
      if (md5) writeFileSync(`${base}._S3rver_object.md5`, createHash('md5').update(body).digest('hex'));
      if (metadata) writeFileSync(`${base}._S3rver_metadata.json`, JSON.stringify(metadata));
    };
    writeLegacy('stories/old-story/v0.1.txt', 'old story text', {
      'content-type': 'text/plain',
      'x-amz-meta-story-id': 'old-story',
    });
    writeLegacy('copied.txt', 'copied without md5', { 'content-type': 'text/plain' }, false);
    // What a 234-byte segment left behind: the object file, but no metadata (never acknowledged).
    writeLegacy(`segments/${'z'.repeat(200)}`, 'orphan', null);

    await restart();

    expect(emulators.s3Repair).toMatchObject({ migrated: 2, incomplete: [expect.any(String)], failed: [] });
    expect(await read('stories/old-story/v0.1.txt')).toBe('old story text');
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'stories/old-story/v0.1.txt' }));
    expect(head.Metadata).toEqual({ 'story-id': 'old-story' });
    expect(head.ETag).toBe(`"${createHash('md5').update('old story text').digest('hex')}"`);
    expect(await read('copied.txt')).toBe('copied without md5');
    expect((await list('segments/')).keys).not.toContain(`segments/${'z'.repeat(200)}`);
    expect(existsSync(join(dataDir, 's3'))).toBe(false);
  });
});
