import {
  accessSync,
  constants as fsConstants,
  mkdirSync,
  mkdtempSync,
  rmSync,
  statfsSync,
  statSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Event } from 'aws-lambda';
import dynalite from 'dynalite';
import S3rver from 's3rver';
import { KEY_ATTRIBUTES, TABLE } from '../functions/store/table-definition.ts';
import { keepKeysWhole } from './s3-key-path.ts';
import { S3ObjectStore } from './s3-object-store.ts';
import {
  type LegacyMigrationReport,
  migrateLegacyObjects,
  type StoreRepairReport,
} from './s3-store-repair.ts';

export const LOCAL_HOST = '127.0.0.1';
export const LOCAL_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;
export const LOCAL_REGION = 'us-east-1';

export interface EmulatorOptions {
  /**
   * Where dynalite and s3rver keep their data. Absent: dynalite keeps the table in memory and s3rver a
   * fresh folder in memory too where the system has one (/dev/shm), else in the temp folder; either is
   * deleted on stop.
   */
  dataDir?: string;
  /** 0 picks a free port. */
  s3Port?: number;
  dynamodbPort?: number;
  bucket?: string;
  tableName?: string;
  /** Called with each S3 event notification s3rver emits (un-encoded keys, malformed ARN: as s3rver sends them). */
  onS3Event?: (event: S3Event) => void;
}

/** A running pair of emulators and the environment the functions need to reach them. */
export interface Emulators {
  s3Endpoint: string;
  dynamodbEndpoint: string;
  bucket: string;
  tableName: string;
  /** Environment variables for the handlers (endpoints, names, local credentials). */
  env: Record<string, string>;
  /** What the S3 store found at start: objects loaded, crash leftovers removed, old layout moved. */
  s3Repair: StoreRepairReport & LegacyMigrationReport;
  stop(): Promise<void>;
}

/** The s3rver internals the store and the key path rewrite plug into (s3rver 3.7.1). */
interface S3rverInternals {
  store: unknown;
  context: { store: unknown };
  middleware: ((...args: never) => unknown)[];
}

/** Free space a memory folder needs to be used for emulator data (a container's 64 MB one is not). */
const MIN_MEMORY_FOLDER_BYTES = 1024 * 1024 * 1024;

/**
 * Where data that lives only as long as the emulators goes: memory (/dev/shm) when the system has it
 * with room to spare, as dynalite keeps its table then, so neither emulator waits on a disk the
 * other does not use.
 */
function ephemeralRoot(): string {
  const memory = '/dev/shm';
  try {
    if (statSync(memory).isDirectory()) {
      accessSync(memory, fsConstants.W_OK);
      const { bavail, bsize } = statfsSync(memory);
      if (bavail * bsize >= MIN_MEMORY_FOLDER_BYTES) return memory;
    }
  } catch {
    // No memory-backed folder here: the temp folder will do.
  }
  return tmpdir();
}

/**
 * Starts dynalite and s3rver on 127.0.0.1, then creates the table and the bucket from the
 * shared definition (reusing them when the data folder already has them). Steps, in order:
 * data folder → dynalite → table → s3rver (with bucket).
 */
