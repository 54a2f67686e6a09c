import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { collectStoryFiles, putStoryFile } from './story-upload.ts';

export interface SeedLoadResult {
  uploaded: number;
  unchanged: number;
}

/**
 * Puts into the bucket every story file of `seedsDir` that is new or changed since the last start,
 * per the ledger `seeds.jsonl` in the data folder (file key → SHA-256). An upload is recorded once
 * S3 has accepted it: from there the pump, or the next start's reconcile, ingests it.
 */
export async function loadSeeds(options: {
  seedsDir: string;
  dataDir: string;
  s3: S3Client;
  bucket: string;
  onProgress?: (done: number, total: number) => void;
}): Promise<SeedLoadResult> {
  if (!existsSync(options.seedsDir)) return { uploaded: 0, unchanged: 0 };
  const ledgerPath = join(options.dataDir, 'seeds.jsonl');
  const loaded = readSeedLedger(ledgerPath);
  const files = await collectStoryFiles([options.seedsDir]);
  const pending: { upload: (typeof files)[number]; hash: string }[] = [];
  for (const upload of files) {
    const hash = createHash('sha256')
      .update(await readFile(upload.path))
      .digest('hex');
    if (loaded.get(upload.key) !== hash) pending.push({ upload, hash });
  }
  let done = 0;
  const worker = async () => {
    for (let next = pending.shift(); next; next = pending.shift()) {
      await putStoryFile(options.s3, options.bucket, next.upload);
      appendFileSync(ledgerPath, `${JSON.stringify({ key: next.upload.key, sha256: next.hash })}\n`);
      done += 1;
      options.onProgress?.(done, total);
    }
  };
  const total = pending.length;
  await Promise.all(Array.from({ length: Math.min(8, total) }, worker));
  return { uploaded: total, unchanged: files.length - total };
}

function readSeedLedger(path: string): Map<string, string> {
  const loaded = new Map<string, string>();
  if (!existsSync(path)) return loaded;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    try {
      const entry = JSON.parse(line) as { key?: unknown; sha256?: unknown };
      if (typeof entry.key === 'string' && typeof entry.sha256 === 'string')
        loaded.set(entry.key, entry.sha256);
    } catch {
      // blank or torn line
    }
  }
  return loaded;
}
