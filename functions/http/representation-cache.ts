import { type PreparedRepresentation, prepareRepresentation, type Representation } from './representation.ts';

/** What the cache needs to know about the data behind the answers (the store's FreshnessGate). */
export interface DataFreshness {
  /** The generation to serve now, or a promise of it when the last check is too old to trust. */
  current(): number | Promise<number>;
  /** True when an answer built in `generation` may still be served (it misses no write older than the bound). */
  servable(generation: number): boolean;
}

interface Entry {
  generation: number;
  prepared: PreparedRepresentation;
  renewing: boolean;
}

export interface RepresentationCacheOptions {
  maxEntries?: number;
  /** Identity bytes kept at most, summed over entries. */
  maxBytes?: number;
}

/**
 * Prepared answers per (route, query, base URL), built once per data generation. A request for an
 * answer of the current generation gets it with no read, no render and no hash; an answer of the
 * generation before is still served while the freshness bound allows, and renewed in the background
 * (so no request waits for a render after a change); beyond the bound a request waits for the new one.
 */
export class RepresentationCache {
  private readonly entries = new Map<string, Entry>();
  private readonly building = new Map<string, Promise<PreparedRepresentation>>();
  private readonly maxEntries: number;
  private readonly maxBytes: number;
  private bytes = 0;

  constructor(
    private readonly freshness: DataFreshness,
    options: RepresentationCacheOptions = {},
    private readonly onRenewError: (error: unknown) => void = () => undefined,
  ) {
    this.maxEntries = options.maxEntries ?? 256;
    this.maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
  }

  /**
   * The prepared answer for `key`: from memory when it is current (or still servable while it is
   * renewed), else from `build` (concurrent requests for one key share one build). Errors of `build`
   * (404, 400) are passed on and not kept.
   */
  get(
    key: string,
    build: () => Promise<Representation>,
  ): PreparedRepresentation | Promise<PreparedRepresentation> {
    const entry = this.entries.get(key);
    const current = this.freshness.current();
    if (entry) {
      if (entry.generation === current) return entry.prepared;
      if (this.freshness.servable(entry.generation)) {
        if (!entry.renewing) this.renew(key, entry, build);
        return entry.prepared;
      }
    }
    return this.load(key, current, build);
  }

  private async load(
    key: string,
    current: number | Promise<number>,
    build: () => Promise<Representation>,
  ): Promise<PreparedRepresentation> {
    const generation = await current;
    const entry = this.entries.get(key);
    if (entry && entry.generation === generation) return entry.prepared;
    return this.build(key, generation, build);
  }

  private build(
    key: string,
    generation: number,
    build: () => Promise<Representation>,
  ): Promise<PreparedRepresentation> {
    const buildKey = `${generation}\n${key}`;
    const pending = this.building.get(buildKey);
    if (pending) return pending;
    const promise = build()
      .then((representation) => {
        const prepared = prepareRepresentation(representation);
        this.store(key, { generation, prepared, renewing: false });
        return prepared;
      })
      .finally(() => this.building.delete(buildKey));
    this.building.set(buildKey, promise);
    return promise;
  }

  private renew(key: string, entry: Entry, build: () => Promise<Representation>): void {
    entry.renewing = true;
    Promise.resolve(this.freshness.current())
      .then((generation) => this.build(key, generation, build))
      .catch((error: unknown) => {
        // A renewal that fails (the story went away: 404) drops the entry; the next request rebuilds.
        if (this.entries.get(key) === entry) this.remove(key);
        this.onRenewError(error);
      });
  }

  private store(key: string, entry: Entry): void {
    this.remove(key);
    const size = entry.prepared.byteLength;
    if (size > this.maxBytes) return;
    while (this.entries.size >= this.maxEntries || this.bytes + size > this.maxBytes) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.remove(oldest.value);
    }
    this.entries.set(key, entry);
    this.bytes += size;
  }

  private remove(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.bytes -= entry.prepared.byteLength;
  }
}
