import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { createIngestHandler } from './ingest/ingest-handler.ts';
import { DynamoChangeMarker } from './store/change-marker.ts';
import { createClients, requireEnv } from './store/clients.ts';
import { DynamoStoryStore } from './store/dynamo-story-store.ts';
import { S3BlobStore } from './store/s3-blob-store.ts';
import { ENV } from './store/table-definition.ts';

const clients = createClients();
const blobs = new S3BlobStore(clients.s3, requireEnv(ENV.bucketName));

/** Lambda entry point: SQS-wrapped S3 ObjectCreated events → stored story versions, partial batch failures. */
export const handler = createIngestHandler({
  blobs,
  store: new DynamoStoryStore(clients.dynamo, requireEnv(ENV.tableName), blobs),
  changes: new DynamoChangeMarker(clients.dynamo, requireEnv(ENV.tableName)),
  // Explicit options beat POWERTOOLS_* variables, so defaults apply only where the stack sets none.
  logger: new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'storyfeed-ingest' }),
  metrics: new Metrics({
    namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'storyfeed',
    serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'storyfeed-ingest',
  }),
});
