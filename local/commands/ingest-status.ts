import { type ApiSigning, fetchHeaders, signApiGet } from './sign-request.ts';

/** What the pipeline made of the latest upload of a key (SPEC §3 `GET /ingest/status`). */
export interface IngestStatus {
  key: string;
  /** Null for a delete (or when S3 sent none). */
  etag: string | null;
  outcome: 'stored' | 'duplicate' | 'stale' | 'rejected' | 'retracted';
  storyId?: string | null;
  version?: string | null;
  code?: string | null;
  message?: string | null;
  warnings?: IngestWarning[] | null;
  at: string;
}

/** A warning on an ingest: `{code, message}` (a bare string is taken as its code). */
export type IngestWarning = { code: string; message?: string | null } | string;

/** One answer of the status route: the status, not known yet, or a failure (fatal: waiting cannot help). */
export type StatusAnswer =
  | { kind: 'status'; status: IngestStatus }
  | { kind: 'unknown' }
  | { kind: 'failed'; reason: string; fatal: boolean };

/** Reads `/ingest/status` of one API (signed with SigV4 when `signing` is given). */
export interface StatusClient {
  readonly api: string;
  fetchStatus(key: string): Promise<StatusAnswer>;
}

/** How long an API that refuses connections is waited for (it may still be starting) before giving up. */
const UNREACHABLE_GRACE_MS = 10_000;

/**
 * A client of `GET {api}/ingest/status?key=KEY`. 404 `unknown_key` is "not known yet"; 401/403, a 404
 * of another kind (a server without the route) and a refused connection that lasts are fatal (the
 * reason then ends with `unreachableHint`).
 */
export function createStatusClient(
  api: string,
  signing?: () => Promise<ApiSigning>,
  unreachableHint = '',
): StatusClient {
  const base = new URL(api.endsWith('/') ? api : `${api}/`);
  let unreachableSince: number | undefined;
  return {
    api: base.href.replace(/\/$/, ''),
    async fetchStatus(key) {
      const url = new URL('ingest/status', base);
      // %20, not URLSearchParams' `+`: SigV4 and API Gateway read `+` as itself, not a space.
      url.search = `?key=${encodeURIComponent(key)}`;
      let response: Response;
      try {
        const headers = signing ? fetchHeaders(await signApiGet(url, await signing())) : {};
        response = await fetch(url, { headers, signal: AbortSignal.timeout(10_000) });
      } catch (error) {
        const reason = describeFetchError(error);
        if (!isRefused(error)) return { kind: 'failed', reason, fatal: false };
        unreachableSince ??= Date.now();
        const lasting = Date.now() - unreachableSince > UNREACHABLE_GRACE_MS;
        return {
          kind: 'failed',
          reason: `nothing answers at ${base.origin} (${reason})${unreachableHint}`,
          fatal: lasting,
        };
      }
      unreachableSince = undefined;
      return readAnswer(response, url);
    },
  };
}

async function readAnswer(response: Response, url: URL): Promise<StatusAnswer> {
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (response.status === 200 && isIngestStatus(body)) return { kind: 'status', status: body };
  const code = (body as { error?: { code?: string } } | undefined)?.error?.code;
  if (response.status === 404 && code === 'unknown_key') return { kind: 'unknown' };
  const what = `${response.status}${code ? ` ${code}` : ''} from ${url.origin}${url.pathname}`;
  if (response.status === 401 || response.status === 403) {
    return {
      kind: 'failed',
      reason: `${what}: the caller needs execute-api:Invoke on /ingest/* (and --api must be the stack's ApiUrl)`,
      fatal: true,
    };
  }
  if (response.status === 404) {
    return { kind: 'failed', reason: `${what}: this API has no /ingest/status`, fatal: true };
  }
  if (response.status === 200)
    return { kind: 'failed', reason: `${what}: not a status document`, fatal: true };
  return {
    kind: 'failed',
    reason: what,
    fatal: response.status >= 400 && response.status < 500 && response.status !== 429,
  };
}

function isIngestStatus(body: unknown): body is IngestStatus {
  const status = body as Partial<IngestStatus> | undefined;
  return (
    (typeof status?.etag === 'string' || status?.etag === null) &&
    typeof status.outcome === 'string' &&
    typeof status.key === 'string'
  );
}

/** An ETag without its quotes, as S3 sends it (`"abc"` → `abc`). */
export function bareETag(etag: string): string {
  return etag.replace(/"/g, '');
}

/**
 * True when `status` is the outcome of our upload (ETag `etag`): same ETag, and not the record
 * that was there before we put the object (`before`), since identical bytes have the same ETag.
 */
export function isOutcomeOf(status: IngestStatus, etag: string, before: IngestStatus | undefined): boolean {
  if (status.etag === null || bareETag(status.etag) !== bareETag(etag)) return false;
  if (before?.etag == null || bareETag(before.etag) !== bareETag(etag)) return true;
  return status.at !== before.at || status.outcome !== before.outcome;
}

function isRefused(error: unknown): boolean {
  const code = (error as { cause?: { code?: string } })?.cause?.code;
  return code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EHOSTUNREACH';
}

function describeFetchError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  return cause?.code ?? cause?.message ?? (error as Error)?.message ?? String(error);
}
