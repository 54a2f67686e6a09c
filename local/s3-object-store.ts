import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import S3Bucket from 's3rver/lib/models/bucket.js';
import { getConfigModel } from 's3rver/lib/models/config.js';
import S3Error from 's3rver/lib/models/error.js';
import S3Object from 's3rver/lib/models/object.js';

/** S3's limit on a key: 1,024 bytes of UTF-8. */
export const MAX_KEY_BYTES = 1024;

/** What one committed object is, as its record file on disk holds it. */
interface ObjectRecord {
  key: string;
  /** The stored data file's id: `<keyHash>.<data>.data` beside the record. */
  data: string;
  md5: string;
  size: number;
  lastModified: string;
  metadata: Record<string, string>;
}

/** Options of a listing, as s3rver's bucket controller passes them. */
interface ListOptions {
  delimiter?: string;
  startAfter?: string;
  prefix?: string;
  maxKeys?: number;
}

/** What {@link S3ObjectStore.open} found and repaired in the folder. */
export interface StoreRepairReport {
  /** Objects loaded. */
  objects: number;
  /** Data files a crash left without a committed record (the PUT was never acknowledged). */
  orphansRemoved: number;
  /** Record files that could not be read; moved to `<bucket>/damaged/`, never served. */
  damagedRecords: string[];
}

const RECORD_SUFFIX = '.json';
const DATA_SUFFIX = '.data';
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * The embedded S3's object store, plugged into s3rver in place of its FilesystemStore. s3rver maps
 * a key to a file path (`<bucket>/<key>._S3rver_object`), so a key with a long segment fails with
 * ENAMETOOLONG, `..` escapes the folder and aliases other keys, and an overwrite truncates the
 * accepted object in place. Here each key is stored under the SHA-256 of its bytes
 * (`objects/<2 hex>/<64 hex>.json` + `.<id>.data`): every file name is short and safe, the key
 * itself lives in the record. A PUT streams into `tmp/`, renames the data file to a fresh name and
 * commits by renaming the record over the old one: a crash at any point leaves the old object or
 * the new one, never neither. Records are also kept in memory (one process owns the folder).
 */
export class S3ObjectStore {
  private readonly buckets = new Map<string, Map<string, ObjectRecord>>();
  private readonly sorted = new Map<string, string[]>();
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(readonly rootDirectory: string) {
    mkdirSync(rootDirectory, { recursive: true });
  }

  /**
   * Loads every bucket's records into memory and repairs what a crash left: clears `tmp/`, removes
   * data files no record points to, and moves unreadable records aside. Call once before serving.
   */
  async open(): Promise<StoreRepairReport> {
    const report: StoreRepairReport = { objects: 0, orphansRemoved: 0, damagedRecords: [] };
    for (const entry of await readdir(this.rootDirectory, { withFileTypes: true })) {
      if (!entry.isDirectory() || !BUCKET_NAME.test(entry.name)) continue;
      const bucket = entry.name;
      await rm(this.tmpDir(bucket), { recursive: true, force: true });
      const records = this.bucketRecords(bucket);
      const objectsDir = join(this.bucketPath(bucket), 'objects');
      if (!existsSync(objectsDir)) continue;
      for (const fan of await readdir(objectsDir, { withFileTypes: true })) {
        if (!fan.isDirectory()) continue;
        const fanDir = join(objectsDir, fan.name);
        const names = await readdir(fanDir);
        const live = new Set<string>();
        for (const name of names.filter((file) => file.endsWith(RECORD_SUFFIX))) {
          const record = await readRecord(join(fanDir, name));
          if (record && keyHash(record.key) === name.slice(0, -RECORD_SUFFIX.length)) {
            records.set(record.key, record);
            live.add(dataFileName(record));
          } else {
            await this.quarantine(bucket, join(fanDir, name));
            report.damagedRecords.push(join(fanDir, name));
          }
        }
        for (const name of names.filter((file) => !file.endsWith(RECORD_SUFFIX) && !live.has(file))) {
          await rm(join(fanDir, name), { recursive: true, force: true });
          report.orphansRemoved += 1;
        }
      }
      report.objects += records.size;
    }
    return report;
  }

  // ---- buckets (s3rver's store interface) ------------------------------------------------------

  reset(): void {
    for (const name of readdirSync(this.rootDirectory)) {
      rmSync(join(this.rootDirectory, name), { recursive: true, force: true });
    }
    this.buckets.clear();
    this.sorted.clear();
  }

  async listBuckets(): Promise<S3Bucket[]> {
    const names = await readdir(this.rootDirectory);
    const buckets = await Promise.all(names.map((name) => this.getBucket(name)));
    return buckets.filter((bucket): bucket is S3Bucket => bucket !== null);
  }

