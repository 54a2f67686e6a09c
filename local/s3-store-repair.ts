import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, rmdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import {
  dataFileName,
  keyHash,
  type ObjectRecord,
  RECORD_SUFFIX,
  readRecord,
  type StoreLayout,
} from './s3-object-files.ts';
import type { S3ObjectStore } from './s3-object-store.ts';

const OBJECT_SUFFIX = '._S3rver_object';
const METADATA_SUFFIX = '._S3rver_metadata.json';
const MD5_SUFFIX = '._S3rver_object.md5';

/** What {@link S3ObjectStore.open} found and repaired in the folder. */
export interface StoreRepairReport {
  /** Objects loaded. */
  objects: number;
  /** Data files a crash left without a committed record (the PUT was never acknowledged). */
  orphansRemoved: number;
  /** Record files that could not be read; moved to `<bucket>/damaged/`, never served. */
  damagedRecords: string[];
}

/**
 * Reads a bucket's committed records and repairs what a crash (or a hand) left in its folder: clears
 * `tmp/` (writes never committed), removes data files no record points to (the old bytes of an
 * overwrite, or the new bytes of one cut off before its commit), and moves unreadable records
 * aside. Unknown files are removed, never read as objects: no leftover can fail a start or a listing.
 */
export async function loadBucketRecords(layout: StoreLayout, bucket: string) {
  const records = new Map<string, ObjectRecord>();
  const result = { records, orphansRemoved: 0, damagedRecords: [] as string[] };
  await rm(layout.tmpDir(bucket), { recursive: true, force: true });
  const objectsDir = layout.objectsDir(bucket);
  if (!existsSync(objectsDir)) return result;
  for (const fan of await readdir(objectsDir, { withFileTypes: true })) {
    if (!fan.isDirectory()) continue;
    const fanDir = join(objectsDir, fan.name);
    const names = await readdir(fanDir);
    const live = new Set<string>();
    for (const name of names.filter((file) => file.endsWith(RECORD_SUFFIX))) {
      const path = join(fanDir, name);
      const record = await readRecord(path);
      if (record && keyHash(record.key) === name.slice(0, -RECORD_SUFFIX.length)) {
        records.set(record.key, record);
        live.add(dataFileName(record));
      } else {
        await mkdir(layout.damagedDir(bucket), { recursive: true });
        await rename(path, join(layout.damagedDir(bucket), `${randomUUID()}${RECORD_SUFFIX}`));
        result.damagedRecords.push(path);
      }
    }
    for (const name of names.filter((file) => !file.endsWith(RECORD_SUFFIX) && !live.has(file))) {
      await rm(join(fanDir, name), { recursive: true, force: true });
      result.orphansRemoved += 1;
    }
  }
  return result;
}

/** What the move from s3rver's own folder layout did. */
export interface LegacyMigrationReport {
  /** Objects moved into the store. */
  migrated: number;
  /** Uploads a crash left half-written (never acknowledged by S3), removed. */
  incomplete: string[];
  /** Objects that could not be moved (left in place, named with the reason). */
  failed: string[];
}

/**
 * Moves the objects of s3rver's own layout (`<bucket>/<key>._S3rver_object`, as data folders made
 * before the key-hashing store hold them) into `store`, then removes them. Each object is imported
 * before its old files are removed, so a crash during the move loses nothing (the next start moves
 * the rest). An object whose metadata is missing or torn, or whose bytes do not match its MD5, was
 * never acknowledged (s3rver writes object, MD5, metadata, then answers): it is removed, not moved.
 */
export async function migrateLegacyObjects(
  legacyDir: string,
  store: S3ObjectStore,
): Promise<LegacyMigrationReport> {
  const report: LegacyMigrationReport = { migrated: 0, incomplete: [], failed: [] };
  if (!existsSync(legacyDir)) return report;
  for (const bucketEntry of await readdir(legacyDir, { withFileTypes: true })) {
    if (!bucketEntry.isDirectory()) continue;
    const bucket = bucketEntry.name;
    const bucketDir = join(legacyDir, bucket);
    for (const entry of await readdir(bucketDir, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !entry.name.endsWith(OBJECT_SUFFIX)) continue;
      const objectPath = join(entry.parentPath, entry.name);
      const base = objectPath.slice(0, -OBJECT_SUFFIX.length);
      const key = relative(bucketDir, base).split(sep).join('/');
      const files = [objectPath, `${base}${METADATA_SUFFIX}`, `${base}${MD5_SUFFIX}`];
      try {
        const legacy = await readLegacyObject(objectPath, base);
        if (legacy) {
          await store.importObject(bucket, key, legacy.bytes, legacy.metadata, legacy.lastModified);
          report.migrated += 1;
        } else {
          report.incomplete.push(objectPath);
        }
        await Promise.all(files.map((path) => rm(path, { force: true })));
      } catch (error) {
        report.failed.push(`${objectPath}: ${(error as Error).message}`);
      }
    }
  }
  await removeEmptyDirs(legacyDir);
  return report;
}

async function readLegacyObject(objectPath: string, base: string) {
  let metadata: Record<string, string>;
  try {
    metadata = JSON.parse(await readFile(`${base}${METADATA_SUFFIX}`, 'utf8'));
  } catch {
    return null;
  }
  const bytes = await readFile(objectPath);
  const md5Path = `${base}${MD5_SUFFIX}`;
  // Copies are stored without an .md5 (s3rver computes it on first read).
  if (existsSync(md5Path)) {
    const expected = (await readFile(md5Path, 'utf8')).trim();
    if (createHash('md5').update(bytes).digest('hex') !== expected) return null;
  }
  const { mtime } = await stat(objectPath);
  return { bytes, metadata, lastModified: mtime };
}

/** Removes the folder's empty sub-folders and then itself if empty; anything else stays. */
async function removeEmptyDirs(dir: string): Promise<boolean> {
  let empty = true;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isDirectory() && (await removeEmptyDirs(join(dir, entry.name)))) continue;
    empty = false;
  }
  if (empty) await rmdir(dir);
  return empty;
}
