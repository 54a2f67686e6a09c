import { createHash } from 'node:crypto';
import { brotliCompressSync, gzipSync, constants as zlibConstants } from 'node:zlib';
import type { HttpRequest, HttpResponse } from './types.ts';

/** A successful GET answer before content negotiation and conditional evaluation. */
export interface Representation {
  contentType: string;
  body: string;
  cacheControl: string;
  /** The newest change among what the body shows; clamped to `now` and truncated to seconds. */
  lastModified: Date;
  /** More headers to send with it (a page's Content-Security-Policy), on 200 and 304 alike. */
  headers?: Readonly<Record<string, string>>;
}

export type ContentCoding = 'br' | 'gzip';

/** Bodies shorter than this are sent as they are: compressing them gains nothing. */
const MIN_COMPRESS_BYTES = 256;
const COMPRESSED_CACHE_ENTRIES = 64;
const compressedCache = new Map<string, Buffer>();

/** Headers every response carries. */
export function baseHeaders(): Record<string, string> {
  return {
    'x-content-type-options': 'nosniff',
    'access-control-allow-origin': '*',
    'access-control-expose-headers': 'ETag, Last-Modified, Content-Encoding',
  };
}

/** The strong entity tag of the uncompressed body: base64url of its SHA-256, truncated, quoted. */
export function computeEtag(body: string): string {
  return `"${createHash('sha256').update(body, 'utf8').digest('base64url').slice(0, 27)}"`;
}

function codedEtag(etag: string, coding: ContentCoding | null): string {
  return coding ? `${etag.slice(0, -1)}-${coding}"` : etag;
}

/**
 * Picks br or gzip from an Accept-Encoding header (q-values respected, q=0 refuses), or null for the
 * identity body. On equal weight br wins over gzip, and compression over an explicitly weighted identity.
 */
export function chooseContentCoding(header: string | undefined): ContentCoding | null {
  if (!header) return null;
  const weights = new Map<string, number>();
  for (const part of header.split(',')) {
    const [name = '', ...params] = part.split(';');
    const coding = name.trim().toLowerCase();
    if (!coding) continue;
    let weight = 1;
    for (const param of params) {
      const match = /^\s*q\s*=\s*([01](?:\.\d{0,3})?)\s*$/i.exec(param);
      weight = match ? Number(match[1]) : /^\s*q\s*=/i.test(param) ? 0 : weight;
    }
    weights.set(coding, Math.min(weight, 1));
  }
  const wildcard = weights.get('*');
  const br = weights.get('br') ?? wildcard ?? 0;
  const gzip = weights.get('gzip') ?? weights.get('x-gzip') ?? wildcard ?? 0;
  // Identity only outranks compression when the client weighs it explicitly.
  const identity = weights.get('identity') ?? 0;
  const best = Math.max(br, gzip);
  if (best <= 0 || best < identity) return null;
  return br >= gzip ? 'br' : 'gzip';
}

function compressBody(body: string, coding: ContentCoding, etag: string): Buffer {
  const key = `${coding}:${etag}`;
  const cached = compressedCache.get(key);
  if (cached) return cached;
  const input = Buffer.from(body, 'utf8');
  const compressed =
    coding === 'br'
      ? brotliCompressSync(input, {
          params: {
            [zlibConstants.BROTLI_PARAM_QUALITY]: 5,
            [zlibConstants.BROTLI_PARAM_MODE]: zlibConstants.BROTLI_MODE_TEXT,
            [zlibConstants.BROTLI_PARAM_SIZE_HINT]: input.length,
          },
        })
      : gzipSync(input);
  if (compressedCache.size >= COMPRESSED_CACHE_ENTRIES) {
    const oldest = compressedCache.keys().next();
    if (!oldest.done) compressedCache.delete(oldest.value);
  }
  compressedCache.set(key, compressed);
  return compressed;
}

/** The opaque tags of an If-None-Match list with `W/` dropped (GET compares weakly), or `*`. */
function parseEntityTags(header: string): string[] {
  return [...header.matchAll(/\*|(?:W\/)?("[^"]*")/g)].map((match) => match[1] ?? '*');
}

function matchesIfNoneMatch(header: string, etag: string): boolean {
  const base = etag.slice(1, -1);
  return parseEntityTags(header).some((tag) => {
    if (tag === '*') return true;
    const opaque = tag.slice(1, -1);
    return opaque === base || opaque === `${base}-br` || opaque === `${base}-gzip`;
  });
}

function notModifiedSince(header: string, lastModified: Date): boolean {
  const since = Date.parse(header);
  return Number.isFinite(since) && lastModified.getTime() <= since;
}

/** Truncates to whole seconds (HTTP dates have no fraction) and keeps it no later than `now`. */
export function clampLastModified(date: Date, now: Date): Date {
  const time = Number.isFinite(date.getTime()) ? Math.min(date.getTime(), now.getTime()) : 0;
  return new Date(Math.floor(time / 1000) * 1000);
}

/**
 * Turns a representation into the response for a GET or HEAD: ETag and Last-Modified, 304 on a
 * matching If-None-Match (or, without one, an If-Modified-Since not older than Last-Modified),
 * br/gzip per Accept-Encoding with its own strong ETag, and an empty body for HEAD.
 */
export function respondWithRepresentation(
  request: HttpRequest,
  representation: Representation,
): HttpResponse {
  const identityEtag = computeEtag(representation.body);
  const bodyBytes = Buffer.byteLength(representation.body, 'utf8');
  const coding =
    bodyBytes >= MIN_COMPRESS_BYTES ? chooseContentCoding(request.headers['accept-encoding']) : null;
  const etag = codedEtag(identityEtag, coding);
  const headers: Record<string, string> = {
    ...baseHeaders(),
    etag,
    'last-modified': representation.lastModified.toUTCString(),
    'cache-control': representation.cacheControl,
    vary: 'Accept-Encoding',
    ...representation.headers,
  };
  const ifNoneMatch = request.headers['if-none-match'];
  const ifModifiedSince = request.headers['if-modified-since'];
  const notModified =
    ifNoneMatch !== undefined
      ? matchesIfNoneMatch(ifNoneMatch, identityEtag)
      : ifModifiedSince !== undefined && notModifiedSince(ifModifiedSince, representation.lastModified);
  if (notModified) return { status: 304, headers, body: '' };
  headers['content-type'] = representation.contentType;
  if (coding) headers['content-encoding'] = coding;
  const body = coding ? compressBody(representation.body, coding, identityEtag) : representation.body;
  if (request.method === 'HEAD') {
    // HEAD tells the length GET would send (RFC 9110 §9.3.2), with no body.
    headers['content-length'] = String(
      typeof body === 'string' ? Buffer.byteLength(body, 'utf8') : body.byteLength,
    );
    return { status: 200, headers, body: '' };
  }
  return { status: 200, headers, body };
}
