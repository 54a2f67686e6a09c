import type { Publication } from './story-event.ts';

/**
 * Where the pipeline tells the world about a change (the port; adapters: EventBridge, webhook, WebSub).
 * `publish` resolves once every event is accepted and throws otherwise, so the queue retries the
 * record: events repeat with the same ids, and consumers drop duplicates by id.
 */
export interface EventSink {
  publish(publication: Publication): Promise<void>;
}

/** A sink that accepts everything and sends nothing (no destination configured). */
export const NO_EVENT_SINK: EventSink = { publish: async () => {} };

/** Thrown when a sink could not deliver after its retries; `failures` are the underlying reasons. */
export class EventPublishError extends Error {
  override readonly name = 'EventPublishError';
  constructor(
    message: string,
    readonly failures: readonly unknown[] = [],
  ) {
    super(message);
  }
}

/**
 * Publishes to every sink at once; waits for all of them, then throws an EventPublishError naming
 * each sink that failed (the others are not rolled back: a retry repeats the same ids everywhere).
 */
export function combineEventSinks(sinks: readonly EventSink[]): EventSink {
  if (sinks.length === 0) return NO_EVENT_SINK;
  if (sinks.length === 1) return sinks[0] as EventSink;
  return {
    async publish(publication) {
      const results = await Promise.allSettled(sinks.map((sink) => sink.publish(publication)));
      const failures = results.flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
      if (failures.length > 0) {
        const reasons = failures.map((failure) =>
          failure instanceof Error ? failure.message : String(failure),
        );
        throw new EventPublishError(
          `${failures.length} event sink(s) failed: ${reasons.join('; ')}`,
          failures,
        );
      }
    },
  };
}

/** How a sink retries one delivery. */
export interface RetryPolicy {
  /** Tries in all, the first included. */
  attempts: number;
  /** The wait before the second try; each further wait doubles, up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Waits; replaced in tests to keep them fast. */
  sleep?: (ms: number) => Promise<void>;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 200, maxDelayMs: 2_000 };

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs `attempt` until it resolves or the policy's tries are spent; rethrows the last error. */
export async function withRetries<T>(
  policy: RetryPolicy,
  attempt: (tryNumber: number) => Promise<T>,
): Promise<T> {
  const sleep = policy.sleep ?? sleepFor;
  let lastError: unknown;
  for (let tryNumber = 1; tryNumber <= policy.attempts; tryNumber += 1) {
    if (tryNumber > 1) await sleep(Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (tryNumber - 2)));
    try {
      return await attempt(tryNumber);
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}
