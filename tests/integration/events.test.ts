import { readFileSync } from 'node:fs';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { combineEventSinks, type RetryPolicy } from '../../functions/events/event-sink.ts';
import { type ChangePublisher, createChangePublisher } from '../../functions/events/publish-changes.ts';
import type { StoryEvent } from '../../functions/events/story-event.ts';
import { WebhookSink } from '../../functions/events/webhook-sink.ts';
import { WebSubNotifier } from '../../functions/events/websub-notifier.ts';
import { createIngestHandler } from '../../functions/ingest/ingest-handler.ts';
import { checkEventsAgainstSchemas } from '../builders/event-schemas.ts';
import { type HttpReceiver, startHttpReceiver } from '../builders/http-receiver.ts';
import { buildS3Record, buildSqsRecord } from '../builders/s3-events.ts';
import { buildStoryFile } from '../builders/story-file.ts';
import { startTestPipeline, type TestPipeline } from './pipeline.ts';

const BASE_URL = 'http://localhost:3000';
const FAST: RetryPolicy = { attempts: 3, baseDelayMs: 5, maxDelayMs: 20 };
const SEED_KEY = '000_8ac52d5236e3c6f4.txt';
const SEED_ID = '8ac52d5236e3c6f4';
const seedText = readFileSync(new URL(`../../seeds/${SEED_KEY}`, import.meta.url), 'utf8');

/** The webhook's events in arrival order, as `detail-type storyId version isHead`. */
function describeEvents(events: StoryEvent[]): string[] {
  return events.map((event) =>
    [
      event['detail-type'],
      event.detail.storyId,
      event.detail.version ?? 'null',
      ...('isHead' in event.detail ? [event.detail.isHead ? 'head' : 'below head'] : []),
    ].join(' '),
  );
}

