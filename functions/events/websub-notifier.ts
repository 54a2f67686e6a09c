import {
  DEFAULT_RETRY,
  EventPublishError,
  type EventSink,
  type RetryPolicy,
  withRetries,
} from './event-sink.ts';

export interface WebSubOptions {
  /** The hub's URL (WEBSUB_HUB). */
  hub: string;
  retry?: RetryPolicy;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** The form body of a WebSub publish ping for one topic (feed) URL. */
export function publishPingBody(feedUrl: string): string {
  return new URLSearchParams({ 'hub.mode': 'publish', 'hub.url': feedUrl }).toString();
}

/**
 * Tells a WebSub hub (W3C WebSub) which feeds changed: one form-encoded `hub.mode=publish&hub.url=…`
 * POST per feed, each with retries. Throws when the hub keeps refusing one, so the record is retried
 * (a repeated ping only makes the hub fetch the feed again).
 */
export class WebSubNotifier implements EventSink {
  constructor(private readonly options: WebSubOptions) {}

  async publish({ feeds }: { feeds: string[] }): Promise<void> {
    const failures = (
      await Promise.allSettled(
        feeds.map((feed) => withRetries(this.options.retry ?? DEFAULT_RETRY, () => this.ping(feed))),
      )
    ).flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []));
    if (failures.length > 0) {
      throw new EventPublishError(
        `WebSub hub ${this.options.hub} refused ${failures.length} of ${feeds.length} publish ping(s)`,
        failures,
      );
    }
  }

  private async ping(feed: string): Promise<void> {
    const send = this.options.fetch ?? fetch;
    const response = await send(this.options.hub, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'storyfeed-websub' },
      body: publishPingBody(feed),
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 5_000),
    });
    await response.arrayBuffer().catch(() => undefined);
    if (!response.ok) throw new Error(`${this.options.hub} answered ${response.status} for ${feed}`);
  }
}
