import type { FreshnessGate } from './freshness-gate.ts';
import type { StoryReader } from './story-store.ts';

/** Reader methods are named for what they read; anything else (a write) passes through uncached. */
const READ_METHOD = /^(get|list|read|find|has|count)[A-Z]/;

/** Not cached: a client polls it for the outcome of the upload it just made. */
const UNCACHED = new Set(['getIngestStatus']);

interface Entry {
  generation: number;
  value: Promise<unknown>;
}

/**
 * Wraps a StoryReader with an in-memory cache (per Lambda instance) keyed by data generation: a read
 * is answered from memory while the gate's generation is the one it was read in, and read again
 * after the change marker moved. Every read method (get…, list…, read…, find…) is cached, including
 * ones added to StoryReader later; failed reads are not kept.
 */
export function cacheStoryReader<R extends StoryReader>(reader: R, gate: FreshnessGate, maxEntries = 500): R {
  const entries = new Map<string, Entry>();
  const wrappers = new Map<PropertyKey, unknown>();

  function cached(name: string, read: (...args: unknown[]) => Promise<unknown>) {
    return async (...args: unknown[]): Promise<unknown> => {
      const generation = await gate.current();
      const key =
        args.length === 1 && typeof args[0] === 'string'
          ? `${name}\n${args[0]}`
          : `${name}\n${JSON.stringify(args)}`;
      const hit = entries.get(key);
      if (hit && hit.generation === generation) return hit.value;
      if (entries.size >= maxEntries) {
        for (const [oldKey, entry] of entries) if (entry.generation !== generation) entries.delete(oldKey);
        if (entries.size >= maxEntries) entries.clear();
      }
      const value = read.apply(reader, args);
      const entry = { generation, value };
      entries.set(key, entry);
      value.catch(() => {
        if (entries.get(key) === entry) entries.delete(key);
      });
      return value;
    };
  }

  return new Proxy(reader, {
    get(target, property, receiver) {
      const member: unknown = Reflect.get(target, property, receiver);
      if (
        typeof member !== 'function' ||
        typeof property !== 'string' ||
        !READ_METHOD.test(property) ||
        UNCACHED.has(property)
      ) {
        return member;
      }
      let wrapper = wrappers.get(property);
      if (!wrapper) {
        wrapper = cached(property, member as (...args: unknown[]) => Promise<unknown>);
        wrappers.set(property, wrapper);
      }
      return wrapper;
    },
  });
}
