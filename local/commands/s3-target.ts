import { S3Client } from '@aws-sdk/client-s3';
import { BUCKET } from '../../functions/store/table-definition.ts';
import { LOCAL_HOST, LOCAL_REGION } from '../emulators.ts';
import { createLocalS3Client } from '../story-upload.ts';
import { PORT_VARIABLES, readPortVariable } from './env.ts';

/** The bucket a command works on, and the client that reaches it. */
export interface S3Target {
  s3: S3Client;
  bucket: string;
  /** The endpoint URL, or `AWS`. */
  where: string;
  /** Real AWS: `--bucket` without `--endpoint` (standard credential chain). */
  aws: boolean;
  /** The local stack's default endpoint (nothing given). */
  localDefault: boolean;
}

/**
 * Chooses the bucket by SPEC §4: the local stack by default (http://127.0.0.1:$S3_PORT, bucket
 * `stories`); AWS with the standard credential chain when `bucket` is given without `endpoint`;
 * any S3-compatible `endpoint` (path-style; AWS_* keys from the environment, else the local ones).
 * Throws TypeError on an endpoint that is not a URL.
 */
export function chooseS3Target(bucket: string | undefined, endpoint: string | undefined): S3Target {
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
    return { s3, bucket: bucket ?? BUCKET.localName, where: endpoint, aws: false, localDefault: false };
  }
  if (bucket !== undefined) {
    // Real AWS: no endpoint override, no local credentials; the SDK's default chain decides.
    return { s3: new S3Client({}), bucket, where: 'AWS', aws: true, localDefault: false };
  }
  const localEndpoint = `http://${LOCAL_HOST}:${readPortVariable('S3_PORT', PORT_VARIABLES.S3_PORT)}`;
  return {
    s3: createLocalS3Client(localEndpoint),
    bucket: BUCKET.localName,
    where: localEndpoint,
    aws: false,
    localDefault: true,
  };
}

/** True for the errors of an endpoint nobody answers at. */
export function isUnreachable(error: unknown): boolean {
  const code =
    (error as NodeJS.ErrnoException)?.code ?? (error as { cause?: { code?: string } })?.cause?.code;
  return code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EHOSTUNREACH';
}

/** A one-line reason for an S3 failure, with what to do about the usual ones. */
export function explainS3Error(error: unknown, target: S3Target): string {
  if (isUnreachable(error)) {
    return target.localDefault
      ? `nothing answers at ${target.where}: start the local stack with \`npm start\` (or pass --bucket for AWS)`
      : `cannot reach ${target.where}`;
  }
  const name = (error as Error)?.name;
  if (name === 'NoSuchBucket') return `bucket ${target.bucket} does not exist at ${target.where}`;
  if (name === 'CredentialsProviderError') return `no AWS credentials found (${describeError(error)})`;
  return describeError(error);
}

/** The message of an error (a missing file named by its path). */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return `no such file or directory: ${(error as NodeJS.ErrnoException).path ?? ''}`;
    return error.message || error.name;
  }
  return String(error);
}
