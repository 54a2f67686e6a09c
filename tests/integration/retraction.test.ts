import { createHash } from 'node:crypto';
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { XMLValidator } from 'fast-xml-parser';
import { parseAtomFeed, parseJsonFeed, parseRssFeed } from 'feedsmith';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleHttpRequest } from '../../functions/http/handle-http-request.ts';
import type { HttpResponse } from '../../functions/http/types.ts';
import { createExactXmlParser } from '../builders/feed-model.ts';
import { buildUploadEvent, type UploadNotice } from '../builders/s3-events.ts';
import { buildStoryFile } from '../builders/story-file.ts';
import { bodyJson, bodyText, splitTarget } from '../unit/http/http-harness.ts';
import { createFaultyClients, startTestPipeline, type TestPipeline } from './pipeline.ts';

const BASE_URL = 'http://localhost:3000';

/** Event times a few minutes before now (tombstones live 30 days from them), one millisecond apart. */
let clock = Date.now() - 5 * 60_000;
function nextNotice(key: string, extra: Partial<UploadNotice> = {}): UploadNotice {
  clock += 1;
  return { key, eventTime: new Date(clock).toISOString(), sequencer: clock.toString(16), ...extra };
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function storyFile(version: string, citation: string, title = `Story at ${version}`): string {
  return buildStoryFile({ version, title, paragraphs: [`Figures for ${version} rose [${citation}].`] });
}

describe('retraction: deleting a story file', () => {
  let pipeline: TestPipeline;

  beforeAll(async () => {
    pipeline = await startTestPipeline();
  });
  afterAll(async () => {
    await pipeline.stop();
  });

  function get(target: string): Promise<HttpResponse> {
    return handleHttpRequest(
      { method: 'GET', ...splitTarget(target), headers: {}, baseUrl: BASE_URL },
      { reader: pipeline.store, cursorSecret: 'retraction-test' },
    );
  }

  async function getJson<T>(target: string): Promise<T> {
    const response = await get(target);
    expect(response.status, `${target}: ${bodyText(response)}`).toBe(200);
    return bodyJson<T>(response);
  }

  async function expectRetracted(target: string): Promise<void> {
    const response = await get(target);
    expect(response.status, target).toBe(410);
    expect(bodyJson(response)).toEqual({ error: { code: 'retracted', message: expect.any(String) } });
  }

  /** Puts the file into the bucket, then delivers its ObjectCreated event. */
  async function upload(key: string, text: string, notice = nextNotice(key)): Promise<UploadNotice> {
    const eTag = await pipeline.upload(key, text);
    const delivered = { ...notice, eTag };
    await deliver(delivered);
    return delivered;
  }

  /** Deletes the object, then delivers its ObjectRemoved event. */
  async function remove(key: string, notice = nextNotice(key)): Promise<UploadNotice> {
    await pipeline.remove(key);
    const delivered = { ...notice, eventName: 'ObjectRemoved:Delete' };
    await deliver(delivered);
    return delivered;
  }

  async function deliver(notice: UploadNotice): Promise<void> {
    const result = await pipeline.ingest(buildUploadEvent(notice));
    expect(result.batchItemFailures).toEqual([]);
  }

  async function atomIds(
    target: string,
  ): Promise<{ entries: string[]; deleted: { ref: string; when: string }[] }> {
    const atom = bodyText(await get(target));
    expect(XMLValidator.validate(atom)).toBe(true);
    const feed = parseAtomFeed(atom);
    const parsed = createExactXmlParser(['entry', 'at:deleted-entry']).parse(atom) as {
      feed: { 'at:deleted-entry'?: { '@_ref': string; '@_when': string }[] };
    };
    return {
      entries: (feed.entries ?? []).map((entry) => String(entry.id)),
      deleted: (parsed.feed['at:deleted-entry'] ?? []).map((entry) => ({
        ref: entry['@_ref'],
        when: entry['@_when'],
      })),
    };
  }

  it('moves the head down to the highest version left when the head version’s file is deleted', async () => {
    await upload('stories/head-del/v1.0.txt', storyFile('v1.0', 'a1000001'));
    const v2 = 'stories/head-del/v2.0.txt';
    await upload(v2, storyFile('v2.0', 'a1000002'));
    const versionUrl = `${BASE_URL}/stories/head-del/versions/v2.0`;
    expect((await atomIds('/stories/head-del/feed.atom')).entries).toContain(versionUrl);

    const deleted = await remove(v2);

    expect(await getJson('/stories/head-del')).toMatchObject({ version: 'v1.0', versions: ['v1.0'] });
    await expectRetracted('/stories/head-del/versions/v2.0');
    await expectRetracted('/stories/head-del/versions/v2.0/raw');
    await expectRetracted('/stories/head-del/diff?from=v1.0&to=v2.0');
    expect((await get('/read/head-del/v2.0')).status).toBe(410);
    expect((await get('/read/head-del')).status).toBe(200);
    const storyAtom = await atomIds('/stories/head-del/feed.atom');
    expect(storyAtom.entries).toEqual([`${BASE_URL}/stories/head-del/versions/v1.0`]);
    expect(storyAtom.deleted).toEqual([{ ref: versionUrl, when: deleted.eventTime }]);
    const json = parseJsonFeed(bodyText(await get('/stories/head-del/feed.json')));
    expect(json.items?.map((item) => item.id)).toEqual([`${BASE_URL}/stories/head-del/versions/v1.0`]);
    const rss = bodyText(await get('/stories/head-del/feed.rss'));
    expect(parseRssFeed(rss).items).toHaveLength(1);
    expect(rss).not.toContain('v2.0');
    expect((await get('/sources/a1000002')).status).toBe(404);
    const latest = await getJson<{ items: { storyId: string; version: string }[] }>('/stories');
    expect(latest.items.find((item) => item.storyId === 'head-del')?.version).toBe('v1.0');
    expect(await getJson(`/ingest/status?key=${encodeURIComponent(v2)}`)).toMatchObject({
      outcome: 'retracted',
      etag: null,
      storyId: 'head-del',
      version: 'v2.0',
    });
  });

  it('moves Last-Modified forward, never back, when a retraction changes a list, feed or page', async () => {
    await upload('stories/lm-back/v1.0.txt', storyFile('v1.0', 'b1000001'));
    await upload('stories/lm-back/v1.5.txt', storyFile('v1.5', 'b1000001'));
    const v2 = 'stories/lm-back/v2.0.txt';
    await upload(v2, storyFile('v2.0', 'b1000002'));
    const targets = [
      '/feeds/latest.json',
      '/feeds/latest.atom',
      '/stories',
      '/stories/lm-back/diff',
      '/sources/b1000001/feed.json',
      '/',
      '/read/lm-back',
      '/read/lm-back/v1.0',
      '/read/lm-back/changes',
      '/cited/b1000001',
    ];
    const before = new Map<string, string>();
    for (const target of targets) {
      const response = await get(target);
      expect(response.status, target).toBe(200);
      before.set(target, String(response.headers['last-modified']));
    }

    await pause(1100); // HTTP dates count whole seconds
    await remove(v2);

    for (const target of targets) {
      const since = before.get(target) as string;
      const response = await handleHttpRequest(
        { method: 'GET', ...splitTarget(target), headers: { 'if-modified-since': since }, baseUrl: BASE_URL },
        { reader: pipeline.store, cursorSecret: 'retraction-test' },
      );
      expect(response.status, `${target} since ${since}`).toBe(200);
      expect(Date.parse(String(response.headers['last-modified']))).toBeGreaterThan(Date.parse(since));
    }
  });

  it('moves a source feed’s Last-Modified forward when a story leaves it by no longer citing the source', async () => {
    // Event times of now: earlier tests' retractions (also now) must not date this feed alone.
    const now = (key: string) => nextNotice(key, { eventTime: new Date().toISOString() });
    await upload('stories/lm-left/v1.0.txt', storyFile('v1.0', 'c1000001'), now('stories/lm-left/v1.0.txt'));
    const target = '/sources/c1000001/feed.json';
    const since = String((await get(target)).headers['last-modified']);
    await pause(1100); // HTTP dates count whole seconds
    await upload('stories/lm-left/v2.0.txt', storyFile('v2.0', 'c1000002'), now('stories/lm-left/v2.0.txt'));

    const response = await handleHttpRequest(
      { method: 'GET', ...splitTarget(target), headers: { 'if-modified-since': since }, baseUrl: BASE_URL },
      { reader: pipeline.store, cursorSecret: 'retraction-test' },
    );
    expect(response.status).toBe(200);
    expect(parseJsonFeed(bodyText(response)).items ?? []).toEqual([]);
  });

  it('keeps the head when a middle version’s file is deleted', async () => {
    for (const version of ['v1.0', 'v2.0', 'v3.0']) {
      await upload(`stories/mid-del/${version}.txt`, storyFile(version, 'a2000001'));
    }
    await remove('stories/mid-del/v2.0.txt');

    expect(await getJson('/stories/mid-del')).toMatchObject({ version: 'v3.0', versions: ['v3.0', 'v1.0'] });
    await expectRetracted('/stories/mid-del/versions/v2.0');
    expect(await getJson('/stories/mid-del/versions/v1.0')).toMatchObject({ version: 'v1.0' });
    const sources = await getJson<{ items: { version: string }[] }>('/sources/a2000001');
    expect(sources.items.filter((item) => item.version === 'v2.0')).toEqual([]);
  });

  it('retracts the story when its only version’s file is deleted, with a tombstone in the latest Atom feed', async () => {
    const key = 'only-one.txt';
    await upload(key, storyFile('v0.1', 'a3000001'));
    const storyUrl = `${BASE_URL}/stories/only-one`;
    expect((await atomIds('/feeds/latest.atom')).entries).toContain(storyUrl);

    const deleted = await remove(key);

    await expectRetracted('/stories/only-one');
    await expectRetracted('/stories/only-one/versions/v0.1');
    await expectRetracted('/stories/only-one/feed.json');
    const page = await get('/read/only-one');
    expect(page.status).toBe(410);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    const stories = await getJson<{ items: { storyId: string }[] }>('/stories');
    expect(stories.items.map((item) => item.storyId)).not.toContain('only-one');
    const latestAtom = await atomIds('/feeds/latest.atom');
    expect(latestAtom.entries).not.toContain(storyUrl);
    expect(latestAtom.deleted).toContainEqual({ ref: storyUrl, when: deleted.eventTime });
    const latestJson = parseJsonFeed(bodyText(await get('/feeds/latest.json')));
    expect(latestJson.items?.map((item) => item.id)).not.toContain(storyUrl);
    const latestRss = bodyText(await get('/feeds/latest.rss'));
    expect(parseRssFeed(latestRss).items?.map((item) => item.guid?.value)).not.toContain(storyUrl);
    expect(latestRss).not.toContain('deleted-entry');
    expect((await get('/sources/a3000001')).status).toBe(404);
    expect((await get('/sources/a3000001/feed.atom')).status).toBe(404);
  });

  it('clears the ingest errors of a deleted key', async () => {
    const key = 'broken/never-fixed.txt';
    await upload(key, 'no version here\n\nTitle\n\n2024-01-01 00:00:00\n\nBody.');
    const errorsOf = async () =>
      (await pipeline.store.listIngestErrors({ limit: 200 })).items.filter((error) => error.key === key);
    expect(await errorsOf()).toHaveLength(1);

    await remove(key);

    expect(await errorsOf()).toEqual([]);
    expect(await getJson(`/ingest/status?key=${encodeURIComponent(key)}`)).toMatchObject({
      outcome: 'retracted',
    });
  });

  it('publishes a retracted version again when its text is uploaded again', async () => {
    const key = 'stories/comeback/v1.0.txt';
    await upload(key, storyFile('v1.0', 'a4000001'));
    await remove(key);
    await expectRetracted('/stories/comeback');

    await upload(key, storyFile('v1.0', 'a4000001'));

    expect(await getJson('/stories/comeback')).toMatchObject({ version: 'v1.0', versions: ['v1.0'] });
    expect((await atomIds('/feeds/latest.atom')).deleted.map((entry) => entry.ref)).not.toContain(
      `${BASE_URL}/stories/comeback`,
    );
    expect((await getJson<{ items: unknown[] }>('/sources/a4000001')).items).toHaveLength(1);
  });

  it('does the same once when the delete is delivered twice', async () => {
    const key = 'stories/twice/v1.0.txt';
    await upload(key, storyFile('v1.0', 'a5000001'));
    const deleted = await remove(key);
    const once = await storyItems(pipeline, 'twice', [key]);
    await deliver(deleted);

    expect(await storyItems(pipeline, 'twice', [key])).toEqual(once);
    await expectRetracted('/stories/twice');
  });

  it('retracts when the delete is handled before its upload’s event', async () => {
    const key = 'stories/early-delete/v1.0.txt';
    const eTag = await pipeline.upload(key, storyFile('v1.0', 'a6000001'));
    const created = { ...nextNotice(key), eTag };
    await pipeline.remove(key);
    await deliver({ ...nextNotice(key), eventName: 'ObjectRemoved:Delete' });
    await deliver(created);

    expect((await get('/stories/early-delete')).status).toBe(404);
    expect((await pipeline.store.listIngestErrors({ limit: 200 })).items.map((e) => e.key)).not.toContain(
      key,
    );
    expect(await getJson(`/ingest/status?key=${encodeURIComponent(key)}`)).toMatchObject({
      outcome: 'retracted',
    });
  });

  describe('a delete racing a re-upload of the same key converges to what S3 holds last', () => {
    it.each([['delete first'], ['re-upload first']])('re-upload last in S3, %s', async (order) => {
      const key = `stories/race-up-${order.split(' ')[0]}/v1.0.txt`;
      const storyId = `race-up-${order.split(' ')[0]}`;
      await upload(key, storyFile('v1.0', 'a7000001', 'First text'));
      await pipeline.remove(key);
      const deleted = { ...nextNotice(key), eventName: 'ObjectRemoved:Delete' };
      const eTag = await pipeline.upload(key, storyFile('v1.0', 'a7000001', 'Second text'));
      const reuploaded = { ...nextNotice(key), eTag };
      const events = order === 'delete first' ? [deleted, reuploaded] : [reuploaded, deleted];
      for (const event of events) await deliver(event);

      expect(await getJson(`/stories/${storyId}`)).toMatchObject({
        title: 'Second text',
        versions: ['v1.0'],
      });
      expect(await getJson(`/ingest/status?key=${encodeURIComponent(key)}`)).toMatchObject({
        outcome: 'stored',
        etag: `"${eTag}"`,
      });
    });

    it.each([['delete first'], ['re-upload first']])('delete last in S3, %s', async (order) => {
      const key = `stories/race-del-${order.split(' ')[0]}/v1.0.txt`;
      const storyId = `race-del-${order.split(' ')[0]}`;
      await upload(key, storyFile('v1.0', 'a8000001', 'First text'));
      const eTag = await pipeline.upload(key, storyFile('v1.0', 'a8000001', 'Second text'));
      const reuploaded = { ...nextNotice(key), eTag };
      await pipeline.remove(key);
      const deleted = { ...nextNotice(key), eventName: 'ObjectRemoved:Delete' };
      const events = order === 'delete first' ? [deleted, reuploaded] : [reuploaded, deleted];
      for (const event of events) await deliver(event);

      await expectRetracted(`/stories/${storyId}`);
      expect(await getJson(`/ingest/status?key=${encodeURIComponent(key)}`)).toMatchObject({
        outcome: 'retracted',
      });
      const errors = await pipeline.store.listIngestErrors({ limit: 200 });
      expect(errors.items.map((error) => error.key)).not.toContain(key);
    });
  });

  it('keeps a version whose text another key still holds', async () => {
    const text = storyFile('v1.0', 'a9000001', 'Held twice');
    const metadata = { 'story-id': 'held-twice' };
    for (const key of ['copies/one.txt', 'copies/two.txt']) {
      const eTag = await pipeline.upload(key, text, metadata);
      await deliver({ ...nextNotice(key), eTag });
    }
    await remove('copies/one.txt');
    expect(await getJson('/stories/held-twice')).toMatchObject({ title: 'Held twice' });

    await remove('copies/two.txt');
    await expectRetracted('/stories/held-twice');
  });
});

describe('retraction after a crash before any of its writes', () => {
  let pipeline: TestPipeline;

  beforeAll(async () => {
    pipeline = await startTestPipeline();
  });
  afterAll(async () => {
    await pipeline.stop();
  });

  it('converges to the table of a clean run when the delete is redelivered', async () => {
    const keys = ['stories/crashy/v1.0.txt', 'stories/crashy/v2.0.txt'];
    const texts = [
      buildStoryFile({ version: 'v1.0', paragraphs: ['One [b1000001] [b1000002].'] }),
      buildStoryFile({ version: 'v2.0', paragraphs: ['Two [b1000002] [b1000003].'] }),
    ];
    const uploads = keys.map((key) => nextNotice(key));
    const deletes = keys.map((key) => ({ ...nextNotice(key), eventName: 'ObjectRemoved:Delete' }));

    /** Uploads both versions, then deletes v2.0 (the head) and v1.0 (the last one), crashing one delete. */
    const runScenario = async (crashIn: number | null, crashAt: number) => {
      await resetStory(pipeline, 'crashy', keys);
      for (const [index, key] of keys.entries()) {
        const eTag = await pipeline.upload(key, texts[index] ?? '');
        await pipeline.ingest(buildUploadEvent({ ...uploads[index], key, eTag }));
      }
      let calls = 0;
      for (const [index, notice] of deletes.entries()) {
        if (index !== crashIn) {
          await pipeline.ingest(buildUploadEvent(notice));
          continue;
        }
        calls = 0;
        const faulty = createFaultyClients(pipeline.env, () => {
          calls += 1;
          return calls === crashAt ? new Error('injected crash') : undefined;
        });
        const crashed = await pipeline.ingest(buildUploadEvent(notice), faulty);
        expect(crashed.batchItemFailures).toHaveLength(1);
        const redelivered = await pipeline.ingest(buildUploadEvent(notice));
        expect(redelivered.batchItemFailures).toEqual([]);
      }
      return storyItems(pipeline, 'crashy', keys);
    };

    const clean = await runScenario(null, 0);
    expect(clean.some((item) => item.pk === 'TOMBSTONES')).toBe(true);
    for (const crashIn of [0, 1]) {
      let calls = 0;
      const counting = createFaultyClients(pipeline.env, () => {
        calls += 1;
        return undefined;
      });
      // Count the calls of this delete in a clean run, then crash before each of them.
      await resetStory(pipeline, 'crashy', keys);
      for (const [index, key] of keys.entries()) {
        const eTag = await pipeline.upload(key, texts[index] ?? '');
        await pipeline.ingest(buildUploadEvent({ ...uploads[index], key, eTag }));
      }
      if (crashIn === 1) await pipeline.ingest(buildUploadEvent(deletes[0] as UploadNotice));
      await pipeline.ingest(buildUploadEvent(deletes[crashIn] as UploadNotice), counting);
      expect(calls).toBeGreaterThan(5);
      const total = calls;
      for (let crashAt = 1; crashAt <= total; crashAt += 1) {
        const state = await runScenario(crashIn, crashAt);
        expect(state, `delete ${crashIn + 1}, crash before call ${crashAt} of ${total}`).toEqual(clean);
      }
    }
  }, 120_000);
});

function keyPartition(key: string): string {
  return `KEY#${createHash('sha256').update(key, 'utf8').digest('hex')}`;
}

/** Every item of one story: its partition, its source index items, its keys' items and its tombstone. */
async function storyItems(pipeline: TestPipeline, storyId: string, keys: string[]) {
  const keyPartitions = new Set(keys.map(keyPartition));
  return (await pipeline.scanTable()).filter(
    (item) =>
      item.pk === `STORY#${storyId}` ||
      String(item.sk).startsWith(`${storyId}#`) ||
      keyPartitions.has(String(item.pk)) ||
      (item.pk === 'TOMBSTONES' && item.sk === `STORY#${storyId}`),
  );
}

async function resetStory(pipeline: TestPipeline, storyId: string, keys: string[]): Promise<void> {
  for (const item of await storyItems(pipeline, storyId, keys)) {
    await pipeline.clients.dynamo.send(
      new DeleteCommand({ TableName: pipeline.emulators.tableName, Key: { pk: item.pk, sk: item.sk } }),
    );
  }
}
