import type {
  EventBridgeClient,
  PutEventsCommand,
  PutEventsCommandOutput,
} from '@aws-sdk/client-eventbridge';
import { describe, expect, it } from 'vitest';
import type { RetryPolicy } from '../../../functions/events/event-sink.ts';
import { EventBridgeSink } from '../../../functions/events/eventbridge-sink.ts';
import { buildPublication } from '../../../functions/events/story-event.ts';
import { buildPublishedChange, EVENT_BASE_URL } from '../../builders/story-change.ts';

const NO_WAIT: RetryPolicy = { attempts: 3, baseDelayMs: 1, maxDelayMs: 1, sleep: async () => {} };

type Answer = (entries: number) => Partial<PutEventsCommandOutput>;

/** A stand-in for the SDK client: records each PutEvents input and answers with `answers` in turn. */
function recordingClient(answers: Answer[] = []) {
  const calls: NonNullable<PutEventsCommand['input']['Entries']>[] = [];
  const client: Pick<EventBridgeClient, 'send'> = {
    send: (async (command: PutEventsCommand) => {
      const entries = command.input.Entries ?? [];
      calls.push(entries);
      const answer = answers.shift() ?? ((count: number) => allAccepted(count));
      return answer(entries.length);
    }) as unknown as EventBridgeClient['send'],
  };
  return { client, calls };
}

function allAccepted(count: number): Partial<PutEventsCommandOutput> {
  return {
    FailedEntryCount: 0,
    Entries: Array.from({ length: count }, (_, index) => ({ EventId: `eb-${index}` })),
  };
}

function versions(count: number) {
  return buildPublication(
    Array.from({ length: count }, (_, index) => buildPublishedChange({ version: `v1.${index}` })),
    EVENT_BASE_URL,
  );
}

describe('EventBridgeSink', () => {
  it('puts each event on the bus with source, detail-type, time and the detail as JSON', async () => {
    const { client, calls } = recordingClient();
    const publication = versions(1);
    await new EventBridgeSink(client, 'storyfeed-events', NO_WAIT).publish(publication);

    const [event] = publication.events;
    expect(calls).toEqual([
      [
        {
          EventBusName: 'storyfeed-events',
          Source: 'storyfeed',
          DetailType: 'Story Version Published',
          Detail: JSON.stringify(event?.detail),
          Time: new Date('2026-01-01T00:00:00.001Z'),
        },
      ],
    ]);
    expect(JSON.parse(calls[0]?.[0]?.Detail ?? '{}').eventId).toBe(event?.id);
  });

  it('sends at most 10 entries per PutEvents call', async () => {
    const { client, calls } = recordingClient();
    await new EventBridgeSink(client, 'bus', NO_WAIT).publish(versions(23));
    expect(calls.map((entries) => entries.length)).toEqual([10, 10, 3]);
  });

  it('sends again only the entries EventBridge reported as failed', async () => {
    const { client, calls } = recordingClient([
      () => ({
        FailedEntryCount: 2,
        Entries: [
          { EventId: 'ok-0' },
          { ErrorCode: 'ThrottlingException', ErrorMessage: 'slow down' },
          { EventId: 'ok-2' },
          { ErrorCode: 'InternalFailure', ErrorMessage: 'try again' },
        ],
      }),
    ]);
    const publication = versions(4);
    await new EventBridgeSink(client, 'bus', NO_WAIT).publish(publication);

    const versionsIn = (entries: (typeof calls)[number]) =>
      entries.map((entry) => JSON.parse(entry.Detail ?? '{}').version);
    expect(calls.map(versionsIn)).toEqual([
      ['v1.0', 'v1.1', 'v1.2', 'v1.3'],
      ['v1.1', 'v1.3'],
    ]);
  });

  it('throws naming the error codes when entries still fail after the last try, so the record is retried', async () => {
    const refused: Answer = (count) => ({
      FailedEntryCount: count,
      Entries: Array.from({ length: count }, () => ({
        ErrorCode: 'ThrottlingException',
        ErrorMessage: 'slow',
      })),
    });
    const { client, calls } = recordingClient([refused, refused, refused]);
    await expect(new EventBridgeSink(client, 'bus', NO_WAIT).publish(versions(2))).rejects.toThrow(
      /EventBridge refused 2 of 2 event\(s\): ThrottlingException/,
    );
    expect(calls).toHaveLength(3);
  });

  it('lets an SDK error (access denied) fail the publish after its tries', async () => {
    const client: Pick<EventBridgeClient, 'send'> = {
      send: (async () => {
        throw Object.assign(new Error('not authorized to perform events:PutEvents'), {
          name: 'AccessDeniedException',
        });
      }) as unknown as EventBridgeClient['send'],
    };
    await expect(new EventBridgeSink(client, 'bus', NO_WAIT).publish(versions(1))).rejects.toThrow(
      /PutEvents/,
    );
  });
});
