import { parseArgs } from 'node:util';
import { S3Client } from '@aws-sdk/client-s3';
import { BUCKET } from '../../functions/store/table-definition.ts';
import { LOCAL_HOST, LOCAL_REGION } from '../emulators.ts';
import {
  collectStoryFiles,
  createLocalS3Client,
  hasStorySuffix,
  isValidStoryId,
  putStoryFile,
  type StoryFileUpload,
  storyObjectKey,
} from '../story-upload.ts';
import { readPortVariable } from './env.ts';

const USAGE = `usage: storyfeed upload FILE... [--bucket B] [--endpoint URL] [--story-id ID]

Puts story files (.txt, .md), or directories of them (recursively), into the bucket.
  default                  the local stack: http://127.0.0.1:$S3_PORT (4569), bucket stories
  --bucket B               on AWS (standard credential chain), unless --endpoint is given too
  --endpoint URL           an S3-compatible endpoint (path-style)
  --story-id ID            sets the object's story-id metadata; keys become stories/ID/<file name>`;

interface Target {
  s3: S3Client;
  bucket: string;
  where: string;
  local: boolean;
}

/** `storyfeed upload`: puts files into the bucket and reports each key; exit 1 when any failed. */
export async function runUpload(args: string[]): Promise<number> {
  // The project runs on Node 20 (package.json engines); the SDK's notice about future releases is noise here.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  let parsed: ReturnType<typeof parseUploadArgs>;
  try {
    parsed = parseUploadArgs(args);
  } catch (error) {
    process.stderr.write(`storyfeed upload: ${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (positionals.length === 0) {
    process.stderr.write(`storyfeed upload: no FILE given\n${USAGE}\n`);
    return 2;
  }
  const storyId = values['story-id'];
  if (storyId !== undefined && !isValidStoryId(storyId)) {
    process.stderr.write(
      `storyfeed upload: --story-id ${JSON.stringify(storyId)} is not a story id (letters, digits, . _ -; at most 128)\n`,
    );
    return 1;
  }

  let uploads: StoryFileUpload[];
  try {
    uploads = await collectStoryFiles(positionals);
  } catch (error) {
    process.stderr.write(`storyfeed upload: ${describeError(error)}\n`);
    return 1;
  }
  if (uploads.length === 0) {
    process.stderr.write(`storyfeed upload: no story files (${BUCKET.storySuffixes.join(', ')}) found\n`);
    return 1;
  }

  let target: Target;
  try {
    target = chooseTarget(values.bucket, values.endpoint);
  } catch (error) {
    process.stderr.write(`storyfeed upload: ${describeError(error)}\n`);
    return 1;
  }
  let failed = 0;
  let tried = 0;
  try {
    for (const upload of uploads) {
      tried += 1;
      const key = storyObjectKey(upload.key, storyId);
      try {
        await putStoryFile(target.s3, target.bucket, upload, storyId);
        const note = hasStorySuffix(key)
          ? ''
          : ` (not ${BUCKET.storySuffixes.join('/')}: stored, not ingested)`;
        process.stdout.write(`uploaded ${upload.path} → s3://${target.bucket}/${key}${note}\n`);
      } catch (error) {
        failed += 1;
        process.stderr.write(
          `failed   ${upload.path} → s3://${target.bucket}/${key}: ${explain(error, target)}\n`,
        );
        if (isUnreachable(error)) break;
      }
    }
  } finally {
    target.s3.destroy();
  }
  if (failed > 0) {
    const notTried = uploads.length - tried;
    process.stderr.write(
      `storyfeed upload: ${failed} of ${uploads.length} failed${notTried ? `, ${notTried} not tried` : ''}\n`,
    );
    return 1;
  }
  return 0;
}

function parseUploadArgs(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    options: {
      bucket: { type: 'string' },
      endpoint: { type: 'string' },
      'story-id': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

function chooseTarget(bucket: string | undefined, endpoint: string | undefined): Target {
  if (endpoint !== undefined) {
    new URL(endpoint);
    const hasAwsKeys = Boolean(process.env.AWS_ACCESS_KEY_ID && process.env.AWS_SECRET_ACCESS_KEY);
    const s3 = hasAwsKeys
      ? new S3Client({
          endpoint,
          forcePathStyle: true,
          region: process.env.AWS_REGION ?? LOCAL_REGION,
          requestChecksumCalculation: 'WHEN_REQUIRED',
          responseChecksumValidation: 'WHEN_REQUIRED',
        })
      : createLocalS3Client(endpoint);
    return { s3, bucket: bucket ?? BUCKET.localName, where: endpoint, local: !hasAwsKeys };
  }
  if (bucket !== undefined) {
    // Real AWS: no endpoint override, no local credentials; the SDK's default chain decides.
    return { s3: new S3Client({}), bucket, where: 'AWS', local: false };
  }
  const localEndpoint = `http://${LOCAL_HOST}:${readPortVariable('S3_PORT', 4569)}`;
  return {
    s3: createLocalS3Client(localEndpoint),
    bucket: BUCKET.localName,
    where: localEndpoint,
    local: true,
  };
}

function isUnreachable(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException)?.code;
  return code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EHOSTUNREACH';
}

function explain(error: unknown, target: Target): string {
  if (isUnreachable(error)) {
    return target.local && target.where.startsWith(`http://${LOCAL_HOST}`)
      ? `nothing answers at ${target.where}: start the local stack with \`npm start\` (or pass --bucket for AWS)`
      : `cannot reach ${target.where}`;
  }
  const name = (error as Error)?.name;
  if (name === 'NoSuchBucket') return `bucket ${target.bucket} does not exist at ${target.where}`;
  if (name === 'CredentialsProviderError') return `no AWS credentials found (${describeError(error)})`;
  return describeError(error);
}

function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return `no such file or directory: ${(error as NodeJS.ErrnoException).path ?? ''}`;
    return error.message || error.name;
  }
  return String(error);
}
