import { type FSWatcher, watch } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { hasStorySuffix, putStoryFile } from './story-upload.ts';

export interface UploadWatcher {
  close(): void;
  /** Resolves when no upload is waiting or running. */
  settled(): Promise<void>;
}

/**
 * Watches `dir` recursively and puts each story file created or changed there into the bucket,
 * once its writes have been quiet for `debounceMs`. The key is the file's path inside `dir`.
 */
export function watchUploads(options: {
  dir: string;
  s3: S3Client;
  bucket: string;
  debounceMs?: number;
  onUploaded?: (key: string) => void;
  onError?: (key: string, error: Error) => void;
}): UploadWatcher {
  const debounceMs = options.debounceMs ?? 200;
  const timers = new Map<string, NodeJS.Timeout>();
  const running = new Set<Promise<void>>();
  const upload = async (relativePath: string) => {
    const key = relativePath.split(sep).join('/');
    const path = join(options.dir, relativePath);
    try {
      const info = await stat(path).catch(() => undefined);
      if (!info?.isFile()) return;
      await putStoryFile(options.s3, options.bucket, { path, key });
      options.onUploaded?.(key);
    } catch (error) {
      options.onError?.(key, error instanceof Error ? error : new Error(String(error)));
    }
  };
  const watcher: FSWatcher = watch(options.dir, { recursive: true }, (_event, filename) => {
    if (!filename || !hasStorySuffix(filename) || filename.split(sep).some((part) => part.startsWith('.')))
      return;
    const pending = timers.get(filename);
    if (pending) clearTimeout(pending);
    timers.set(
      filename,
      setTimeout(() => {
        timers.delete(filename);
        const task = upload(filename).finally(() => running.delete(task));
        running.add(task);
      }, debounceMs),
    );
  });
  return {
    close() {
      watcher.close();
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
    },
    async settled() {
      while (timers.size > 0 || running.size > 0) {
        await Promise.all(running);
        if (timers.size > 0) await new Promise((resolve) => setTimeout(resolve, debounceMs));
      }
    },
  };
}
