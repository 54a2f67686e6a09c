import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** What one committed object is, as its record file on disk holds it. */
export interface ObjectRecord {
  key: string;
  /** The stored data file's id: `<keyHash>.<data>.data` beside the record. */
  data: string;
  md5: string;
  size: number;
  lastModified: string;
  metadata: Record<string, string>;
}

/** Bytes streamed into tmp/, not yet any key's object. */
export interface StagedContent {
  id: string;
  path: string;
  size: number;
  md5: string;
}

export const RECORD_SUFFIX = '.json';
const DATA_SUFFIX = '.data';
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** True for an S3 bucket name (which can never be `..` or hold a slash). */
export function isBucketName(name: string): boolean {
  return BUCKET_NAME.test(name) && !name.includes('..');
}

/** SHA-256 hex of a key's UTF-8 bytes: the only name a key has on disk. */
export function keyHash(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** The data file name of a record, beside its record file. */
export function dataFileName(record: ObjectRecord): string {
  return `${keyHash(record.key)}.${record.data}${DATA_SUFFIX}`;
}

/**
 * Where everything of the store lives under its root: `<bucket>/objects/<2 hex>/<sha256>.json` and
 * `.<uuid>.data`, `<bucket>/tmp/` for writes in progress, `<bucket>/uploads/<id>/` for multipart
 * uploads, `<bucket>/subresources/`, and `<bucket>/damaged/` for records that could not be read.
 */
export class StoreLayout {
  constructor(readonly root: string) {}

  bucketPath(bucket: string) {
    return join(this.root, bucket);
  }

  objectsDir(bucket: string) {
    return join(this.bucketPath(bucket), 'objects');
  }

  fanDir(bucket: string, key: string) {
    return join(this.objectsDir(bucket), keyHash(key).slice(0, 2));
  }

  tmpDir(bucket: string) {
    return join(this.bucketPath(bucket), 'tmp');
  }

  damagedDir(bucket: string) {
    return join(this.bucketPath(bucket), 'damaged');
  }

  /** Null for an upload id s3rver could not have made (it makes 32 hex digits). */
  uploadDir(bucket: string, uploadId: string): string | null {
    return /^[A-Za-z0-9_-]{1,128}$/.test(uploadId)
      ? join(this.bucketPath(bucket), 'uploads', uploadId)
      : null;
  }

  recordPath(bucket: string, key: string) {
    return join(this.fanDir(bucket, key), `${keyHash(key)}${RECORD_SUFFIX}`);
  }

  dataPath(bucket: string, record: ObjectRecord) {
    return join(this.fanDir(bucket, record.key), dataFileName(record));
  }

  subresourcePath(bucket: string, key: string | undefined, type: string) {
    const owner = key === undefined ? 'bucket' : keyHash(key);
    return join(this.bucketPath(bucket), 'subresources', `${owner}.${type.replace(/[^a-z]/g, '')}.xml`);
  }
}

/**
 * Puts content into a fresh file under `tmpDir` (which must exist), hashing it on the way; removes it
 * on any error. A Buffer is written in one call; a stream is piped.
 */
export async function stageContent(tmpDir: string, content: Readable | Buffer): Promise<StagedContent> {
  const id = randomUUID();
  const path = join(tmpDir, `${id}${DATA_SUFFIX}`);
  try {
    if (Buffer.isBuffer(content)) {
      await writeFile(path, content);
      return { id, path, size: content.length, md5: createHash('md5').update(content).digest('hex') };
    }
    const md5 = createHash('md5');
    let size = 0;
    await pipeline(
      content,
      new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          md5.update(chunk);
          size += chunk.length;
          callback(null, chunk);
        },
      }),
      createWriteStream(path),
    );
    return { id, path, size, md5: md5.digest('hex') };
  } catch (error) {
    await rm(path, { force: true });
    throw error;
  }
}

/** A record file's content, or null when it is not a whole, well-formed record. */
export async function readRecord(path: string): Promise<ObjectRecord | null> {
  try {
    const record = JSON.parse(await readFile(path, 'utf8')) as ObjectRecord;
    const valid =
      typeof record.key === 'string' &&
      typeof record.data === 'string' &&
      /^[0-9a-f-]{36}$/.test(record.data) &&
      typeof record.md5 === 'string' &&
      Number.isSafeInteger(record.size) &&
      typeof record.metadata === 'object' &&
      record.metadata !== null;
    return valid ? record : null;
  } catch {
    return null;
  }
}

/** Writes `text` to a temp file under `tmpDir` (which must exist), then renames it over `path`: readers see the old file or the new. */
export async function writeAtomically(tmpDir: string, path: string, text: string) {
  const staged = join(tmpDir, `${randomUUID()}.tmp`);
  await writeFile(staged, text);
  await rename(staged, path);
}

/** Opens a file for reading a byte range; rejects (ENOENT…) instead of emitting an unhandled error. */
export function openRead(path: string, range: { start: number; end: number }): Promise<Readable> {
  return new Promise((resolve, reject) => {
    const stream = createReadStream(path, range);
    stream.once('error', reject);
    stream.once('open', () => {
      stream.off('error', reject);
      // Errors after opening end the response; they must not be unhandled.
      stream.on('error', () => stream.destroy());
      resolve(stream);
    });
  });
}
