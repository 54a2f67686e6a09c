/** Reads the change marker: one small read whose value changes whenever what is published changes. */
export type ChangeProbe = () => Promise<string | null>;

export interface FreshnessOptions {
  /** A cached answer is never older than this after the write it misses (default 1000 ms). */
  freshMs?: number;
  /** A check older than this starts a new one in the background (default 250 ms). */
  revalidateMs?: number;
  /** Milliseconds; injected by the tests. */
  clock?: () => number;
}

/**
 * Tells caches which data generation they may serve, so that a new version shows in every route
 * within `freshMs` of its write without a read per request: it reads the change marker at most once
 * per `revalidateMs` in the background while requests come, and makes a request wait for that one
 * small read only when the last check is older than `freshMs` (after an idle spell). Without a
 * marker item (a table no writer has bumped yet) every check counts as a change, so caches renew
 * in the background instead of going stale.
 */
export class FreshnessGate {
  readonly freshMs: number;
  readonly revalidateMs: number;
  private readonly clock: () => number;
  private generation = 0;
  private marker: string | null | undefined;
  /** When the last completed check started: everything written before it is in this generation. */
  private checkedAt = Number.NEGATIVE_INFINITY;
  private previous = { generation: -1, confirmedAt: Number.NEGATIVE_INFINITY };
  private inflight: Promise<void> | null = null;

  constructor(
    private readonly probe: ChangeProbe,
    options: FreshnessOptions = {},
  ) {
    this.freshMs = options.freshMs ?? 1000;
    this.revalidateMs = options.revalidateMs ?? 250;
    this.clock = options.clock ?? Date.now;
  }

  /**
   * The generation to serve now: returned at once while the last check is fresh (starting the next
   * one in the background when due), or a promise that settles after a new check. Rejects when the
   * marker cannot be read.
   */
  current(): number | Promise<number> {
    const now = this.clock();
    const age = now - this.checkedAt;
    if (age >= this.revalidateMs) this.startCheck(now).catch(() => undefined);
    if (age < this.freshMs) return this.generation;
    return this.waitFresh();
  }

  /** The last generation seen, without checking (what a cache keys its entries by). */
  seen(): number {
    return this.generation;
  }

  /** True when an answer built from `generation` may still be served now (not older than freshMs). */
  servable(generation: number): boolean {
    const now = this.clock();
    if (generation === this.generation) return now - this.checkedAt < this.freshMs;
    if (generation === this.previous.generation) return now - this.previous.confirmedAt < this.freshMs;
    return false;
  }

  private async waitFresh(): Promise<number> {
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const now = this.clock();
      if (now - this.checkedAt < this.freshMs) return this.generation;
      await this.startCheck(now);
    }
    return this.generation;
  }

  private startCheck(now: number): Promise<void> {
    if (this.inflight) return this.inflight;
    const check = this.probe().then(
      (marker) => this.record(marker, now),
      (error: unknown) => {
        this.inflight = null;
        throw error;
      },
    );
    this.inflight = check;
    return check;
  }

  private record(marker: string | null, startedAt: number): void {
    this.inflight = null;
    if (marker === null || marker !== this.marker) {
      this.previous = { generation: this.generation, confirmedAt: this.checkedAt };
      this.generation += 1;
      this.marker = marker;
    }
    this.checkedAt = Math.max(this.checkedAt, startedAt);
  }
}