  async getBucket(bucket: string): Promise<S3Bucket | null> {
    if (!BUCKET_NAME.test(bucket) || bucket.includes('..')) return null;
    try {
      const info = await stat(this.bucketPath(bucket));
      return info.isDirectory() ? new S3Bucket(bucket, info.birthtime) : null;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async putBucket(bucket: string): Promise<S3Bucket | null> {
    if (!BUCKET_NAME.test(bucket) || bucket.includes('..')) {
      throw new S3Error('InvalidBucketName', 'The specified bucket is not valid.', { BucketName: bucket });
    }
    await mkdir(join(this.bucketPath(bucket), 'objects'), { recursive: true });
    return this.getBucket(bucket);
  }

  async deleteBucket(bucket: string): Promise<void> {
    if ((await this.getBucket(bucket)) === null) return;
    await rm(this.bucketPath(bucket), { recursive: true, force: true });
    this.buckets.delete(bucket);
    this.sorted.delete(bucket);
  }

  // ---- objects ---------------------------------------------------------------------------------

  async listObjects(
    bucket: string,
    options: ListOptions,
  ): Promise<{ objects: S3Object[]; commonPrefixes: string[]; isTruncated: boolean }> {
    const { delimiter = '', startAfter = '', prefix = '', maxKeys = Number.POSITIVE_INFINITY } = options;
    const records = this.bucketRecords(bucket);
    const objects: S3Object[] = [];
    const commonPrefixes = new Set<string>();
    let isTruncated = false;
    for (const key of this.sortedKeys(bucket)) {
      if (!key.startsWith(prefix) || (startAfter && compareKeys(key, startAfter) <= 0)) continue;
      if (delimiter) {
        const at = key.indexOf(delimiter, prefix.length);
        if (at !== -1) {
          commonPrefixes.add(key.slice(0, at + delimiter.length));
          continue;
        }
      }
      if (objects.length >= maxKeys) {
        isTruncated = true;
        break;
      }
      const record = records.get(key);
      if (record) objects.push(new S3Object(bucket, key, null, describe(record)));
    }
    return { objects, commonPrefixes: [...commonPrefixes].sort(compareKeys), isTruncated };
  }

  async existsObject(bucket: string, key: string): Promise<boolean> {
    return this.bucketRecords(bucket).has(key);
  }

  async getObject(
    bucket: string,
    key: string,
    options?: { start?: number; end?: number },
  ): Promise<S3Object | null> {
    // A concurrent overwrite may remove the data file between reading the record and opening it.
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const record = this.bucketRecords(bucket).get(key);
      if (!record) return null;
      const metadata = describe(record);
      const lastByte = Math.max(0, record.size - 1);
      const ranged = options !== undefined && (options.start !== undefined || options.end !== undefined);
      const range = {
        start: options?.start ?? 0,
        end: Math.min(options?.end ?? Number.POSITIVE_INFINITY, lastByte),
      };
      if (range.start < 0 || range.end < range.start) {
        const object = new S3Object(bucket, key, null, metadata);
        if (ranged) object.range = range;
        return object;
      }
      try {
        const content = await openRead(this.dataPath(bucket, record), range);
        const object = new S3Object(bucket, key, content, metadata);
        if (ranged) object.range = range;
        return object;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    return null;
  }

  async putObject(object: S3Object): Promise<{ size: number; md5: string }> {
    assertKeyLength(object.key);
    const staged = await this.stage(object.bucket, object.content ?? Buffer.alloc(0));
    await this.commit(object.bucket, object.key, staged, storedMetadata(object.metadata));
    return { size: staged.size, md5: staged.md5 };
  }

  async copyObject(
    srcBucket: string,
    srcKey: string,
    destBucket: string,
    destKey: string,
    replacementMetadata?: Record<string, string>,
  ): Promise<Record<string, string | number>> {
    assertKeyLength(destKey);
    const source = this.bucketRecords(srcBucket).get(srcKey);
    const object = await this.getObject(srcBucket, srcKey);
    if (!source || !object?.content) {
      throw new S3Error('NoSuchKey', 'The specified key does not exist.', { Key: srcKey });
    }
    const staged = await this.stage(destBucket, object.content);
    const metadata = replacementMetadata ? storedMetadata(replacementMetadata) : source.metadata;
    const record = await this.commit(destBucket, destKey, staged, metadata);
    return describe(record);
  }

  async deleteObject(bucket: string, key: string): Promise<void> {
    await this.withKeyLock(bucket, key, async () => {
      const records = this.bucketRecords(bucket);
      const record = records.get(key);
      if (!record) return;
      await rm(this.recordPath(bucket, key), { force: true });
      records.delete(key);
      this.sorted.delete(bucket);
      await rm(this.dataPath(bucket, record), { force: true });
      await rm(this.subresourcePath(bucket, key, 'tagging'), { force: true });
    });
  }

  // ---- multipart uploads -----------------------------------------------------------------------

  async initiateUpload(bucket: string, key: string, uploadId: string, metadata: Record<string, string>) {
    assertKeyLength(key);
    const dir = this.uploadDir(bucket, uploadId);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'upload.json'), JSON.stringify({ key, metadata }));
  }

  async putPart(bucket: string, uploadId: string, partNumber: number, content: Readable) {
    const dir = this.uploadDir(bucket, uploadId);
    if (!existsSync(dir)) throw new S3Error('NoSuchUpload', 'The specified upload does not exist.');
    const staged = await this.stage(bucket, content);
    await rename(staged.path, join(dir, `${Math.trunc(Number(partNumber))}.part`));
    return { size: staged.size, md5: staged.md5 };
  }

  async putObjectMultipart(bucket: string, uploadId: string, parts: { number: number }[]) {
    const dir = this.uploadDir(bucket, uploadId);
    let upload: { key: string; metadata: Record<string, string> };
    try {
      upload = JSON.parse(await readFile(join(dir, 'upload.json'), 'utf8'));
    } catch {
      throw new S3Error('NoSuchUpload', 'The specified upload does not exist.');
    }
    const ordered = [...parts].sort((a, b) => a.number - b.number);
    const content = Readable.from(
      (async function* () {
        for (const part of ordered)
          yield* createReadStream(join(dir, `${Math.trunc(Number(part.number))}.part`));
      })(),
    );
    const result = await this.putObject(new S3Object(bucket, upload.key, content, upload.metadata));
    await rm(dir, { recursive: true, force: true });
    return result;
  }

  // ---- subresources (bucket CORS/website, object tagging) ---------------------------------------

  async getSubresource(bucket: string, key: string | undefined, type: string) {
    const Model = getConfigModel(type);
    if (!Model) return null;
    try {
      return new Model(await readFile(this.subresourcePath(bucket, key, type), 'utf8'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async putSubresource(
    bucket: string,
    key: string | undefined,
    resource: { type: string; toXML(space?: number): string },
  ) {
    const path = this.subresourcePath(bucket, key, resource.type);
    await mkdir(join(this.bucketPath(bucket), 'subresources'), { recursive: true });
    await writeAtomically(this.tmpDir(bucket), path, resource.toXML(2));
  }

  async deleteSubresource(bucket: string, key: string | undefined, type: string) {
    await rm(this.subresourcePath(bucket, key, type), { force: true });
  }

  /** Adds an object read from an older layout, keeping its ETag and time (used by the migration). */
  async importObject(
    bucket: string,
    key: string,
    bytes: Buffer,
    metadata: Record<string, string>,
    lastModified: Date,
  ): Promise<void> {
    assertKeyLength(key);
    if ((await this.getBucket(bucket)) === null) await this.putBucket(bucket);
    const staged = await this.stage(bucket, bytes);
    await this.commit(bucket, key, staged, storedMetadata(metadata), lastModified);
  }

  // ---- internals -------------------------------------------------------------------------------

  /** Streams content into a fresh file under tmp/, hashing it on the way. */
  private async stage(bucket: string, content: Readable | Buffer) {
    const tmp = this.tmpDir(bucket);
    await mkdir(tmp, { recursive: true });
    const id = randomUUID();
    const path = join(tmp, `${id}${DATA_SUFFIX}`);
    const md5 = createHash('md5');
    let size = 0;
    try {
      await pipeline(
        Buffer.isBuffer(content) ? Readable.from([content]) : content,
        new Transform({
          transform(chunk: Buffer, _encoding, callback) {
            md5.update(chunk);
            size += chunk.length;
            callback(null, chunk);
          },
        }),
        createWriteStream(path),
      );
    } catch (error) {
      await rm(path, { force: true });
      throw error;
    }
    return { id, path, size, md5: md5.digest('hex') };
  }

  /** Makes a staged file the key's object: data renamed in, then the record renamed over the old one. */
  private commit(
    bucket: string,
    key: string,
    staged: { id: string; path: string; size: number; md5: string },
    metadata: Record<string, string>,
    lastModified = new Date(),
  ): Promise<ObjectRecord> {
    return this.withKeyLock(bucket, key, async () => {
      const record: ObjectRecord = {
        key,
        data: staged.id,
        md5: staged.md5,
        size: staged.size,
        lastModified: lastModified.toISOString(),
        metadata,
      };
      await mkdir(join(this.bucketPath(bucket), 'objects', keyHash(key).slice(0, 2)), { recursive: true });
      await rename(staged.path, this.dataPath(bucket, record));
      await writeAtomically(this.tmpDir(bucket), this.recordPath(bucket, key), JSON.stringify(record));
      const records = this.bucketRecords(bucket);
      const previous = records.get(key);
      records.set(key, record);
      if (!previous) this.sorted.delete(bucket);
      if (previous && previous.data !== record.data)
        await rm(this.dataPath(bucket, previous), { force: true });
      return record;
    });
  }

  private async withKeyLock<T>(bucket: string, key: string, work: () => Promise<T>): Promise<T> {
    const lockKey = `${bucket}/${key}`;
    const before = this.locks.get(lockKey) ?? Promise.resolve();
    const run = before.then(work, work);
    const tail = run.catch(() => undefined);
    this.locks.set(lockKey, tail);
    try {
      return await run;
    } finally {
      if (this.locks.get(lockKey) === tail) this.locks.delete(lockKey);
    }
  }

  private async quarantine(bucket: string, path: string) {
    const damaged = join(this.bucketPath(bucket), 'damaged');
    await mkdir(damaged, { recursive: true });
    await rename(path, join(damaged, `${randomUUID()}${RECORD_SUFFIX}`));
  }

  private bucketRecords(bucket: string): Map<string, ObjectRecord> {
    let records = this.buckets.get(bucket);
    if (!records) {
      records = new Map();
      this.buckets.set(bucket, records);
    }
    return records;
  }

  private sortedKeys(bucket: string): string[] {
    let keys = this.sorted.get(bucket);
    if (!keys) {
      keys = [...this.bucketRecords(bucket).keys()].sort(compareKeys);
      this.sorted.set(bucket, keys);
    }
    return keys;
  }

  private bucketPath(bucket: string) {
    return join(this.rootDirectory, bucket);
  }

  private tmpDir(bucket: string) {
    return join(this.bucketPath(bucket), 'tmp');
  }

  private uploadDir(bucket: string, uploadId: string) {
    if (!/^[A-Za-z0-9_-]{1,128}$/.test(uploadId)) {
      throw new S3Error('NoSuchUpload', 'The specified upload does not exist.');
    }
    return join(this.bucketPath(bucket), 'uploads', uploadId);
  }

  private recordPath(bucket: string, key: string) {
    const hash = keyHash(key);
    return join(this.bucketPath(bucket), 'objects', hash.slice(0, 2), `${hash}${RECORD_SUFFIX}`);
  }

  private dataPath(bucket: string, record: ObjectRecord) {
    return join(this.bucketPath(bucket), 'objects', keyHash(record.key).slice(0, 2), dataFileName(record));
  }

  private subresourcePath(bucket: string, key: string | undefined, type: string) {
    const owner = key === undefined ? 'bucket' : keyHash(key);
    return join(this.bucketPath(bucket), 'subresources', `${owner}.${type.replace(/[^a-z]/g, '')}.xml`);
  }
}

/** S3 refuses keys over 1,024 bytes of UTF-8 with KeyTooLongError (400). */
function assertKeyLength(key: string) {
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) {
    throw new S3Error('KeyTooLongError', 'Your key is too long', {
      MaxSizeAllowed: MAX_KEY_BYTES,
      Size: Buffer.byteLength(key, 'utf8'),
    });
  }
  if (key.length === 0) throw new S3Error('InvalidArgument', 'User key must have a length greater than 0.');
}

function keyHash(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

function dataFileName(record: ObjectRecord): string {
  return `${keyHash(record.key)}.${record.data}${DATA_SUFFIX}`;
}

/** S3 lists keys in UTF-8 byte order. */
function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** The metadata s3rver keeps with an object: the standard headers and `x-amz-meta-*`. */
function storedMetadata(metadata: Record<string, unknown>): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(metadata)) {
    if (S3Object.ALLOWED_METADATA.includes(name) || name.startsWith('x-amz-meta-'))
      kept[name] = String(value);
  }
  return kept;
}

function describe(record: ObjectRecord): Record<string, string | number> {
  return {
    ...record.metadata,
    etag: JSON.stringify(record.md5),
    'last-modified': new Date(record.lastModified).toUTCString(),
    'content-length': record.size,
  };
}

async function readRecord(path: string): Promise<ObjectRecord | null> {
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

async function writeAtomically(tmpDir: string, path: string, text: string) {
  await mkdir(tmpDir, { recursive: true });
  const staged = join(tmpDir, `${randomUUID()}.tmp`);
  await writeFile(staged, text);
  await rename(staged, path);
}

function openRead(path: string, range: { start: number; end: number }): Promise<Readable> {
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
