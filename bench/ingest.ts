/**
 * Ingest throughput: 1,000 story versions (100 stories × 10 versions, shuffled, plus 10 % duplicate
 * deliveries) through the real ingest handler into dynalite and s3rver, beside the floor: the same
 * number of bare PutItem calls of the same sizes, in the same run. Also prints DynamoDB write units
 * and items per version. Run: npx tsx bench/ingest.ts
 */
import { readFileSync } from 'node:fs';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { createClients } from '../functions/store/clients.ts';
import { buildS3Record, buildSqsRecord } from '../tests/builders/s3-events.ts';
import { buildStoryFile } from '../tests/builders/story-file.ts';
import { createFaultyClients, startTestPipeline } from '../tests/integration/pipeline.ts';
import { countStages, itemSize, type TracedCall, traceCalls, writeUnits } from './call-trace.ts';

const STORIES = 100;
const VERSIONS = 10;
const DUPLICATE_SHARE = 0.1;
const BATCH_SIZE = 10;
const CONCURRENCY = 4;
const SEED_REPEATS = 30;
const WRITE_COMMANDS = new Set([
  'PutCommand',
  'UpdateCommand',
  'DeleteCommand',
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
]);

function shuffle<T>(items: T[]): T[] {
  for (let index = items.length - 1; index > 0; index -= 1) {
    const other = Math.floor(Math.random() * (index + 1));
    [items[index], items[other]] = [items[other] as T, items[index] as T];
  }
  return items;
}

async function runPool<T>(tasks: T[], worker: (task: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < tasks.length) {
        const task = tasks[next++] as T;
        await worker(task);
      }
    }),
  );
}

const SEED_KEY = '000_8ac52d5236e3c6f4.txt';
/** Calls per command when each command's cost is measured alone. */
const COST_SAMPLE = 400;

/** Wall time per call (ms) of `call` made COST_SAMPLE times, CONCURRENCY at once (as ingest runs). */
async function costPerCall(call: (index: number) => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await runPool(
    Array.from({ length: COST_SAMPLE }, (_, index) => index),
    async (index) => {
      await call(index);
    },
  );
  return (performance.now() - started) / COST_SAMPLE;
}

/**
 * What each kind of call the handler made costs alone (same emulators, same concurrency), and so what
 * its calls alone cost per delivery: the ratio the handler could reach if its own code took no time,
 * and the same without the archive PutObject, which only the local pipeline makes (on AWS the
 * original is the upload's own S3 object version).
 */
async function printCallCosts(
  items: Record<string, unknown>[],
  uploads: { key: string; text: string }[],
  callsByCommand: Map<string, number>,
  deliveries: number,
  putMs: number,
  floorPerDelivery: number,
): Promise<void> {
  const { dynamo, s3 } = pipeline.clients;
  const TableName = pipeline.emulators.tableName;
  const Bucket = pipeline.emulators.bucket;
  const keyOf = (index: number) => {
    const item = items[index % items.length] as Record<string, unknown>;
    return { pk: item.pk, sk: item.sk };
  };
  const costs: Record<string, number> = {
    PutItemCommand: putMs,
    GetItemCommand: await costPerCall((index) =>
      dynamo.send(new GetCommand({ TableName, Key: keyOf(index), ConsistentRead: true })),
    ),
    QueryCommand: await costPerCall((index) =>
      dynamo.send(
        new QueryCommand({
          TableName,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :first AND :last',
          ExpressionAttributeValues: {
            ':pk': `STORY#bench-${index % STORIES}`,
            ':first': 'V#',
            ':last': 'V#~',
          },
          ProjectionExpression: 'version, publishedAt',
          Limit: 10,
          ConsistentRead: true,
        }),
      ),
    ),
    UpdateItemCommand: await costPerCall(() =>
      dynamo.send(
        new UpdateCommand({
          TableName,
          Key: { pk: 'BENCH', sk: 'COUNTER' },
          UpdateExpression: 'ADD n :one',
          ExpressionAttributeValues: { ':one': 1 },
        }),
      ),
    ),
    GetObjectCommand: await costPerCall(async (index) => {
      const object = await s3.send(
        new GetObjectCommand({ Bucket, Key: uploads[index % uploads.length]?.key }),
      );
      await object.Body?.transformToByteArray();
    }),
    PutObjectCommand: await costPerCall((index) =>
      s3.send(
        new PutObjectCommand({
          Bucket,
          Key: `_bench/${index}.raw`,
          Body: uploads[index % uploads.length]?.text,
        }),
      ),
    ),
  };
  console.log("  each call alone (ms per call, 4 at once) × the handler's calls per delivery:");
  let callsMs = 0;
  let archiveMs = 0;
  for (const [command, count] of [...callsByCommand].sort((a, b) => b[1] - a[1])) {
    const cost = costs[command] ?? putMs;
    const perDelivery = count / deliveries;
    callsMs += perDelivery * cost;
    if (command === 'PutObjectCommand') archiveMs = perDelivery * cost;
    console.log(
      `    ${command.replace(/Command$/, '').padEnd(10)} ${cost.toFixed(2)} ms × ${perDelivery.toFixed(2)} = ${(perDelivery * cost).toFixed(2)} ms`,
    );
  }
  console.log(
    `  calls alone ${callsMs.toFixed(1)} ms per delivery vs floor ${floorPerDelivery.toFixed(1)} ms: the handler cannot pass ${(floorPerDelivery / callsMs).toFixed(2)}× here, ` +
      `${(floorPerDelivery / (callsMs - archiveMs)).toFixed(2)}× without the local archive PutObject (AWS makes none)`,
  );
}

