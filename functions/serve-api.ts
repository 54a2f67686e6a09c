import { randomBytes } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import { createApiHandler } from './http/api-handler.ts';
import { cacheStoryReader } from './store/cached-reader.ts';
import { createClients, requireEnv } from './store/clients.ts';
import { DynamoStoryStore } from './store/dynamo-story-store.ts';
import { S3BlobStore } from './store/s3-blob-store.ts';
import { ENV } from './store/table-definition.ts';

const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'storyfeed-api' });
const clients = createClients();
const blobs = new S3BlobStore(clients.s3, requireEnv(ENV.bucketName));
const store = new DynamoStoryStore(clients.dynamo, requireEnv(ENV.tableName), blobs);

/** Lambda entry point: API Gateway HTTP API (payload 2.0) → SPEC §3. */
export const handler = createApiHandler({
  // READ_CACHE_MS=0 turns the per-instance read cache off (the integration tests do).
  reader: cacheStoryReader(store, Number(process.env.READ_CACHE_MS ?? 2000)),
  // The stack sets CURSOR_SECRET; without it (a bare local run) cursors are valid for this process only.
  cursorSecret: process.env.CURSOR_SECRET || randomBytes(32).toString('hex'),
  publicBaseUrl: process.env[ENV.publicBaseUrl],
  websubHub: process.env[ENV.websubHub]?.trim() || undefined,
  log: (error, path) => logger.error('request failed', { path, error: error as Error }),
});
