import { DEFAULT_RETRY } from '../../functions/events/event-sink.ts';
import { readJsonLines } from '../../functions/events/json-lines-file.ts';
import { eventDeadLetterPath, LOCAL_EVENT_ENV } from '../../functions/events/publish-changes.ts';
import type { EventDeadLetter } from '../../functions/events/webhook-sink.ts';
import { redriveEventDeadLetters } from '../event-redrive.ts';
import { readCommandLine } from './command-line.ts';

const SPEC = {
  name: 'events-dlq',
  usage: `usage: storyfeed events-dlq [--redrive] [--json]

Lists the events the local webhook (STORYFEED_WEBHOOK_URL) refused after every retry
(kept in $STORYFEED_DATA_DIR/events-dlq.jsonl).
  --redrive   POSTs each event again (to STORYFEED_WEBHOOK_URL when set, else to the URL it failed at),
              with retries; the ones still refused stay listed
  --json      prints {"items":[...]} instead of one line per dead letter`,
  options: { redrive: { type: 'boolean' }, json: { type: 'boolean' } },
} as const;

/** `storyfeed events-dlq`: lists the webhook's dead letters, or with --redrive sends them again; returns the exit code. */
export async function runEventsDlq(args: string[]): Promise<number> {
  const line = readCommandLine(SPEC, args);
  if (line.exit !== undefined) return line.exit;
  const { values } = line;
  const path = eventDeadLetterPath();
  if (!values.redrive) {
    const letters = readJsonLines<EventDeadLetter>(path);
    if (values.json) process.stdout.write(`${JSON.stringify({ items: letters })}\n`);
    else if (letters.length === 0) process.stdout.write(`no event dead letters in ${path}\n`);
    else for (const letter of letters) process.stdout.write(`${describeLetter(letter)}\n`);
    return 0;
  }
  const target = process.env[LOCAL_EVENT_ENV.webhookUrl]?.trim();
  const { sent, kept } = await redriveEventDeadLetters(path, target, DEFAULT_RETRY);
  for (const { letter, url } of sent) {
    process.stdout.write(`redriven ${letter.event.id} ${letter.event['detail-type']} to ${url}\n`);
  }
  for (const { letter, error } of kept) process.stderr.write(`kept     ${letter.event.id}: ${error}\n`);
  return kept.length > 0 ? 1 : 0;
}

function describeLetter(letter: EventDeadLetter): string {
  const { event } = letter;
  const what = `${event['detail-type']} ${event.detail.storyId} ${event.detail.version ?? '(whole story)'}`;
  return `${letter.failedAt}  ${event.id}  ${what}  ${letter.tries} tries  ${letter.error}`;
}