const pipeline = await startTestPipeline();
try {
  // One new version alone (the seed, the first version of its story): its calls, stages and write units.
  await pipeline.upload(SEED_KEY, readFileSync(new URL(`../seeds/${SEED_KEY}`, import.meta.url)));
  const seedCalls: TracedCall[] = [];
  const traced = createClients(pipeline.env);
  traceCalls(traced, seedCalls);
  await pipeline.ingest({ Records: [buildSqsRecord([buildS3Record({ key: SEED_KEY })])] }, traced);
  const seedTrace = [...seedCalls].sort((a, b) => a.start - b.start);
  console.log(
    `ingest of one new version (the seed): ${countStages(seedTrace)} sequential stages, ${seedTrace.length} calls, ${writeUnits(seedTrace)} write units`,
  );
  console.log(`  calls: ${seedTrace.map((call) => call.command.replace(/Command$/, '')).join(', ')}`);
  // The seed as a new story, one ingest at a time: the duration the README's cost table bills.
  const seedText = readFileSync(new URL(`../seeds/${SEED_KEY}`, import.meta.url));
  const seedMs: number[] = [];
  for (let copy = 0; copy < SEED_REPEATS; copy += 1) {
    const key = `stories/seed-copy-${copy}/v0.12.txt`;
    await pipeline.upload(key, seedText);
    const started = performance.now();
    await pipeline.ingest({ Records: [buildSqsRecord([buildS3Record({ key })])] });
    seedMs.push(performance.now() - started);
  }
  seedMs.sort((a, b) => a - b);
  const percentile = (share: number) => seedMs[Math.floor(share * (seedMs.length - 1))]?.toFixed(1);
  console.log(
    `  one seed ingest at a time (${SEED_REPEATS} new stories): p50 ${percentile(0.5)} ms, p90 ${percentile(0.9)} ms`,
  );
  const uploads: { key: string; text: string }[] = [];
  for (let story = 0; story < STORIES; story += 1) {
    for (let version = 0; version < VERSIONS; version += 1) {
      uploads.push({
        key: `stories/bench-${story}/v1.${version}.txt`,
        text: buildStoryFile({
          version: `v1.${version}`,
          title: `Bench story ${story}`,
          timestamp: `2024-0${1 + (version % 9)}-1${story % 10} 10:00:00`,
          paragraphs: [
            `Output reached ${story + version}.5 billion yuan in 2023, up over ${version + 3} percent [25773905] [${(0x10000000 + story).toString(16)}].`,
            `Some ${100 + story} companies joined in the past five years, said analysts [934f7ccc].`,
            `The plan runs for the next 15 years and costs $${version + 1} trillion.`,
          ],
        }),
      });
    }
  }
  await runPool(uploads, async (upload) => {
    await pipeline.upload(upload.key, upload.text);
  });

  const records = uploads.map((upload) => buildS3Record({ key: upload.key }));
  const deliveries = shuffle([...records, ...records.slice(0, Math.round(records.length * DUPLICATE_SHARE))]);
  const batches: ReturnType<typeof buildSqsRecord>[][] = [];
  for (let start = 0; start < deliveries.length; start += BATCH_SIZE) {
    batches.push(deliveries.slice(start, start + BATCH_SIZE).map((record) => buildSqsRecord([record])));
  }

  let writeCalls = 0;
  let allCalls = 0;
  const callsByCommand = new Map<string, number>();
  const counting = createFaultyClients(pipeline.env, ({ service, command }) => {
    allCalls += 1;
    callsByCommand.set(command, (callsByCommand.get(command) ?? 0) + 1);
    if (service === 'dynamodb' && WRITE_COMMANDS.has(command)) writeCalls += 1;
    return undefined;
  });
  const ingestStarted = performance.now();
  await runPool(batches, async (batch) => {
    const result = await pipeline.ingest({ Records: batch }, counting);
    if (result.batchItemFailures.length > 0) throw new Error('ingest failed during the benchmark');
  });
  const ingestMs = performance.now() - ingestStarted;

  const items = (await pipeline.scanTable()).filter((item) => item.type !== 'ingest-error');
  const versionsStored = items.filter((item) => item.type === 'version').length;
  const units = items.reduce((sum, item) => sum + Math.ceil(itemSize(item) / 1024), 0);

  // The floor: as many bare PutItem calls as ingest made writes, with the stored items' sizes.
  const floorItems = Array.from({ length: writeCalls }, (_, index) => {
    const template = items[index % items.length] as Record<string, unknown>;
    return { ...template, pk: `FLOOR#${index}`, sk: 'x' };
  });
  const floorStarted = performance.now();
  await runPool(
    Array.from({ length: Math.ceil(floorItems.length / BATCH_SIZE) }, (_, index) =>
      floorItems.slice(index * BATCH_SIZE, (index + 1) * BATCH_SIZE),
    ),
    async (chunk) => {
      for (const item of chunk) {
        await pipeline.clients.dynamo.send(
          new PutCommand({ TableName: pipeline.emulators.tableName, Item: item }),
        );
      }
    },
  );
  const floorMs = performance.now() - floorStarted;

  const ingestRate = (deliveries.length / ingestMs) * 1000;
  const floorRate = (deliveries.length / floorMs) * 1000;
  console.log(
    `ingest: ${deliveries.length} deliveries (${records.length} versions + ${deliveries.length - records.length} duplicates), concurrency ${CONCURRENCY}, batches of ${BATCH_SIZE}`,
  );
  console.log(`  real handler      ${ingestRate.toFixed(0)} versions/s  (${ingestMs.toFixed(0)} ms)`);
  console.log(
    `  bare PutItem floor ${floorRate.toFixed(0)} versions/s  (${writeCalls} puts, ${floorMs.toFixed(0)} ms)`,
  );
  const ratio = ingestRate / floorRate;
  console.log(
    `  ratio handler/floor ${ratio.toFixed(2)}; goal (issue 13) ≥ 0.8× [${ratio >= 0.8 ? 'ok' : 'MISSED'}]`,
  );
  console.log(
    `  versions stored ${versionsStored}; table writes per delivery ${(writeCalls / deliveries.length).toFixed(2)}`,
  );
  console.log(
    `  S3 + DynamoDB calls per delivery ${(allCalls / deliveries.length).toFixed(2)} (floor: ${(writeCalls / deliveries.length).toFixed(2)} PutItem)`,
  );
  console.log(
    `  items per version ${(items.length / versionsStored).toFixed(2)}; write units per version ${(units / versionsStored).toFixed(2)} (stored item sizes, 1 KB rounded up per item)`,
  );
  await printCallCosts(
    items,
    uploads,
    callsByCommand,
    deliveries.length,
    floorMs / writeCalls,
    floorMs / deliveries.length,
  );
  const versionItems = items.filter((item) => item.type === 'version');
  const meanVersionBytes = versionItems.reduce((sum, item) => sum + itemSize(item), 0) / versionItems.length;
  console.log(`  mean version item ${(meanVersionBytes / 1024).toFixed(2)} KB`);
} finally {
  await pipeline.stop();
}
