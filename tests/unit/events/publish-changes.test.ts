import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { EventSink } from '../../../functions/events/event-sink.ts';
import { readJsonLines } from '../../../functions/events/json-lines-file.ts';
import {
  createChangePublisherFromEnv,
  eventBaseUrl,
  eventDeadLetterPath,
} from '../../../functions/events/publish-changes.ts';
import type { Publication, StoryEvent } from '../../../functions/events/story-event.ts';
import type { EventDeadLetter } from '../../../functions/events/webhook-sink.ts';
import { runEventsDlq } from '../../../local/commands/events-dlq.ts';
import { redriveEventDeadLetters } from '../../../local/event-redrive.ts';
import { type HttpReceiver, startHttpReceiver } from '../../builders/http-receiver.ts';
import { buildPublishedChange, buildRetractedChange } from '../../builders/story-change.ts';

describe('eventBaseUrl', () => {
  it('takes PUBLIC_BASE_URL without its trailing slash', () => {
    expect(eventBaseUrl({ PUBLIC_BASE_URL: 'https://news.example.org/' }, true)).toBe(
      'https://news.example.org',
    );
  });

  it('falls back to the local server locally, and refuses to guess on Lambda', () => {
    expect(eventBaseUrl({ PORT: '3100' }, true)).toBe('http://localhost:3100');
    expect(() => eventBaseUrl({ AWS_LAMBDA_FUNCTION_NAME: 'ingest' }, true)).toThrow(/PUBLIC_BASE_URL/);
  });
});

describe('createChangePublisherFromEnv', () => {
  it('sends nothing anywhere when no destination is configured', async () => {
    const eventBridge = vi.fn<(bus: string) => EventSink>();
    const publisher = createChangePublisherFromEnv({}, eventBridge);
    expect(await publisher.publishChanges([buildPublishedChange()])).toEqual([]);
    expect(eventBridge).not.toHaveBeenCalled();
  });

  it('still logs each event when no destination is configured (storyfeed dev prints one line per event)', async () => {
    const lines: string[] = [];
    const publisher = createChangePublisherFromEnv(
      { PORT: '3100' },
      () => {
        throw new Error('no bus configured');
      },
      (message, fields) => lines.push(`${message} ${fields.detailType} ${fields.storyId}`),
    );
    const events = await publisher.publishChanges([buildPublishedChange()]);
    expect(events[0]?.detail).toMatchObject({ urls: { page: 'http://localhost:3100/read/harbour/v0.12' } });
    expect(lines).toEqual(['event published Story Version Published harbour']);
  });

  it('puts the events on the EVENT_BUS_NAME bus and logs one line per event', async () => {
    const published: Publication[] = [];
    const lines: Record<string, unknown>[] = [];
    const publisher = createChangePublisherFromEnv(
      { EVENT_BUS_NAME: 'storyfeed-events', PUBLIC_BASE_URL: 'https://news.example.org' },
      (bus) => ({ publish: async (publication) => void published.push({ ...publication, feeds: [bus] }) }),
      (message, fields) => lines.push({ message, ...fields }),
    );
    const events = await publisher.publishChanges([
      buildPublishedChange(),
      buildRetractedChange({ version: null }),
    ]);

    expect(published).toEqual([{ events, feeds: ['storyfeed-events'] }]);
    expect(events[0]?.detail).toMatchObject({
      urls: { page: 'https://news.example.org/read/harbour/v0.12' },
    });
    expect(lines).toEqual([
      {
        message: 'event published',
        eventId: events[0]?.id,
        detailType: 'Story Version Published',
        storyId: 'harbour',
        eventVersion: 'v0.12',
        isHead: true,
      },
      {
        message: 'event published',
        eventId: events[1]?.id,
        detailType: 'Story Retracted',
        storyId: 'harbour',
        eventVersion: null,
      },
    ]);
  });
});

describe('the local webhook and storyfeed events-dlq', () => {
  let receiver: HttpReceiver;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    receiver = await startHttpReceiver();
    env = {
      STORYFEED_WEBHOOK_URL: receiver.url,
      STORYFEED_DATA_DIR: mkdtempSync(join(tmpdir(), 'sf-events-')),
    };
  });
  afterAll(() => receiver.stop());

  it('keeps what the receiver refused, lists it, and redrives it once the receiver is back', async () => {
    const warnings: string[] = [];
    const publisher = createChangePublisherFromEnv(
      env,
      () => {
        throw new Error('no bus configured');
      },
      (message, _fields, level) => {
        if (level === 'warn') warnings.push(message);
      },
    );
    receiver.failNext(4, 502);
    const [event] = await publisher.publishChanges([buildPublishedChange()]);
    const path = eventDeadLetterPath(env);
    expect(readJsonLines<EventDeadLetter>(path).map((letter) => letter.event.id)).toEqual([event?.id]);
    expect(warnings).toEqual([
      expect.stringMatching(/^the webhook refused the event after 4 tries: kept in /),
    ]);

    const output: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((text) => {
      output.push(String(text));
      return true;
    });
    vi.stubEnv('STORYFEED_DATA_DIR', env.STORYFEED_DATA_DIR ?? '');
    try {
      expect(await runEventsDlq([])).toBe(0);
      expect(await runEventsDlq(['--redrive'])).toBe(0);
      expect(await runEventsDlq([])).toBe(0);
    } finally {
      write.mockRestore();
      vi.unstubAllEnvs();
    }
    expect(output[0]).toContain(`${event?.id}  Story Version Published harbour v0.12  4 tries`);
    expect(output[1]).toContain(`redriven ${event?.id}`);
    expect(output[2]).toContain('no event dead letters');
    expect(receiver.accepted().map((body) => (JSON.parse(body) as StoryEvent).id)).toEqual([event?.id]);
  });
});

describe('redriveEventDeadLetters', () => {
  it('sends each letter again and keeps, in the file, the ones refused again', async () => {
    const receiver = await startHttpReceiver();
    try {
      const path = join(mkdtempSync(join(tmpdir(), 'sf-redrive-')), 'events-dlq.jsonl');
      const publisher = createChangePublisherFromEnv(
        { STORYFEED_WEBHOOK_URL: receiver.url, STORYFEED_DATA_DIR: join(path, '..') },
        () => {
          throw new Error('no bus configured');
        },
      );
      receiver.failNext(8, 503);
      const events = await publisher.publishChanges([buildPublishedChange(), buildRetractedChange()]);
      expect(readJsonLines<EventDeadLetter>(path)).toHaveLength(2);

      const once = { attempts: 1, baseDelayMs: 0, maxDelayMs: 0 };
      receiver.failNext(1, 503);
      const first = await redriveEventDeadLetters(path, receiver.url, once);
      expect([first.sent.length, first.kept.length]).toEqual([1, 1]);
      expect(readJsonLines<EventDeadLetter>(path).map((letter) => letter.event.id)).toEqual([events[0]?.id]);
      const second = await redriveEventDeadLetters(path, receiver.url, once);
      expect(second.sent.map(({ letter }) => letter.event.id)).toEqual([events[0]?.id]);
      expect(readJsonLines(path)).toEqual([]);
      expect(
        receiver
          .accepted()
          .map((body) => (JSON.parse(body) as StoryEvent).id)
          .sort(),
      ).toEqual(events.map((event) => event.id).sort());
    } finally {
      await receiver.stop();
    }
  });
});
