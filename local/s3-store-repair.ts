import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';

const OBJECT_SUFFIX = '._S3rver_object';
const METADATA_SUFFIX = '._S3rver_metadata.json';
const MD5_SUFFIX = '._S3rver_object.md5';

/**
 * Removes uploads s3rver never finished writing, as a kill -9 leaves them: s3rver writes the object
 * file in place, then its `.md5`, then its metadata JSON, and only then acknowledges the PUT. An
 * object whose metadata is missing or torn, or whose bytes do not match its MD5, was therefore never
 * acknowledged (the client saw an error and uploads again); left in place, one torn metadata file
 * makes every ListObjects of the bucket fail. Returns the removed object paths.
 */
export async function removeIncompleteUploads(s3Dir: string): Promise<string[]> {
  if (!existsSync(s3Dir)) return [];
  const removed: string[] = [];
  for (const entry of await readdir(s3Dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith(OBJECT_SUFFIX)) continue;
    const objectPath = join(entry.parentPath, entry.name);
    const base = objectPath.slice(0, -OBJECT_SUFFIX.length);
    if (await isComplete(objectPath, base)) continue;
    await Promise.all(
      [objectPath, `${base}${METADATA_SUFFIX}`, `${base}${MD5_SUFFIX}`].map((path) =>
        rm(path, { force: true }),
      ),
    );
    removed.push(objectPath);
  }
  return removed;
}

async function isComplete(objectPath: string, base: string): Promise<boolean> {
  try {
    JSON.parse(await readFile(`${base}${METADATA_SUFFIX}`, 'utf8'));
  } catch {
    return false;
  }
  const md5Path = `${base}${MD5_SUFFIX}`;
  // Copies are stored without an .md5 (s3rver computes it on first read).
  if (!existsSync(md5Path)) return true;
  const expected = (await readFile(md5Path, 'utf8')).trim();
  const actual = createHash('md5')
    .update(await readFile(objectPath))
    .digest('hex');
  return expected === actual;
}
