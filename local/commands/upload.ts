import { BUCKET } from '../../functions/store/table-definition.ts';
import { LOCAL_HOST } from '../emulators.ts';
import {
  collectStoryFiles,
  hasStorySuffix,
  isValidStoryId,
  putStoryFile,
  type StoryFileUpload,
  storyObjectKey,
} from '../story-upload.ts';
import { readCommandLine, usageError } from './command-line.ts';
import { PORT_VARIABLES, readPortVariable } from './env.ts';
import { createStatusClient, type IngestStatus, type StatusClient } from './ingest-status.ts';
import { chooseS3Target, describeError, explainS3Error, isUnreachable, type S3Target } from './s3-target.ts';
import { type ApiSigning, regionOfApiUrl } from './sign-request.ts';
import { type UploadJob, type UploadResult, uploadAndWait } from './upload-outcomes.ts';

const SPEC = {
  name: 'upload',
  usage: `usage: storyfeed upload FILE... [--bucket B] [--endpoint URL] [--api URL] [--story-id ID] [--no-wait]

Puts story files (.txt, .md), or folders of them (recursively), into the bucket, then waits (up to
60 s) for the pipeline's outcome of each and prints one line per file:
  stored <storyId> <version> | duplicate <storyId> <version> | stale <storyId> <version>
  rejected <code>: <message> | timed out …   (and "  warning <code>: <message>" lines)
Exit 0 when every file was stored or a duplicate, 1 when any was not, 2 on a usage error.

  default            the local stack: bucket stories at http://127.0.0.1:$S3_PORT (4569),
                     outcomes from http://127.0.0.1:$PORT (3000)
  --bucket B         the bucket B on AWS (standard credential chain), unless --endpoint is given too
  --endpoint URL     an S3-compatible endpoint (path-style)
  --api URL          where to ask for outcomes (GET /ingest/status); on AWS the stack's ApiUrl,
                     and the requests are signed (SigV4) with your AWS credentials
  --story-id ID      sets the objects' story-id metadata; keys become stories/ID/<file name>
  --no-wait          only put the files and print "uploaded <file> → s3://<bucket>/<key>"`,
  options: {
    bucket: { type: 'string' },
    endpoint: { type: 'string' },
    api: { type: 'string' },
    'story-id': { type: 'string' },
    'no-wait': { type: 'boolean' },
  },
  positionals: { min: 1, max: Number.POSITIVE_INFINITY, what: 'at least one FILE or folder' },
} as const;

/** How long the pipeline's outcomes are waited for (SPEC §4), and how often each is asked for. */
const WAIT_MS = 60_000;
const POLL_INTERVAL_MS = 200;
/** Progress lines on stderr once a run has more files than this. */
const PROGRESS_THRESHOLD = 20;

/** `storyfeed upload`: puts files, waits for each one's outcome, prints it; returns the exit code (SPEC §4). */
export async function runUpload(args: string[]): Promise<number> {
  const line = readCommandLine(SPEC, args);
  if (line.exit !== undefined) return line.exit;
  const { values, positionals } = line;
  const storyId = values['story-id'];
  if (storyId !== undefined && !isValidStoryId(storyId)) {
    return usageError(
      SPEC,
      `--story-id ${JSON.stringify(storyId)} is not a story id (letters, digits, . _ -; at most 128)`,
    ).exit;
  }
  for (const [option, url] of [
    ['--endpoint', values.endpoint],
    ['--api', values.api],
  ] as const) {
    if (url !== undefined && !URL.canParse(url))
      return usageError(SPEC, `${option} ${JSON.stringify(url)} is not a URL`).exit;
  }

  let files: StoryFileUpload[];
  try {
    files = await collectStoryFiles(positionals);
  } catch (error) {
    process.stderr.write(`storyfeed upload: ${describeError(error)}\n`);
    return 1;
  }
  if (files.length === 0) {
    process.stderr.write(`storyfeed upload: no story files (${BUCKET.storySuffixes.join(', ')}) found\n`);
    return 1;
  }
  const jobs = files.map((file) => {
    const key = storyObjectKey(file.key, storyId);
    return { path: file.path, key, ingested: hasStorySuffix(key) };
  });
  const clash = findKeyClash(jobs);
  if (clash) return usageError(SPEC, clash).exit;

  const target = chooseS3Target(values.bucket, values.endpoint);
  try {
    const wait = !values['no-wait'];
    const status = wait ? chooseStatusClient(values.api, target) : undefined;
    if (wait && !status) {
      process.stderr.write(
        "storyfeed upload: cannot wait for the outcomes on AWS without --api (the stack's ApiUrl): uploading only\n",
      );
    }
    const results = await uploadAndWait({
      jobs,
      put: (job) => putStoryFile(target.s3, target.bucket, job, storyId),
      explainPutError: (error) => ({
        reason: explainS3Error(error, target),
        unreachable: isUnreachable(error),
      }),
      status,
      timeoutMs: WAIT_MS,
      intervalMs: POLL_INTERVAL_MS,
      onResult: (job, result) => writeResult(job, result, target),
      onProgress: jobs.length > PROGRESS_THRESHOLD ? progressReporter(status !== undefined) : undefined,
    });
    return exitCodeOf(results, status !== undefined, target, jobs);
  } finally {
    target.s3.destroy();
  }
}

