import { randomBytes } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import { createApiHandler } from './http/api-handler.ts';
import { RepresentationCache } from './http/representation-cache.ts';
import { cacheStoryReader } from './store/cached-reader.ts';
import { DynamoChangeMarker } from './store/change-marker.ts';
import { createClients, requireEnv } from './store/clients.ts';
import { DynamoStoryReader } from './store/dynamo-story-reader.ts';
import { FreshnessGate } from './store/freshness-gate.ts';
import { S3BlobStore } from './store/s3-blob-store.ts';
import { S3ResponseStore } from './store/s3-response-store.ts';
import { ENV } from './store/table-definition.ts';

const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'storyfeed-api' });
const clients = createClients();
const tableName = requireEnv(ENV.tableName);
const bucketName = requireEnv(ENV.bucketName);
const blobs = new S3BlobStore(clients.s3, bucketName);
// The API function only reads: it gets the reader, not the store's writes.
const store = new DynamoStoryReader(clients.dynamo, tableName, blobs);
// READ_CACHE_MS bounds how long after a write an answer may miss it (default 1000); 0 turns the caches off.
const freshMs = Number(process.env.READ_CACHE_MS ?? 1000);
const marker = new DynamoChangeMarker(clients.dynamo, tableName);
const gate =
  freshMs > 0 ? new FreshnessGate(() => marker.read(), { freshMs, revalidateMs: freshMs / 4 }) : null;

/** Lambda entry point: API Gateway HTTP API (payload 2.0) → SPEC §3. */
export const handler = createApiHandler({
  reader: gate ? cacheStoryReader(store, gate) : store,
  representations: gate
    ? new RepresentationCache(gate, {}, (error) =>
        logger.warn('renewing an answer failed', { error: error as Error }),
      )
    : undefined,
  // The stack sets CURSOR_SECRET, and `npm start` keeps one in its data folder; without it (a bare
  // run) cursors and ETags are valid for this process only.
  cursorSecret: process.env.CURSOR_SECRET || randomBytes(32).toString('hex'),
  // An answer over 6 MB (a Lambda response cannot carry it) is kept in the bucket and answered 303.
  largeAnswers: new S3ResponseStore(clients.s3, bucketName),
  publicBaseUrl: process.env[ENV.publicBaseUrl],
  websubHub: process.env[ENV.websubHub]?.trim() || undefined,
  operatorRoutesNeedIam: process.env[ENV.operatorRoutesNeedIam] === 'true',
  trustForwardedHost: process.env[ENV.trustForwardedHost] === 'true',
  log: (error, path) => logger.error('request failed', { path, error: error as Error }),
});