export async function startEmulators(options: EmulatorOptions = {}): Promise<Emulators> {
  const tempDir = options.dataDir ? undefined : mkdtempSync(join(ephemeralRoot(), 'storyfeed-'));
  const dataDir = options.dataDir ?? (tempDir as string);
  const bucket = options.bucket ?? 'stories';
  const tableName = options.tableName ?? TABLE.defaultName;
  mkdirSync(join(dataDir, S3_STORE_DIR), { recursive: true });

  const dynamoServer: Server = dynalite({
    ...(options.dataDir ? { path: join(dataDir, 'dynamodb') } : {}),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  const dynamoPort = await listen(dynamoServer, options.dynamodbPort ?? 0, 'DYNAMODB_PORT');
  const dynamodbEndpoint = `http://${LOCAL_HOST}:${dynamoPort}`;
  try {
    await ensureTable(dynamodbEndpoint, tableName);
  } catch (error) {
    await closeServer(dynamoServer);
    throw error;
  }

  // s3rver emits a failed listen as an unhandled 'error' event instead of rejecting run(): check first.
  if (options.s3Port) {
    try {
      await closeServer(await listenProbe(options.s3Port, 'S3_PORT'));
    } catch (error) {
      await closeServer(dynamoServer);
      throw error;
    }
  }
  let store: S3ObjectStore;
  let s3Repair: Emulators['s3Repair'];
  try {
    store = new S3ObjectStore(join(dataDir, S3_STORE_DIR));
    const opened = await store.open();
    const migrated = await migrateLegacyObjects(join(dataDir, LEGACY_S3_DIR), store);
    s3Repair = { ...opened, ...migrated, objects: opened.objects + migrated.migrated };
  } catch (error) {
    await closeServer(dynamoServer);
    throw error;
  }
  const s3rver = new S3rver({
    address: LOCAL_HOST,
    port: options.s3Port ?? 0,
    silent: true,
    directory: join(dataDir, S3_STORE_DIR),
    configureBuckets: [{ name: bucket }],
    allowMismatchedSignatures: true,
  });
  plugInStore(s3rver as unknown as S3rverInternals, store);
  if (options.onS3Event) {
    const onS3Event = options.onS3Event;
    s3rver.on('event', (event: S3Event) => onS3Event(event));
  }
  let s3Port: number;
  try {
    const address = await s3rver.run();
    s3Port = address.port;
  } catch (error) {
    await closeServer(dynamoServer);
    throw portError(error, options.s3Port ?? 0, 'S3_PORT');
  }
  const s3Endpoint = `http://${LOCAL_HOST}:${s3Port}`;

  return {
    s3Endpoint,
    dynamodbEndpoint,
    bucket,
    tableName,
    s3Repair,
    env: {
      AWS_ENDPOINT_URL_S3: s3Endpoint,
      AWS_ENDPOINT_URL_DYNAMODB: dynamodbEndpoint,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      AWS_REGION: LOCAL_REGION,
      TABLE_NAME: tableName,
      BUCKET_NAME: bucket,
    },
    async stop() {
      await s3rver.close();
      await closeServer(dynamoServer);
      if (tempDir) rmSync(tempDir, { recursive: true, force: true });
    },
  };
}

/** Where the S3 store keeps its objects, under the data folder. */
export const S3_STORE_DIR = 's3-store';
/** Where s3rver's own store kept them before (migrated at start). */
const LEGACY_S3_DIR = 's3';

/**
 * Replaces s3rver's FilesystemStore (key → file path) with the key-hashing store, and keeps keys
 * with empty segments routable. s3rver reads the store from `app.store` and `ctx.store`.
 */
function plugInStore(s3rver: S3rverInternals, store: S3ObjectStore) {
  s3rver.store = store;
  s3rver.context.store = store;
  const vhost = s3rver.middleware.findIndex((middleware) => middleware.name === 'vhost');
  s3rver.middleware.splice(vhost + 1, 0, keepKeysWhole());
}

/** A port that could not be bound, with the variable that changes it. */
export class PortInUseError extends Error {
  override readonly name = 'PortInUseError';
  constructor(
    readonly port: number,
    readonly variable: string,
  ) {
    super(`port ${port} is already in use: set ${variable} to a free port`);
  }
}

function portError(error: unknown, port: number, variable: string): unknown {
  return (error as NodeJS.ErrnoException)?.code === 'EADDRINUSE' ? new PortInUseError(port, variable) : error;
}

function listen(server: Server, port: number, variable: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(portError(error, port, variable));
    server.once('error', onError);
    server.listen(port, LOCAL_HOST, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

async function listenProbe(port: number, variable: string): Promise<Server> {
  const probe = createServer();
  await listen(probe, port, variable);
  return probe;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

async function ensureTable(endpoint: string, tableName: string): Promise<void> {
  const client = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  try {
    try {
      await client.send(new DescribeTableCommand({ TableName: tableName }));
      return;
    } catch (error) {
      if ((error as Error).name !== 'ResourceNotFoundException') throw error;
    }
    const index = TABLE.indexes.byUpdated;
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: TABLE.billing,
        AttributeDefinitions: KEY_ATTRIBUTES.map((name) => ({ AttributeName: name, AttributeType: 'S' })),
        KeySchema: [
          { AttributeName: TABLE.partitionKey, KeyType: 'HASH' },
          { AttributeName: TABLE.sortKey, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: [
          {
            IndexName: index.name,
            KeySchema: [
              { AttributeName: index.partitionKey, KeyType: 'HASH' },
              { AttributeName: index.sortKey, KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
      }),
    );
  } finally {
    client.destroy();
  }
}