describe('events of the ingest flow, against the emulators and local receivers', () => {
  let pipeline: TestPipeline;
  let webhook: HttpReceiver;
  let hub: HttpReceiver;
  /** Set by a test to make the next publish fail once the table writes are done (a crash there). */
  let crashBeforePublish = false;

  beforeAll(async () => {
    [pipeline, webhook, hub] = await Promise.all([
      startTestPipeline(),
      startHttpReceiver(),
      startHttpReceiver(),
    ]);
  });
  afterAll(async () => {
    await Promise.all([pipeline.stop(), webhook.stop(), hub.stop()]);
  });
  beforeEach(() => {
    webhook.requests.length = 0;
    hub.requests.length = 0;
  });

  function ingest(event: SQSEvent) {
    const publisher = createChangePublisher(
      combineEventSinks([
        new WebhookSink({ url: webhook.url, retry: FAST }),
        new WebSubNotifier({ hub: hub.url, retry: FAST }),
      ]),
      BASE_URL,
    );
    const events: ChangePublisher = {
      publishChanges(changes) {
        if (crashBeforePublish) {
          crashBeforePublish = false;
          return Promise.reject(new Error('the function timed out after its table writes'));
        }
        return publisher.publishChanges(changes);
      },
    };
    return createIngestHandler({
      blobs: pipeline.blobs,
      store: pipeline.store,
      reader: pipeline.store,
      events,
      logger: new Logger({ serviceName: 'test', logLevel: 'SILENT' }),
      metrics: new Metrics({ namespace: 'test', serviceName: 'test' }),
    })(event);
  }

  /** Uploads a file and delivers its S3 event (`deliveries` times); returns the record for redelivery. */
  async function uploadAndIngest(key: string, text: string, deliveries = 1) {
    await pipeline.upload(key, text);
    const record = buildS3Record({ key });
    for (let delivery = 1; delivery <= deliveries; delivery += 1) {
      const result = await ingest({ Records: [buildSqsRecord([record], delivery)] });
      expect(result.batchItemFailures).toEqual([]);
    }
    return record;
  }

  function received(): StoryEvent[] {
    return webhook.accepted().map((body) => JSON.parse(body) as StoryEvent);
  }

  /** The absolute URLs of each feed path in its three formats. */
  function feedUrls(...paths: string[]): Set<string> {
    return new Set(
      paths.flatMap((path) => ['json', 'atom', 'rss'].map((format) => `${BASE_URL}${path}.${format}`)),
    );
  }

  /** The stories a source's feed lists (what its feed is built from). */
  async function storiesInSourceFeed(citationId: string): Promise<string[]> {
    const page = await pipeline.store.listSourceStories(citationId, { limit: 50 });
    return page.items.map((item) => item.document.storyId);
  }

  function pingedFeeds(): string[] {
    return hub.accepted().map((body) => new URLSearchParams(body).get('hub.url') ?? '');
  }

  it('publishes the seed as its story head once, and pings the hub once per changed feed', async () => {
    await uploadAndIngest(SEED_KEY, seedText);

    const events = received();
    expect(describeEvents(events)).toEqual([`Story Version Published ${SEED_ID} v0.12 head`]);
    expect(events[0]?.detail).toMatchObject({
      title: expect.stringContaining('Shenzhen'),
      publishedAt: '2024-07-05T15:33:01.103Z',
      urls: {
        page: `${BASE_URL}/read/${SEED_ID}/v0.12`,
        json: `${BASE_URL}/stories/${SEED_ID}/versions/v0.12`,
        feeds: { atom: `${BASE_URL}/stories/${SEED_ID}/feed.atom` },
      },
    });
    expect(checkEventsAgainstSchemas(events)).toEqual([]);
    const sources =
      (await pipeline.store.getVersion(SEED_ID, 'v0.12'))?.document.citations.map((c) => c.id) ?? [];
    const expected = [
      '/feeds/latest',
      `/stories/${SEED_ID}/feed`,
      ...sources.map((id) => `/sources/${id}/feed`),
    ]
      .flatMap((path) => ['json', 'atom', 'rss'].map((format) => `${BASE_URL}${path}.${format}`))
      .sort();
    expect(pingedFeeds().sort()).toEqual(expected);
    expect(sources).toHaveLength(6);
  });

  it('repeats the same event id for a redelivered upload, and publishes nothing for the same text uploaded again', async () => {
    const key = 'stories/redelivered/v1.0.txt';
    await uploadAndIngest(key, buildStoryFile({ version: 'v1.0', paragraphs: ['One [25773905].'] }), 3);
    await uploadAndIngest(key, buildStoryFile({ version: 'v1.0', paragraphs: ['One [25773905].'] }));

    const events = received();
    expect(describeEvents(events)).toEqual(Array(3).fill('Story Version Published redelivered v1.0 head'));
    expect(new Set(events.map((event) => event.id)).size).toBe(1);
  });

  it('publishes a lower version as below the head, pinging only the story feeds', async () => {
    await uploadAndIngest(
      'stories/lower/v0.12.txt',
      buildStoryFile({ version: 'v0.12', paragraphs: ['A [934f7ccc].'] }),
    );
    webhook.requests.length = 0;
    hub.requests.length = 0;
    await uploadAndIngest(
      'stories/lower/v0.11.txt',
      buildStoryFile({ version: 'v0.11', paragraphs: ['B [934f7ccc].'] }),
    );

    expect(describeEvents(received())).toEqual(['Story Version Published lower v0.11 below head']);
    expect(pingedFeeds().sort()).toEqual(
      ['atom', 'json', 'rss'].map((format) => `${BASE_URL}/stories/lower/feed.${format}`),
    );
  });

  it('sends the event on the redelivery of an ingest that crashed after its table writes, with the same id', async () => {
    await uploadAndIngest(
      'stories/crashed/v1.0.txt',
      buildStoryFile({ version: 'v1.0', paragraphs: ['Before [abcd0001].'] }),
    );
    webhook.requests.length = 0;
    hub.requests.length = 0;
    const key = 'stories/crashed/v2.0.txt';
    await pipeline.upload(key, buildStoryFile({ version: 'v2.0' }));
    const record = buildS3Record({ key });
    crashBeforePublish = true;
    const first = await ingest({ Records: [buildSqsRecord([record], 1)] });
    expect(first.batchItemFailures).toHaveLength(1);
    expect(received()).toEqual([]);
    expect(await pipeline.store.getHead('crashed')).toMatchObject({ version: 'v2.0' });

    const second = await ingest({ Records: [buildSqsRecord([record], 2)] });
    const third = await ingest({ Records: [buildSqsRecord([record], 3)] });
    expect([...second.batchItemFailures, ...third.batchItemFailures]).toEqual([]);
    const events = received();
    expect(describeEvents(events)).toEqual(Array(2).fill('Story Version Published crashed v2.0 head'));
    expect(new Set(events.map((event) => event.id)).size).toBe(1);
    // the feed of the source v1.0 cited and v2.0 does not: the story left it
    expect(pingedFeeds()).toContain(`${BASE_URL}/sources/abcd0001/feed.atom`);
  });

  it('delivers to a receiver that fails twice, on the third try', async () => {
    webhook.failNext(2);
    await uploadAndIngest('stories/flaky/v1.0.txt', buildStoryFile({ version: 'v1.0' }));

    expect(webhook.requests.map((request) => request.status)).toEqual([503, 503, 204]);
    expect(describeEvents(received())).toEqual(['Story Version Published flaky v1.0 head']);
  });

  it('retries the record, not loses the event, when the receiver keeps failing', async () => {
    const key = 'stories/down/v1.0.txt';
    await pipeline.upload(key, buildStoryFile({ version: 'v1.0' }));
    const record = buildS3Record({ key });
    webhook.failNext(3);
    const first = await ingest({ Records: [buildSqsRecord([record], 1)] });
    expect(first.batchItemFailures).toHaveLength(1);
    const second = await ingest({ Records: [buildSqsRecord([record], 2)] });
    expect(second.batchItemFailures).toEqual([]);
    expect(describeEvents(received())).toEqual(['Story Version Published down v1.0 head']);
  });

  async function deleteAndIngest(key: string, deliveries = 1) {
    await pipeline.remove(key);
    const record = buildS3Record({ key, eventName: 'ObjectRemoved:Delete' });
    for (let delivery = 1; delivery <= deliveries; delivery += 1) {
      const result = await ingest({ Records: [buildSqsRecord([record], delivery)] });
      expect(result.batchItemFailures).toEqual([]);
    }
  }

  it('retracts the head and publishes the version below as head again, with ids a redelivery repeats', async () => {
    await uploadAndIngest(
      'stories/retract/v1.0.txt',
      buildStoryFile({ version: 'v1.0', paragraphs: ['A [25773905].'] }),
    );
    await uploadAndIngest(
      'stories/retract/v2.0.txt',
      buildStoryFile({ version: 'v2.0', paragraphs: ['B [934f7ccc].'] }),
    );
    const firstPublish = received()[0];
    webhook.requests.length = 0;
    hub.requests.length = 0;
    await deleteAndIngest('stories/retract/v2.0.txt', 2);

    const events = received();
    expect(describeEvents(events)).toEqual([
      'Story Retracted retract v2.0',
      'Story Version Published retract v1.0 head',
      'Story Retracted retract v2.0',
      'Story Version Published retract v1.0 head',
    ]);
    expect(events[2]?.id).toBe(events[0]?.id);
    expect(events[3]?.id).toBe(events[1]?.id);
    expect(events[1]?.id).not.toBe(firstPublish?.id);
    expect(checkEventsAgainstSchemas(events)).toEqual([]);
    // 934f7ccc's feed dropped the story with v2.0; 25773905's lists it again with v1.0.
    expect(new Set(pingedFeeds())).toEqual(
      feedUrls('/feeds/latest', '/stories/retract/feed', '/sources/25773905/feed', '/sources/934f7ccc/feed'),
    );
  });

  it('pings the feed of a source the new head no longer cites, which the story left', async () => {
    await uploadAndIngest(
      'stories/recited/v1.0.txt',
      buildStoryFile({ version: 'v1.0', paragraphs: ['A [25773905].', 'B [934f7ccc].'] }),
    );
    hub.requests.length = 0;
    await uploadAndIngest(
      'stories/recited/v1.1.txt',
      buildStoryFile({ version: 'v1.1', paragraphs: ['A [25773905].', 'C [1a2b3c4d].'] }),
    );

    expect(new Set(pingedFeeds())).toEqual(
      feedUrls(
        '/feeds/latest',
        '/stories/recited/feed',
        '/sources/25773905/feed',
        '/sources/934f7ccc/feed',
        '/sources/1a2b3c4d/feed',
      ),
    );
    expect(await storiesInSourceFeed('934f7ccc')).not.toContain('recited');
    expect(await storiesInSourceFeed('1a2b3c4d')).toContain('recited');
  });

  it('retracts the whole story with its last version, and publishes it again when it is uploaded again', async () => {
    const key = 'stories/gone/v1.0.txt';
    const text = buildStoryFile({ version: 'v1.0' });
    await uploadAndIngest(key, text);
    await deleteAndIngest(key);
    await uploadAndIngest(key, text);

    const events = received();
    expect(describeEvents(events)).toEqual([
      'Story Version Published gone v1.0 head',
      'Story Retracted gone v1.0',
      'Story Retracted gone null',
      'Story Version Published gone v1.0 head',
    ]);
    expect(new Set(events.map((event) => event.id)).size).toBe(4);
    expect(checkEventsAgainstSchemas(events)).toEqual([]);
  });

  it('finds the sources of a head written before heads carried them, in its version item', async () => {
    await uploadAndIngest(
      'stories/older/v1.0.txt',
      buildStoryFile({ version: 'v1.0', paragraphs: ['A [25773905].', 'B [934f7ccc].'] }),
    );
    await pipeline.clients.dynamo.send(
      new UpdateCommand({
        TableName: pipeline.emulators.tableName,
        Key: { pk: 'STORY#older', sk: 'HEAD' },
        UpdateExpression: 'REMOVE sources',
      }),
    );
    hub.requests.length = 0;
    await uploadAndIngest(
      'stories/older/v1.1.txt',
      buildStoryFile({ version: 'v1.1', paragraphs: ['A [25773905].'] }),
    );

    expect(new Set(pingedFeeds())).toEqual(
      feedUrls('/feeds/latest', '/stories/older/feed', '/sources/25773905/feed', '/sources/934f7ccc/feed'),
    );
  });

  it('pings the feeds of the sources a retracted story leaves', async () => {
    const key = 'stories/left/v1.0.txt';
    await uploadAndIngest(key, buildStoryFile({ version: 'v1.0', paragraphs: ['A [5e5e5e5e].'] }));
    expect(await storiesInSourceFeed('5e5e5e5e')).toContain('left');
    hub.requests.length = 0;
    await deleteAndIngest(key);

    expect(new Set(pingedFeeds())).toEqual(
      feedUrls('/feeds/latest', '/stories/left/feed', '/sources/5e5e5e5e/feed'),
    );
    expect(await storiesInSourceFeed('5e5e5e5e')).not.toContain('left');
  });
});
