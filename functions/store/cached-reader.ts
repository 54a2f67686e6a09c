import type { StoryReader } from './story-store.ts';

/**
 * Wraps a StoryReader with a short-lived in-memory cache (per Lambda instance), so hot feeds are not
 * re-read on every request. Entries live `ttlMs` (default 2 s), well inside the 5 s in which a new
 * version must show in every route; failed reads are not cached.
 */
export function cacheStoryReader(reader: StoryReader, ttlMs = 2000, maxEntries = 500): StoryReader {
  if (ttlMs <= 0) return reader;
  const entries = new Map<string, { expires: number; value: Promise<unknown> }>();

  function cached<A extends unknown[], R>(name: string, read: (...args: A) => Promise<R>) {
    return (...args: A): Promise<R> => {
      const key = `${name}:${JSON.stringify(args)}`;
      const now = Date.now();
      const hit = entries.get(key);
      if (hit && hit.expires > now) return hit.value as Promise<R>;
      if (entries.size >= maxEntries) {
        for (const [staleKey, entry] of entries) if (entry.expires <= now) entries.delete(staleKey);
        if (entries.size >= maxEntries) entries.clear();
      }
      const value = read(...args);
      entries.set(key, { expires: now + ttlMs, value });
      value.catch(() => entries.delete(key));
      return value;
    };
  }

  return {
    listStories: cached('listStories', (page) => reader.listStories(page)),
    listLatestVersions: cached('listLatestVersions', (page) => reader.listLatestVersions(page)),
    getHead: cached('getHead', (storyId) => reader.getHead(storyId)),
    listVersionLabels: cached('listVersionLabels', (storyId) => reader.listVersionLabels(storyId)),
    listVersions: cached('listVersions', (storyId, page) => reader.listVersions(storyId, page)),
    getVersion: cached('getVersion', (storyId, version) => reader.getVersion(storyId, version)),
    getRawText: cached('getRawText', (storyId, version) => reader.getRawText(storyId, version)),
    listSourceCitations: cached('listSourceCitations', (id, page) => reader.listSourceCitations(id, page)),
    listSourceStories: cached('listSourceStories', (id, page) => reader.listSourceStories(id, page)),
    listIngestErrors: cached('listIngestErrors', (page) => reader.listIngestErrors(page)),
    // Not cached: a client polls it for the outcome of the upload it just made.
    getIngestStatus: (key) => reader.getIngestStatus(key),
  };
}
