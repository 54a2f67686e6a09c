import type { StoryfeedClients } from '../functions/store/clients.ts';

/** One SDK call as seen by the client: which command, when it started and ended (performance.now()). */
export interface TracedCall {
  service: 's3' | 'dynamodb';
  command: string;
  input: Record<string, unknown>;
  start: number;
  end: number;
}

/** Records every call the clients send (a middleware at the initialize step), into `calls`. */
export function traceCalls(clients: StoryfeedClients, calls: TracedCall[]): void {
  const tracer =
    (service: TracedCall['service']) =>
    (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) =>
    async (args: { input?: Record<string, unknown> }) => {
      const start = performance.now();
      try {
        return await next(args);
      } finally {
        const input = args.input ?? {};
        calls.push({ service, command: context.commandName ?? '', input, start, end: performance.now() });
      }
    };
  // biome-ignore lint/suspicious/noExplicitAny: one middleware for the commands of both clients
  clients.s3.middlewareStack.add(tracer('s3') as any, { step: 'initialize', name: 'traceCalls' });
  // biome-ignore lint/suspicious/noExplicitAny: as above
  clients.dynamo.middlewareStack.add(tracer('dynamodb') as any, { step: 'initialize', name: 'traceCalls' });
}

/**
 * Sequential stages of one ingest: calls in flight together form one stage; a call that starts after
 * a call of the current stage has ended opens the next one (it waited for that answer).
 */
export function countStages(calls: readonly TracedCall[]): number {
  const sorted = [...calls].sort((a, b) => a.start - b.start);
  let stages = 0;
  let firstEndOfStage = Number.NEGATIVE_INFINITY;
  for (const call of sorted) {
    if (stages === 0 || call.start >= firstEndOfStage) {
      stages += 1;
      firstEndOfStage = call.end;
    } else {
      firstEndOfStage = Math.min(firstEndOfStage, call.end);
    }
  }
  return stages;
}

const WRITES = new Set([
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'PutCommand',
  'UpdateCommand',
  'DeleteCommand',
]);

/** DynamoDB's item size rule, close enough for write-unit arithmetic: names plus values, in bytes. */
export function itemSize(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (typeof value === 'number') return Math.ceil(String(value).replace(/^-|\./g, '').length / 2) + 1;
  if (typeof value === 'boolean' || value === null) return 1;
  if (value instanceof Uint8Array) return value.byteLength;
  if (Array.isArray(value)) return 3 + value.reduce((sum: number, entry) => sum + 1 + itemSize(entry), 0);
  if (typeof value === 'object') {
    return (
      3 +
      Object.entries(value as Record<string, unknown>).reduce(
        (sum, [name, entry]) => sum + 1 + Buffer.byteLength(name) + itemSize(entry),
        0,
      )
    );
  }
  return 0;
}

/**
 * Write units of the traced DynamoDB writes: a put costs its item's size (1 KB units, rounded up),
 * once more when the item carries the byUpdated index key; an update or delete is counted as 1
 * (the small items ingest updates or deletes). Puts arrive here unmarshalled (initialize step).
 */
export function writeUnits(calls: readonly TracedCall[], indexKey = 'gsi1pk'): number {
  let units = 0;
  for (const call of calls) {
    if (call.service !== 'dynamodb' || !WRITES.has(call.command)) continue;
    const item = call.input.Item as Record<string, unknown> | undefined;
    if (!item) {
      units += 1;
      continue;
    }
    const size = Math.max(1, Math.ceil(itemSize(item) / 1024));
    units += indexKey in item ? size * 2 : size;
  }
  return units;
}
