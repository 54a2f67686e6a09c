import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ENV } from './table-definition.ts';

/**
 * The one place that chooses AWS endpoints (STYLE rule 4). On Lambda the endpoints are AWS's own;
 * the embedded default and the tests set AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL_DYNAMODB to the emulators.
 */
export interface StoryfeedClients {
  dynamo: DynamoDBDocumentClient;
  s3: S3Client;
}

/** Makes the SDK clients from an environment (process.env by default). */
export function createClients(env: NodeJS.ProcessEnv = process.env): StoryfeedClients {
  const s3Endpoint = env[ENV.s3Endpoint];
  const dynamoEndpoint = env[ENV.dynamodbEndpoint];
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1';
  const dynamo = new DynamoDBClient({ region, ...(dynamoEndpoint ? { endpoint: dynamoEndpoint } : {}) });
  const s3 = new S3Client({
    region,
    ...(s3Endpoint ? { endpoint: s3Endpoint, forcePathStyle: true } : {}),
    // s3rver stores aws-chunked bodies verbatim; real S3 is fine either way.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  return {
    dynamo: DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } }),
    s3,
  };
}

/** Makes the EventBridge client (only the ingest function needs one; AWS_ENDPOINT_URL_EVENTBRIDGE is honoured by the SDK). */
export function createEventBridgeClient(env: NodeJS.ProcessEnv = process.env): EventBridgeClient {
  return new EventBridgeClient({ region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1' });
}

/** Reads a required environment variable; throws naming it when absent. */
export function requireEnv(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}