/** The outcome source: --api (signed on AWS), else the local server unless the bucket is on AWS. */
function chooseStatusClient(api: string | undefined, target: S3Target): StatusClient | undefined {
  if (api === undefined) {
    if (target.aws) return undefined;
    return createStatusClient(
      `http://${LOCAL_HOST}:${readPortVariable('PORT', PORT_VARIABLES.PORT)}`,
      undefined,
      ': is `npm start` running with this PORT? (or give --api URL, or --no-wait)',
    );
  }
  if (!target.aws) return createStatusClient(api);
  const region = regionOfApiUrl(new URL(api)) ?? process.env.AWS_REGION;
  const signing = async (): Promise<ApiSigning> => ({
    credentials: await target.s3.config.credentials(),
    region: region ?? (await target.s3.config.region()),
  });
  return createStatusClient(api, signing);
}

/** Two files that would land on the same key (the second would replace the first): a usage error. */
function findKeyClash(jobs: UploadJob[]): string | undefined {
  const seen = new Map<string, string>();
  for (const job of jobs) {
    const earlier = seen.get(job.key);
    if (earlier !== undefined) return `${earlier} and ${job.path} would both be stored as ${job.key}`;
    seen.set(job.key, job.path);
  }
  return undefined;
}

/**
 * Prints one file's line on stdout, exactly as SPEC §4 shapes it (stderr for a failed put); lines come
 * in the files' order, and the summary on stderr names the keys of files that were not stored.
 */
function writeResult(job: UploadJob, result: UploadResult, target: S3Target) {
  const where = `s3://${target.bucket}/${job.key}`;
  switch (result.kind) {
    case 'outcome':
      process.stdout.write(`${describeOutcome(result.status)}\n`);
      for (const warning of result.status.warnings ?? []) {
        const { code, message } = typeof warning === 'string' ? { code: warning, message: '' } : warning;
        process.stdout.write(`  warning ${code}${message ? `: ${message}` : ''}\n`);
      }
      return;
    case 'uploaded':
      process.stdout.write(`uploaded ${job.path} → ${where}\n`);
      return;
    case 'not-ingested':
      process.stdout.write(
        `uploaded ${job.path} → ${where} (not ${BUCKET.storySuffixes.join('/')}: stored, not ingested)\n`,
      );
      return;
    case 'timeout':
      process.stdout.write(`timed out waiting for the outcome of ${where}\n`);
      return;
    case 'unconfirmed':
      process.stdout.write(`uploaded ${job.path} → ${where}, outcome unknown: ${result.reason}\n`);
      return;
    case 'put-failed':
      process.stderr.write(`failed   ${job.path} → ${where}: ${result.reason}\n`);
      return;
    case 'not-tried':
      return;
  }
}

/** `stored <storyId> <version>`, `duplicate …`, `stale …`, `rejected <code>: <message>`, `retracted …`. */
export function describeOutcome(status: IngestStatus): string {
  if (status.outcome === 'rejected')
    return `rejected ${status.code ?? 'unknown'}: ${status.message ?? ''}`.trimEnd();
  return [status.outcome, status.storyId, status.version].filter(Boolean).join(' ');
}

function progressReporter(waiting: boolean) {
  let shown = { put: 0, finished: 0 };
  return ({ put, finished, total }: { put: number; finished: number; total: number }) => {
    const tenth = (count: number) => Math.floor((count * 10) / total);
    if (tenth(put) === tenth(shown.put) && tenth(finished) === tenth(shown.finished)) return;
    shown = { put, finished };
    const outcomes = waiting ? `, ${finished}/${total} with an outcome` : '';
    process.stderr.write(`storyfeed upload: ${put}/${total} put${outcomes}\n`);
  };
}

/**
 * 0 when every file was stored or a duplicate (or, without waiting, put); else 1, with a summary for
 * several files that names the keys of those that were not.
 */
function exitCodeOf(results: UploadResult[], waited: boolean, target: S3Target, jobs: UploadJob[]): number {
  const total = jobs.length;
  const isOk = (result: UploadResult) =>
    (result.kind === 'outcome' &&
      (result.status.outcome === 'stored' || result.status.outcome === 'duplicate')) ||
    result.kind === 'uploaded' ||
    (result.kind === 'not-ingested' && !waited);
  const ok = results.filter(isOk).length;
  if (ok === total) return 0;
  if (total === 1 && results[0]?.kind !== 'put-failed' && results[0]?.kind !== 'not-tried') return 1;
  const count = (kind: UploadResult['kind']) => results.filter((result) => result.kind === kind).length;
  const parts = [
    waited ? `${ok} of ${total} stored or duplicate` : `${ok} of ${total} uploaded`,
    count('put-failed') && `${count('put-failed')} failed to upload`,
    count('not-tried') && `${count('not-tried')} not tried`,
    count('timeout') && `${count('timeout')} timed out`,
    count('unconfirmed') && `${count('unconfirmed')} without a known outcome`,
    count('not-ingested') && `${count('not-ingested')} not ingested (not ${BUCKET.storySuffixes.join('/')})`,
  ].filter(Boolean);
  const failed = results.flatMap((result, index) =>
    isOk(result)
      ? []
      : [`${jobs[index]?.key} (${result.kind === 'outcome' ? result.status.outcome : result.kind})`],
  );
  const named = failed.length > 10 ? [...failed.slice(0, 10), `and ${failed.length - 10} more`] : failed;
  process.stderr.write(
    `storyfeed upload: ${parts.join(', ')} (bucket ${target.bucket} at ${target.where}); not stored: ${named.join(', ')}\n`,
  );
  return 1;
}
