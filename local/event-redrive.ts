import { type RetryPolicy, withRetries } from '../functions/events/event-sink.ts';
import { appendJsonLine, takeJsonLines } from '../functions/events/json-lines-file.ts';
import { type EventDeadLetter, postEvent } from '../functions/events/webhook-sink.ts';

/** What one redrive did: the letters the webhook took, and those it refused again (kept in the file). */
export interface RedriveResult {
  sent: { letter: EventDeadLetter; url: string }[];
  kept: { letter: EventDeadLetter; error: string }[];
}

/**
 * POSTs every dead letter of the file again, to `url` when given (else to the URL it failed at), with
 * `retry`; the ones refused again go back into the file. Letters the pipeline appends meanwhile start a
 * fresh file, so nothing is sent twice by one redrive or lost to it.
 */
export async function redriveEventDeadLetters(
  path: string,
  url: string | undefined,
  retry: RetryPolicy,
): Promise<RedriveResult> {
  const result: RedriveResult = { sent: [], kept: [] };
  for (const letter of takeJsonLines<EventDeadLetter>(path)) {
    const target = url || letter.url;
    try {
      await withRetries(retry, () => postEvent({ url: target }, letter.event));
      result.sent.push({ letter, url: target });
    } catch (error) {
      appendJsonLine(path, letter);
      result.kept.push({ letter, error: (error as Error).message });
    }
  }
  return result;
}
