import { createReadStream, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import S3Bucket from 's3rver/lib/models/bucket.js';
import { getConfigModel } from 's3rver/lib/models/config.js';
import S3Error from 's3rver/lib/models/error.js';
import S3Object from 's3rver/lib/models/object.js';
import {
  isBucketName,
  type ObjectRecord,
  openRead,
  type StagedContent,
  StoreLayout,
  stageContent,
  writeAtomically,
} from './s3-object-files.ts';
import { loadBucketRecords, type StoreRepairReport } from './s3-store-repair.ts';

/** S3's limit on a key: 1,024 bytes of UTF-8. */
export const MAX_KEY_BYTES = 1024;

/** Options of a listing, as s3rver's bucket controller passes them. */
interface ListOptions {
  delimiter?: string;
  startAfter?: string;
  prefix?: string;
  maxKeys?: number;
}

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
  private readonly layout: StoreLayout;
  /**
   * What this process knows of the folder it owns, so a request makes no file-system call that
   * cannot change its answer: directories made, buckets that exist, subresource files' text (null:
   * none). Forgotten wherever the folder changes under them (open, reset, bucket deletes).
   */
  private readonly madeDirs = new Set<string>();
  private readonly knownBuckets = new Map<string, S3Bucket>();
  private readonly subresources = new Map<string, string | null>();

  constructor(readonly rootDirectory: string) {
    mkdirSync(rootDirectory, { recursive: true });
    this.layout = new StoreLayout(rootDirectory);
  }

  /**
   * Loads every bucket's records into memory and repairs what a crash left: clears `tmp/`, removes
   * data files no record points to, and moves unreadable records aside. Call once before serving.
   */
  async open(): Promise<StoreRepairReport> {
    const report: StoreRepairReport = { objects: 0, orphansRemoved: 0, damagedRecords: [] };
    this.forgetFolder();
    for (const entry of await readdir(this.rootDirectory, { withFileTypes: true })) {
      if (!entry.isDirectory() || !isBucketName(entry.name)) continue;
      const loaded = await loadBucketRecords(this.layout, entry.name);
      this.buckets.set(entry.name, loaded.records);
      this.sorted.delete(entry.name);
      report.objects += loaded.records.size;
      report.orphansRemoved += loaded.orphansRemoved;
      report.damagedRecords.push(...loaded.damagedRecords);
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
    this.forgetFolder();
  }

  async listBuckets(): Promise<S3Bucket[]> {
    const names = await readdir(this.rootDirectory);
    const buckets = await Promise.all(names.map((name) => this.getBucket(name)));
    return buckets.filter((bucket): bucket is S3Bucket => bucket !== null);
  }

  async getBucket(bucket: string): Promise<S3Bucket | null> {
    if (!isBucketName(bucket)) return null;
    const known = this.knownBuckets.get(bucket);
    if (known) return known;
    try {
      const info = await stat(this.layout.bucketPath(bucket));
      if (!info.isDirectory()) return null;
      const found = new S3Bucket(bucket, info.birthtime);
      this.knownBuckets.set(bucket, found);
      return found;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async putBucket(bucket: string): Promise<S3Bucket | null> {
    if (!isBucketName(bucket)) {
      throw new S3Error('InvalidBucketName', 'The specified bucket is not valid.', { BucketName: bucket });
    }
    await this.ensureDir(this.layout.objectsDir(bucket));
    return this.getBucket(bucket);
  }

  async deleteBucket(bucket: string): Promise<void> {
    if ((await this.getBucket(bucket)) === null) return;
    await rm(this.layout.bucketPath(bucket), { recursive: true, force: true });
    this.buckets.delete(bucket);
    this.sorted.delete(bucket);
    this.forgetFolder();
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
        const content = await openRead(this.layout.dataPath(bucket, record), range);
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
      await rm(this.layout.recordPath(bucket, key), { force: true });
      records.delete(key);
      this.sorted.delete(bucket);
      await rm(this.layout.dataPath(bucket, record), { force: true });
      await this.deleteSubresource(bucket, key, 'tagging');
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
    const path = this.layout.subresourcePath(bucket, key, type);
    let text = this.subresources.get(path);
    if (text === undefined) {
      try {
        text = await readFile(path, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        text = null;
      }
      this.subresources.set(path, text);
    }
    return text === null ? null : new Model(text);
  }

  async putSubresource(
    bucket: string,
    key: string | undefined,
    resource: { type: string; toXML(space?: number): string },
  ) {
    const path = this.layout.subresourcePath(bucket, key, resource.type);
    await this.ensureDir(dirname(path));
    await this.ensureDir(this.layout.tmpDir(bucket));
    const text = resource.toXML(2);
    this.subresources.delete(path);
    await writeAtomically(this.layout.tmpDir(bucket), path, text);
    this.subresources.set(path, text);
  }

  async deleteSubresource(bucket: string, key: string | undefined, type: string) {
    const path = this.layout.subresourcePath(bucket, key, type);
    this.subresources.delete(path);
    await rm(path, { force: true });
    this.subresources.set(path, null);
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

  private async stage(bucket: string, content: Readable | Buffer): Promise<StagedContent> {
    await this.ensureDir(this.layout.tmpDir(bucket));
    return stageContent(this.layout.tmpDir(bucket), content);
  }

  /** mkdir -p, once per directory while this process owns the folder. */
  private async ensureDir(path: string): Promise<void> {
    if (this.madeDirs.has(path)) return;
    await mkdir(path, { recursive: true });
    this.madeDirs.add(path);
  }

  private forgetFolder(): void {
    this.madeDirs.clear();
    this.knownBuckets.clear();
    this.subresources.clear();
  }

  /** Makes a staged file the key's object: data renamed in, then the record renamed over the old one. */
  private commit(
    bucket: string,
    key: string,
    staged: StagedContent,
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
      await this.ensureDir(this.layout.fanDir(bucket, key));
      await rename(staged.path, this.layout.dataPath(bucket, record));
      await writeAtomically(
        this.layout.tmpDir(bucket),
        this.layout.recordPath(bucket, key),
        JSON.stringify(record),
      );
      const records = this.bucketRecords(bucket);
      const previous = records.get(key);
      records.set(key, record);
      if (!previous) this.sorted.delete(bucket);
      if (previous && previous.data !== record.data)
        await rm(this.layout.dataPath(bucket, previous), { force: true });
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

  private uploadDir(bucket: string, uploadId: string): string {
    const dir = this.layout.uploadDir(bucket, uploadId);
    if (!dir) throw new S3Error('NoSuchUpload', 'The specified upload does not exist.');
    return dir;
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
