import { appendFileSync, existsSync, readFileSync } from 'node:fs';

/**
 * How the pump finished with an object: ingested (or rejected by the handler), dead-lettered, or
 * (for a delete event) removed.
 */
export type LedgerOutcome = 'done' | 'dead' | 'removed';

/**
 * The append-only record (`ingested.jsonl` in the data folder) of every object version, by key and
 * ETag, that the event pump has finished with. On start the bucket is reconciled against it: a story
 * object whose ETag is not here was accepted by S3 but never ingested, and is fed to the pump again.
 */
export class IngestLedger {
  private readonly seen = new Set<string>();
  /** Each key the pump finished with: true when its last event was an upload, false for a delete. */
  private readonly present = new Map<string, boolean>();

  private constructor(private readonly path: string) {}

  /** Opens (or starts) the ledger file at `path`; a torn last line from a crash is skipped. */
  static open(path: string): IngestLedger {
    const ledger = new IngestLedger(path);
    if (existsSync(path)) {
      for (const line of readFileSync(path, 'utf8').split('\n')) {
        const entry = parseEntry(line);
        if (!entry) continue;
        ledger.present.set(entry.key, entry.outcome !== 'removed');
        if (entry.outcome !== 'removed') ledger.seen.add(entryId(entry.key, entry.eTag));
      }
    }
    return ledger;
  }

  /** True when this version of `key` (by ETag) has been finished with. */
  has(key: string, eTag: string): boolean {
    return this.seen.has(entryId(key, normaliseETag(eTag)));
  }

  /** Records, durably before returning, that this version of `key` (or its delete) is finished with. */
  record(key: string, eTag: string, outcome: LedgerOutcome): void {
    const tag = normaliseETag(eTag);
    appendFileSync(
      this.path,
      `${JSON.stringify({ key, eTag: tag, outcome, at: new Date().toISOString() })}\n`,
    );
    this.present.set(key, outcome !== 'removed');
    if (outcome !== 'removed') this.seen.add(entryId(key, tag));
  }

  /** The keys whose last finished event was an upload: a key among them missing from the bucket was deleted. */
  uploadedKeys(): string[] {
    return [...this.present].filter(([, present]) => present).map(([key]) => key);
  }
}

/** Drops the quotes S3 puts around ETags in listings (events carry them bare). */
export function normaliseETag(eTag: string): string {
  return eTag.replace(/"/g, '');
}

function entryId(key: string, eTag: string): string {
  return `${eTag}\u0000${key}`;
}

function parseEntry(line: string): { key: string; eTag: string; outcome: unknown } | undefined {
  if (!line.trim()) return undefined;
  try {
    const value = JSON.parse(line) as { key?: unknown; eTag?: unknown; outcome?: unknown };
    return typeof value.key === 'string' && typeof value.eTag === 'string'
      ? { key: value.key, eTag: value.eTag, outcome: value.outcome }
      : undefined;
  } catch {
    return undefined;
  }
}
