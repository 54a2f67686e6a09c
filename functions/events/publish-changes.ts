import { resolve } from 'node:path';
import { ENV } from '../store/table-definition.ts';
import { combineEventSinks, type EventSink } from './event-sink.ts';
import { buildPublication, type StoryChange, type StoryEvent } from './story-event.ts';
import { deadLetterFile, type EventDeadLetterBox, WebhookSink } from './webhook-sink.ts';
import { WebSubNotifier } from './websub-notifier.ts';

/** Local-only variables of the events module (the AWS ones are in ENV). */
export const LOCAL_EVENT_ENV = {
  webhookUrl: 'STORYFEED_WEBHOOK_URL',
  dataDir: 'STORYFEED_DATA_DIR',
} as const;

/** The webhook's dead letters, beside the ingest dead letters in the local data folder. */
export function eventDeadLetterPath(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env[LOCAL_EVENT_ENV.dataDir] || '.storyfeed', 'events-dlq.jsonl');
}

/** What ingest calls after the table writes of a change: builds the events and hands them to the sink. */
export interface ChangePublisher {
  /** Publishes the changes' events; throws when a sink fails (the record is then retried). */
  publishChanges(changes: readonly StoryChange[]): Promise<StoryEvent[]>;
}

/** Receives one line per published event (`storyfeed dev` prints them), and a warning per dead letter. */
export type EventLog = (message: string, fields: Record<string, unknown>, level?: 'info' | 'warn') => void;

/** A publisher over a sink, with absolute URLs under `baseUrl`; each event is logged once it is accepted. */
export function createChangePublisher(sink: EventSink, baseUrl: string, log?: EventLog): ChangePublisher {
  return {
    async publishChanges(changes) {
      if (changes.length === 0) return [];
      const publication = buildPublication(changes, baseUrl);
      await sink.publish(publication);
      for (const event of publication.events) {
        log?.('event published', {
          eventId: event.id,
          detailType: event['detail-type'],
          storyId: event.detail.storyId,
          eventVersion: event.detail.version,
          ...('isHead' in event.detail ? { isHead: event.detail.isHead } : {}),
        });
      }
      return publication.events;
    },
  };
}

/**
 * The base of event URLs: PUBLIC_BASE_URL; locally, without it, the local server's own address
 * (`http://localhost:$PORT`). On Lambda (AWS_LAMBDA_FUNCTION_NAME set) it is required once any
 * destination is configured: an event with a relative or guessed URL is of no use to a consumer.
 */
export function eventBaseUrl(env: NodeJS.ProcessEnv, required: boolean): string {
  const configured = env[ENV.publicBaseUrl]?.trim();
  if (configured) return configured.replace(/\/+$/, '');
  if (required && env.AWS_LAMBDA_FUNCTION_NAME) {
    throw new Error(`environment variable ${ENV.publicBaseUrl} is not set: events need absolute URLs`);
  }
  return `http://localhost:${env.PORT || 3000}`;
}

/**
 * The sinks the environment asks for: EventBridge (EVENT_BUS_NAME, with the client `eventBridge()` makes),
 * a WebSub hub (WEBSUB_HUB) and the local webhook (STORYFEED_WEBHOOK_URL, dead letters in the data folder).
 * None configured: a publisher that sends nothing but still logs each event (`storyfeed dev` prints it).
 */
export function createChangePublisherFromEnv(
  env: NodeJS.ProcessEnv,
  eventBridge: (busName: string) => EventSink,
  log?: EventLog,
): ChangePublisher {
  const sinks: EventSink[] = [];
  const busName = env[ENV.eventBusName]?.trim();
  if (busName) sinks.push(eventBridge(busName));
  const hub = env[ENV.websubHub]?.trim();
  if (hub) sinks.push(new WebSubNotifier({ hub }));
  const webhook = env[LOCAL_EVENT_ENV.webhookUrl]?.trim();
  if (webhook) {
    const path = eventDeadLetterPath(env);
    const file = deadLetterFile(path);
    const deadLetters: EventDeadLetterBox = (letter) => {
      file(letter);
      log?.(
        `the webhook refused the event after ${letter.tries} tries: kept in ${path}, sent again later`,
        { eventId: letter.event.id, error: letter.error },
        'warn',
      );
    };
    sinks.push(new WebhookSink({ url: webhook, deadLetters }));
  }
  if (sinks.length === 0 && !log) return { publishChanges: async () => [] };
  return createChangePublisher(combineEventSinks(sinks), eventBaseUrl(env, sinks.length > 0), log);
}
