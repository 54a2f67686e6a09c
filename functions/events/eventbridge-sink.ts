import {
  type EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import {
  DEFAULT_RETRY,
  EventPublishError,
  type EventSink,
  type RetryPolicy,
  withRetries,
} from './event-sink.ts';
import type { StoryEvent } from './story-event.ts';

/** PutEvents takes at most 10 entries per call. */
export const PUT_EVENTS_LIMIT = 10;

/** The PutEvents entry of an event: EventBridge assigns its own envelope id, so ours travels in the detail. */
export function toPutEventsEntry(event: StoryEvent, eventBusName: string): PutEventsRequestEntry {
  return {
    EventBusName: eventBusName,
    Source: event.source,
    DetailType: event['detail-type'],
    Detail: JSON.stringify(event.detail),
    Time: new Date(event.time),
  };
}

/**
 * Sends events to an EventBridge bus with PutEvents, 10 entries a call. Entries EventBridge reports
 * as failed (throttling, internal errors) are sent again with backoff; any still failing after the
 * policy's tries make publish throw, so the ingest record is retried. SDK errors propagate as they are
 * (the SDK has already retried them).
 */
export class EventBridgeSink implements EventSink {
  constructor(
    private readonly client: Pick<EventBridgeClient, 'send'>,
    private readonly eventBusName: string,
    private readonly retry: RetryPolicy = DEFAULT_RETRY,
  ) {}

  async publish({ events }: { events: StoryEvent[] }): Promise<void> {
    for (let start = 0; start < events.length; start += PUT_EVENTS_LIMIT) {
      await this.putChunk(events.slice(start, start + PUT_EVENTS_LIMIT));
    }
  }

  private async putChunk(events: StoryEvent[]): Promise<void> {
    let pending = events.map((event) => toPutEventsEntry(event, this.eventBusName));
    await withRetries(this.retry, async () => {
      const output = await this.client.send(new PutEventsCommand({ Entries: pending }));
      if (!output.FailedEntryCount) return;
      // Result entries are in request order; a failed one has an ErrorCode and no EventId.
      const results = output.Entries ?? [];
      const errors: string[] = [];
      pending = pending.filter((_, index) => {
        const result = results[index];
        const failed = result?.EventId === undefined || result.ErrorCode !== undefined;
        if (failed) errors.push(`${result?.ErrorCode ?? 'no result'} ${result?.ErrorMessage ?? ''}`.trim());
        return failed;
      });
      throw new EventPublishError(
        `EventBridge refused ${pending.length} of ${events.length} event(s): ${errors.join('; ')}`,
      );
    });
  }
}
