import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { combineEventSinks, type RetryPolicy } from '../../../functions/events/event-sink.ts';
import { readJsonLines } from '../../../functions/events/json-lines-file.ts';
import { buildPublication, type StoryEvent } from '../../../functions/events/story-event.ts';
import { deadLetterFile, type EventDeadLetter, WebhookSink } from '../../../functions/events/webhook-sink.ts';
import { WebSubNotifier } from '../../../functions/events/websub-notifier.ts';
import { type HttpReceiver, startHttpReceiver } from '../../builders/http-receiver.ts';
import { buildPublishedChange, EVENT_BASE_URL } from '../../builders/story-change.ts';

const FAST: RetryPolicy = { attempts: 4, baseDelayMs: 5, maxDelayMs: 20 };

describe('WebhookSink and WebSubNotifier against a local receiver', () => {
  let receiver: HttpReceiver;
  beforeAll(async () => {
    receiver = await startHttpReceiver();
  });
  afterAll(() => receiver.stop());
  beforeEach(() => {
    receiver.requests.length = 0;
    receiver.failNext(0);
  });

  it('POSTs each event as JSON, and a receiver failing twice still gets it on the third try', async () => {
    const publication = buildPublication([buildPublishedChange()], EVENT_BASE_URL);
    receiver.failNext(2);
    await new WebhookSink({ url: receiver.url, retry: FAST }).publish(publication);

    expect(receiver.requests.map((request) => request.status)).toEqual([503, 503, 204]);
    expect(receiver.requests.every((request) => request.contentType === 'application/json')).toBe(true);
    expect(receiver.accepted().map((body) => JSON.parse(body) as StoryEvent)).toEqual(publication.events);
  });

  it('keeps an event the receiver never takes as a dead letter and goes on with the next', async () => {
    const deadLetters = join(mkdtempSync(join(tmpdir(), 'storyfeed-events-')), 'events-dlq.jsonl');
    const publication = buildPublication(
      [buildPublishedChange(), buildPublishedChange({ version: 'v0.13' })],
      EVENT_BASE_URL,
    );
    receiver.failNext(4, 500);
    await new WebhookSink({
      url: receiver.url,
      retry: FAST,
      deadLetters: deadLetterFile(deadLetters),
    }).publish(publication);

    const letters = readJsonLines<EventDeadLetter>(deadLetters);
    expect(letters.map((letter) => letter.event)).toEqual([publication.events[0]]);
    expect(letters[0]).toMatchObject({ url: receiver.url, tries: 4, error: `${receiver.url} answered 500` });
    expect(receiver.accepted().map((body) => (JSON.parse(body) as StoryEvent).id)).toEqual([
      publication.events[1]?.id,
    ]);
  });

  it('throws when the receiver never takes an event and there is no dead-letter box', async () => {
    receiver.failNext(4);
    const publication = buildPublication([buildPublishedChange()], EVENT_BASE_URL);
    await expect(new WebhookSink({ url: receiver.url, retry: FAST }).publish(publication)).rejects.toThrow(
      /refused event/,
    );
  });

  it('pings the hub once per changed feed with a form-encoded hub.mode=publish', async () => {
    const publication = buildPublication([buildPublishedChange({ sources: ['25773905'] })], EVENT_BASE_URL);
    receiver.failNext(1);
    await new WebSubNotifier({ hub: receiver.url, retry: FAST }).publish(publication);

    const pings = receiver.accepted().map((body) => Object.fromEntries(new URLSearchParams(body)));
    expect(pings.map((ping) => ping['hub.url']).sort()).toEqual([...publication.feeds].sort());
    expect(pings.every((ping) => ping['hub.mode'] === 'publish')).toBe(true);
    expect(receiver.requests.every((r) => r.contentType === 'application/x-www-form-urlencoded')).toBe(true);
    expect(pings).toHaveLength(9);
  });

  it('fails the publication when one sink fails, after the others have delivered', async () => {
    const publication = buildPublication([buildPublishedChange()], EVENT_BASE_URL);
    const refusing = { publish: async () => Promise.reject(new Error('bus unavailable')) };
    const sink = combineEventSinks([new WebhookSink({ url: receiver.url, retry: FAST }), refusing]);
    await expect(sink.publish(publication)).rejects.toThrow(/1 event sink\(s\) failed: bus unavailable/);
    expect(receiver.accepted()).toHaveLength(1);
  });
});
