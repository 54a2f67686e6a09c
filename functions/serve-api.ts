import { randomBytes } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { toApiGatewayResult, toHttpRequest } from './http/api-gateway-adapter.ts';
import { handleHttpRequest } from './http/handle-http-request.ts';
import { cacheStoryReader } from './store/cached-reader.ts';
import { createClients, requireEnv } from './store/clients.ts';
import { DynamoStoryStore } from './store/dynamo-story-store.ts';
import { S3BlobStore } from './store/s3-blob-store.ts';
import { ENV } from './store/table-definition.ts';

const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'storyfeed-api' });
const clients = createClients();
const blobs = new S3BlobStore(clients.s3, requireEnv(ENV.bucketName));
const store = new DynamoStoryStore(clients.dynamo, requireEnv(ENV.tableName), blobs);
// READ_CACHE_MS=0 turns the per-instance read cache off (the integration tests do).
const reader = cacheStoryReader(store, Number(process.env.READ_CACHE_MS ?? 2000));
// The stack sets CURSOR_SECRET; without it (a bare local run) cursors are valid for this process only.
const cursorSecret = process.env.CURSOR_SECRET || randomBytes(32).toString('hex');

/** Lambda entry point: API Gateway HTTP API (payload 2.0) → SPEC §3. */
export async function handler(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const request = toHttpRequest(event, process.env[ENV.publicBaseUrl]);
  const response = await handleHttpRequest(request, {
    reader,
    cursorSecret,
    log: (error) => logger.error('request failed', { path: request.path, error: error as Error }),
  });
  return toApiGatewayResult(response);
}
