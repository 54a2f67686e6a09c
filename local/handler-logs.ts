import { AsyncLocalStorage } from 'node:async_hooks';
import type { Context, SQSEvent } from 'aws-lambda';
import type { IngestHandler } from './event-pump.ts';

/** What the ingest handler logged about one object (its Powertools `ingested` line). */
export interface IngestFacts {
  outcome?: string;
  storyId?: string;
  version?: string;
  code?: string;
}

type Write = typeof process.stdout.write;

/**
 * Reads the ingest handler's structured log lines (Powertools Logger JSON on stdout) while it runs,
 * so the readable log can say which story and version each object became. Lines are tied to the
 * batch that printed them through AsyncLocalStorage and to the object through their `key` field.
 * In JSON mode the handler's lines are passed through untouched; otherwise INFO/DEBUG lines are
 * swallowed (the pump prints one readable line per object instead) and WARN/ERROR lines are condensed.
 * Lines printed outside a handler run pass untouched.
 */
export class HandlerLogTap {
  private readonly batches = new AsyncLocalStorage<Map<string, IngestFacts>>();
  private readonly facts = new Map<string, IngestFacts>();
  constructor(
    private readonly passThrough: boolean,
    private readonly printCondensed: (line: string) => void,
  ) {}

  /** Starts reading stdout and stderr (Powertools prints WARN/ERROR there); returns a function that stops. */
  install(): () => void {
    const restore = [process.stdout, process.stderr].map((stream) => this.tapStream(stream));
    return () => {
      for (const undo of restore) undo();
    };
  }

  private tapStream(stream: NodeJS.WriteStream): () => void {
    const original = stream.write.bind(stream) as (...args: unknown[]) => boolean;
    const tapped = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      const batch = this.batches.getStore();
      if (!batch) return original(chunk, ...rest);
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      for (const line of text.split('\n')) {
        if (line.trim()) this.readLine(line, batch);
      }
      if (this.passThrough) return original(chunk, ...rest);
      const callback = rest.find((value) => typeof value === 'function') as (() => void) | undefined;
      callback?.();
      return true;
    }) as Write;
    stream.write = tapped;
    return () => {
      if (stream.write === tapped) stream.write = original as Write;
    };
  }

  /** Wraps the handler so the lines it prints are read as belonging to its batch. */
  wrap(handler: IngestHandler): IngestHandler {
    return (event: SQSEvent, context: Context) => {
      const batch = new Map<string, IngestFacts>();
      return this.batches.run(batch, async () => {
        try {
          return await handler(event, context);
        } finally {
          for (const [key, facts] of batch) this.facts.set(key, facts);
        }
      });
    };
  }

  /** Runs `work` (e.g. one API invocation) with its log lines treated as the handler's: condensed unless in JSON mode. */
  quietly<T>(work: () => Promise<T>): Promise<T> {
    return this.batches.run(new Map(), work);
  }

  /** The facts the handler logged about `key` in its last run, removed once taken. */
  takeFacts(key: string): IngestFacts | undefined {
    const facts = this.facts.get(key);
    this.facts.delete(key);
    return facts;
  }

  private readLine(line: string, batch: Map<string, IngestFacts>) {
    let entry: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(line);
      if (typeof parsed !== 'object' || parsed === null) throw new Error('not a log entry');
      entry = parsed as Record<string, unknown>;
    } catch {
      if (!this.passThrough) this.printCondensed(line);
      return;
    }
    const text = (name: string) => (typeof entry[name] === 'string' ? (entry[name] as string) : undefined);
    const key = text('key');
    if (key !== undefined) {
      const facts: IngestFacts = { ...batch.get(key) };
      for (const name of ['outcome', 'storyId', 'version', 'code'] as const) {
        const value = text(name);
        if (value !== undefined) facts[name] = value;
      }
      batch.set(key, facts);
    }
    if (!this.passThrough && text('message') === 'event published') {
      // One readable line per event the ingest published (functions/events/publish-changes.ts logs it).
      const version = text('eventVersion') ?? '(whole story)';
      this.printCondensed(`event ${text('detailType')} ${text('storyId')} ${version}  ${text('eventId')}`);
    }
    const level = text('level') ?? '';
    if (!this.passThrough && (level === 'WARN' || level === 'ERROR' || level === 'CRITICAL')) {
      const error = entry.error as { message?: unknown } | undefined;
      const detail = typeof error?.message === 'string' ? `: ${error.message}` : '';
      this.printCondensed(
        `  ${level.toLowerCase()} ${text('message') ?? ''}${key ? ` (${key})` : ''}${detail}`,
      );
    }
  }
}
