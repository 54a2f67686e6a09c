import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { InitializeMiddleware } from '@smithy/types';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { createIngestHandler } from '../../functions/ingest/ingest-handler.ts';
import { DynamoChangeMarker } from '../../functions/store/change-marker.ts';
import { createClients, type StoryfeedClients } from '../../functions/store/clients.ts';
import { DynamoStoryStore } from '../../functions/store/dynamo-story-store.ts';
import { S3BlobStore } from '../../functions/store/s3-blob-store.ts';
import { type Emulators, startEmulators } from '../../local/emulators.ts';

/** Environment that keeps Powertools quiet in tests. */
export const QUIET_POWERTOOLS = { POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_METRICS_DISABLED: 'true' };

/** dynalite + s3rver in-process on free ports, with the real adapters pointed at them. */
export interface TestPipeline {
  emulators: Emulators;
  env: Record<string, string>;
  clients: StoryfeedClients;
  store: DynamoStoryStore;
  blobs: S3BlobStore;
  /** Puts a story file into the bucket (as a user would); resolves to the object's bare ETag. */
  upload(key: string, body: string | Uint8Array, metadata?: Record<string, string>): Promise<string>;
  remove(key: string): Promise<void>;
  /** The real ingest handler, built on the given clients (default: the pipeline's own). */
  ingest(event: SQSEvent, clients?: StoryfeedClients): Promise<SQSBatchResponse>;
  /** Every item of the table, sorted by key (for comparing states). */
  scanTable(): Promise<Record<string, unknown>[]>;
  stop(): Promise<void>;
}

/** Starts the emulators and wires the adapters; also sets process.env for handlers imported afterwards. */
export async function startTestPipeline(): Promise<TestPipeline> {
  const emulators = await startEmulators();
  const env = { ...emulators.env, ...QUIET_POWERTOOLS };
  Object.assign(process.env, env);
  const clients = createClients(env);
  const blobs = new S3BlobStore(clients.s3, emulators.bucket);
  const store = new DynamoStoryStore(clients.dynamo, emulators.tableName, blobs);
  const logger = new Logger({ serviceName: 'test', logLevel: 'SILENT' });
  const metrics = new Metrics({ namespace: 'test', serviceName: 'test' });

  return {
    emulators,
    env,
    clients,
    store,
    blobs,
    async upload(key, body, metadata) {
      const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
      const put = await clients.s3.send(
        new PutObjectCommand({ Bucket: emulators.bucket, Key: key, Body: bytes, Metadata: metadata }),
      );
      return (put.ETag ?? '').replace(/"/g, '');
    },
    async remove(key) {
      await clients.s3.send(new DeleteObjectCommand({ Bucket: emulators.bucket, Key: key }));
    },
    ingest(event, ingestClients = clients) {
      const ingestBlobs = new S3BlobStore(ingestClients.s3, emulators.bucket);
      const handler = createIngestHandler({
        blobs: ingestBlobs,
        store: new DynamoStoryStore(ingestClients.dynamo, emulators.tableName, ingestBlobs),
        changes: new DynamoChangeMarker(ingestClients.dynamo, emulators.tableName),
        logger,
        metrics,
      });
      return handler(event);
    },
    async scanTable() {
      const items: Record<string, unknown>[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page = await clients.dynamo.send(
          new ScanCommand({ TableName: emulators.tableName, ExclusiveStartKey: start }),
        );
        items.push(...(page.Items ?? []));
        start = page.LastEvaluatedKey;
      } while (start);
      return items.sort((a, b) => (`${a.pk}|${a.sk}` < `${b.pk}|${b.sk}` ? -1 : 1));
    },
    async stop() {
      clients.dynamo.destroy();
      clients.s3.destroy();
      await emulators.stop();
    },
  };
}

/** Clients whose every request can be made to fail (to inject crashes and throttling). */
export function createFaultyClients(
  env: Record<string, string>,
  shouldFail: (call: {
    service: 's3' | 'dynamodb';
    command: string;
    input: Record<string, unknown>;
  }) => Error | undefined,
): StoryfeedClients {
  const clients = createClients(env);
  const inject =
    <I extends object, O extends object>(service: 's3' | 'dynamodb'): InitializeMiddleware<I, O> =>
    (next, context) =>
    async (args) => {
      const input = (args.input ?? {}) as Record<string, unknown>;
      const failure = shouldFail({ service, command: context.commandName ?? '', input });
      if (failure) throw failure;
      return next(args);
    };
  clients.s3.middlewareStack.add(inject('s3'), { step: 'initialize', name: 'injectFault' });
  clients.dynamo.middlewareStack.add(inject('dynamodb'), { step: 'initialize', name: 'injectFault' });
  return clients;
}
