import {
  DEFAULT_RETRY,
  EventPublishError,
  type EventSink,
  type RetryPolicy,
  withRetries,
} from './event-sink.ts';
import { appendJsonLine } from './json-lines-file.ts';
import type { StoryEvent } from './story-event.ts';

/** An event the webhook did not take after every try, kept to be listed and redriven. */
export interface EventDeadLetter {
  url: string;
  event: StoryEvent;
  tries: number;
  failedAt: string;
  error: string;
}

/** Where undeliverable webhook events go (a JSON-lines file locally). */
export type EventDeadLetterBox = (letter: EventDeadLetter) => void;

/** A dead-letter box appending to a JSON-lines file (`storyfeed events-dlq` lists and redrives it). */
export function deadLetterFile(path: string): EventDeadLetterBox {
  return (letter) => appendJsonLine(path, letter);
}

export interface WebhookOptions {
  url: string;
  retry?: RetryPolicy;
  /** Gives up on one try after this long. */
  timeoutMs?: number;
  /** Without a box, an undeliverable event makes publish throw (the record is retried). */
  deadLetters?: EventDeadLetterBox;
  fetch?: typeof fetch;
}

/** POSTs one event as JSON; throws unless the receiver answers 2xx. */
export async function postEvent(options: WebhookOptions, event: StoryEvent): Promise<void> {
  const send = options.fetch ?? fetch;
  const response = await send(options.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': 'storyfeed-webhook' },
    body: JSON.stringify(event),
    signal: AbortSignal.timeout(options.timeoutMs ?? 5_000),
  });
  await response.arrayBuffer().catch(() => undefined);
  if (!response.ok) throw new Error(`${options.url} answered ${response.status}`);
}

/**
 * The local webhook (STORYFEED_WEBHOOK_URL): each event is POSTed as JSON, in order, with retries and
 * exponential backoff. An event still refused after the last try goes to the dead-letter box (and
 * publish goes on), so a receiver that is down never blocks ingest; `storyfeed events-dlq --redrive`
 * sends those again.
 */
export class WebhookSink implements EventSink {
  constructor(private readonly options: WebhookOptions) {}

  async publish({ events }: { events: StoryEvent[] }): Promise<void> {
    const retry = this.options.retry ?? DEFAULT_RETRY;
    for (const event of events) {
      try {
        await withRetries(retry, () => postEvent(this.options, event));
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        if (!this.options.deadLetters) {
          throw new EventPublishError(`webhook ${this.options.url} refused event ${event.id}: ${message}`, [
            error,
          ]);
        }
        this.options.deadLetters({
          url: this.options.url,
          event,
          tries: retry.attempts,
          failedAt: new Date().toISOString(),
          error: message,
        });
      }
    }
  }
}
