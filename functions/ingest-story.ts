import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { EventBridgeSink } from './events/eventbridge-sink.ts';
import { createChangePublisherFromEnv } from './events/publish-changes.ts';
import { createIngestHandler } from './ingest/ingest-handler.ts';
import { DynamoChangeMarker } from './store/change-marker.ts';
import { createClients, createEventBridgeClient, requireEnv } from './store/clients.ts';
import { DynamoStoryStore } from './store/dynamo-story-store.ts';
import { S3BlobStore } from './store/s3-blob-store.ts';
import { ENV } from './store/table-definition.ts';

const clients = createClients();
const blobs = new S3BlobStore(clients.s3, requireEnv(ENV.bucketName));
const store = new DynamoStoryStore(clients.dynamo, requireEnv(ENV.tableName), blobs);
// Explicit options beat POWERTOOLS_* variables, so defaults apply only where the stack sets none.
const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'storyfeed-ingest' });

/** Lambda entry point: SQS-wrapped S3 events → stored story versions and their events, partial batch failures. */
export const handler = createIngestHandler({
  blobs,
  store,
  reader: store,
  changes: new DynamoChangeMarker(clients.dynamo, requireEnv(ENV.tableName)),
  // EVENT_BUS_NAME, WEBSUB_HUB and (locally) STORYFEED_WEBHOOK_URL choose where events go.
  events: createChangePublisherFromEnv(
    process.env,
    (busName) => new EventBridgeSink(createEventBridgeClient(), busName),
    (message, fields, level = 'info') => logger[level](message, fields),
  ),
  logger,
  metrics: new Metrics({
    namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'storyfeed',
    serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'storyfeed-ingest',
  }),
});
