import { resolve } from 'node:path';
import { GetObjectCommand, HeadBucketCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  appendDeadLetter,
  type DeadLetter,
  deadLetterPath,
  readDeadLetters,
  takeDeadLetters,
} from '../dead-letters.ts';
import { LOCAL_HOST } from '../emulators.ts';
import { createLocalS3Client } from '../story-upload.ts';
import { readCommandLine } from './command-line.ts';
import { PORT_VARIABLES, readPortVariable } from './env.ts';

const SPEC = {
  name: 'dlq',
  usage: `usage: storyfeed dlq [--redrive] [--json]

Lists the uploads the local pipeline gave up on after 5 tries (kept in $STORYFEED_DATA_DIR/dlq.jsonl).
  --redrive   puts each object again into the running local bucket (npm start must be running),
              so it goes through the pipeline once more; the ones that cannot be put stay listed
  --json      prints {"items":[...]} instead of one line per dead letter`,
  options: { redrive: { type: 'boolean' }, json: { type: 'boolean' } },
} as const;

/** `storyfeed dlq`: lists dead letters, or with --redrive replays them; returns the exit code. */
export async function runDlq(args: string[]): Promise<number> {
  const line = readCommandLine(SPEC, args);
  if (line.exit !== undefined) return line.exit;
  const { values } = line;
  const path = deadLetterPath(resolve(process.env.STORYFEED_DATA_DIR || '.storyfeed'));
  if (!values.redrive) {
    const letters = readDeadLetters(path);
    if (values.json) process.stdout.write(`${JSON.stringify({ items: letters })}\n`);
    else if (letters.length === 0) process.stdout.write(`no dead letters in ${path}\n`);
    else for (const letter of letters) process.stdout.write(`${describeLetter(letter)}\n`);
    return 0;
  }
  return redrive(path);
}

async function redrive(path: string): Promise<number> {
  if (readDeadLetters(path).length === 0) {
    process.stdout.write(`no dead letters in ${path}\n`);
    return 0;
  }
  const endpoint = `http://${LOCAL_HOST}:${readPortVariable('S3_PORT', PORT_VARIABLES.S3_PORT)}`;
  const s3 = createLocalS3Client(endpoint);
  try {
    const bucket = readDeadLetters(path)[0]?.bucket ?? 'stories';
    try {
      await s3.send(new HeadBucketCommand({ Bucket: bucket }));
    } catch (error) {
      process.stderr.write(
        `storyfeed dlq: the local stack does not answer at ${endpoint} (${(error as Error).message || (error as Error).name}): start it with \`npm start\`, then redrive\n`,
      );
      return 1;
    }
    let failed = 0;
    // Letters the pipeline appends meanwhile go to a fresh file; the taken ones are replayed here.
    for (const letter of takeDeadLetters(path)) {
      try {
        await putAgain(s3, letter);
        process.stdout.write(`redriven ${letter.key}\n`);
      } catch (error) {
        failed += 1;
        appendDeadLetter(path, letter);
        process.stderr.write(
          `kept     ${letter.key}: ${(error as Error).message || (error as Error).name}\n`,
        );
      }
    }
    return failed > 0 ? 1 : 0;
  } finally {
    s3.destroy();
  }
}

/** Puts the object back under its key with its body, type and metadata: a new ObjectCreated event. */
async function putAgain(s3: S3Client, letter: DeadLetter): Promise<void> {
  const object = await s3.send(new GetObjectCommand({ Bucket: letter.bucket, Key: letter.key }));
  const body = await object.Body?.transformToByteArray();
  await s3.send(
    new PutObjectCommand({
      Bucket: letter.bucket,
      Key: letter.key,
      Body: body ?? new Uint8Array(),
      ...(object.ContentType ? { ContentType: object.ContentType } : {}),
      ...(object.Metadata ? { Metadata: object.Metadata } : {}),
    }),
  );
}

function describeLetter(letter: DeadLetter): string {
  return `${letter.failedAt}  ${letter.key}  ${letter.receiveCount} tries  ${letter.error}`;
}
