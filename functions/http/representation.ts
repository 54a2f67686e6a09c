import { createHash } from 'node:crypto';
import { brotliCompressSync, gzipSync, constants as zlibConstants } from 'node:zlib';
import { HeaderMemo } from './header-memo.ts';
import type { HttpRequest, HttpResponse } from './types.ts';

/** A successful GET answer before content negotiation and conditional evaluation. */
export interface Representation {
  contentType: string;
  body: string;
  cacheControl: string;
  /** The newest change among what the body shows; clamped to `now` and truncated to seconds. */
  lastModified: Date;
  /** More headers of this answer (e.g. a Content-Security-Policy), sent with 200, HEAD and 304. */
  headers?: Readonly<Record<string, string>>;
}

export type ContentCoding = 'br' | 'gzip';
type Coding = ContentCoding | 'identity';

/**
 * One variant of a prepared representation: its body and the header objects of each answer, built
 * once and handed out as they are (callers must not change them).
 */
interface Variant {
  etag: string;
  body: string | Buffer;
  ok: Record<string, string>;
  head: Record<string, string>;
  notModified: Record<string, string>;
}

/**
 * A representation made ready to answer many requests: its UTF-8 bytes, ETag and Last-Modified text
 * computed once, its compressed variants and header objects built on first use.
 */
export interface PreparedRepresentation {
  readonly representation: Representation;
  /** The strong ETag of the identity body. */
  readonly etag: string;
  /** The ETags of the identity, gzip and br variants, for an If-None-Match compared as it came. */
  readonly variantEtags: readonly string[];
  /** UTF-8 length of the identity body. */
  readonly byteLength: number;
  readonly lastModifiedTime: number;
  readonly variants: Partial<Record<Coding, Variant>>;
}

/** Bodies shorter than this are sent as they are: compressing them gains nothing. */
const MIN_COMPRESS_BYTES = 256;
const codingMemo = new HeaderMemo<ContentCoding | null>();

const BASE_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'access-control-allow-origin': '*',
  'access-control-expose-headers': 'ETag, Last-Modified, Content-Encoding',
};

/** Headers every response carries (a fresh object the caller may extend). */
export function baseHeaders(): Record<string, string> {
  return { ...BASE_HEADERS };
}

/** The strong entity tag of the uncompressed body: base64url of its SHA-256, truncated, quoted. */
export function computeEtag(body: string | Buffer): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
}

function codedEtag(etag: string, coding: Coding): string {
  return coding === 'identity' ? etag : `${etag.slice(0, -1)}-${coding}"`;
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

/** chooseContentCoding, remembered per header text (clients send a handful of distinct values). */
function memoContentCoding(header: string | undefined): ContentCoding | null {
  if (!header) return null;
  const known = codingMemo.get(header);
  return known !== undefined ? known : codingMemo.remember(header, chooseContentCoding(header));
}

function compress(input: Buffer, coding: ContentCoding): Buffer {
  return coding === 'br'
    ? brotliCompressSync(input, {
        params: {
          [zlibConstants.BROTLI_PARAM_QUALITY]: 5,
          [zlibConstants.BROTLI_PARAM_MODE]: zlibConstants.BROTLI_MODE_TEXT,
          [zlibConstants.BROTLI_PARAM_SIZE_HINT]: input.length,
        },
      })
    : gzipSync(input);
}

/** Truncates to whole seconds (HTTP dates have no fraction) and keeps it no later than `now`. */
export function clampLastModified(date: Date, now: Date): Date {
  const time = Number.isFinite(date.getTime()) ? Math.min(date.getTime(), now.getTime()) : 0;
  return new Date(Math.floor(time / 1000) * 1000);
}

/** Computes what every answer of `representation` shares: its bytes' ETag and length. */
export function prepareRepresentation(representation: Representation): PreparedRepresentation {
  const bytes = Buffer.from(representation.body, 'utf8');
  const etag = computeEtag(bytes);
  return {
    representation,
    etag,
    variantEtags: [etag, codedEtag(etag, 'gzip'), codedEtag(etag, 'br')],
    byteLength: bytes.byteLength,
    lastModifiedTime: representation.lastModified.getTime(),
    variants: {},
  };
}

function buildVariant(prepared: PreparedRepresentation, coding: Coding): Variant {
  const { representation } = prepared;
  const etag = codedEtag(prepared.etag, coding);
  const body =
    coding === 'identity' ? representation.body : compress(Buffer.from(representation.body), coding);
  const length = typeof body === 'string' ? prepared.byteLength : body.byteLength;
  const notModified = {
    ...BASE_HEADERS,
    ...representation.headers,
    etag,
    'last-modified': representation.lastModified.toUTCString(),
    'cache-control': representation.cacheControl,
    vary: 'Accept-Encoding',
  };
  const ok: Record<string, string> = { ...notModified, 'content-type': representation.contentType };
  if (coding !== 'identity') ok['content-encoding'] = coding;
  // HEAD tells the length GET would send (RFC 9110 §9.3.2), with no body.
  const head = { ...ok, 'content-length': String(length) };
  return { etag, body, ok, head, notModified };
}

function variantOf(prepared: PreparedRepresentation, coding: Coding): Variant {
  const known = prepared.variants[coding];
  if (known) return known;
  const variant = buildVariant(prepared, coding);
  prepared.variants[coding] = variant;
  return variant;
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

/** RFC 9110 §13.1.3: a date that is not a date, or lies in the future, is ignored. */
function notModifiedSince(header: string, lastModifiedTime: number, now: number): boolean {
  const since = Date.parse(header);
  return Number.isFinite(since) && since <= now && lastModifiedTime <= since;
}

/**
 * Answers a GET or HEAD from a prepared representation: If-None-Match first (304 with no body), then
 * If-Modified-Since (only without If-None-Match, and never a date in the future), then the br, gzip or
 * identity variant per Accept-Encoding, each with its own strong ETag; an empty body for HEAD. Hashes,
 * measures and compresses nothing that was prepared before.
 */
export function respondPrepared(
  request: HttpRequest,
  prepared: PreparedRepresentation,
  clock: () => Date,
): HttpResponse {
  const { headers } = request;
  const coding =
    prepared.byteLength >= MIN_COMPRESS_BYTES
      ? (memoContentCoding(headers['accept-encoding']) ?? 'identity')
      : 'identity';
  const ifNoneMatch = headers['if-none-match'];
  if (ifNoneMatch !== undefined) {
    if (prepared.variantEtags.includes(ifNoneMatch) || matchesIfNoneMatch(ifNoneMatch, prepared.etag)) {
      return { status: 304, headers: variantOf(prepared, coding).notModified, body: '' };
    }
  } else {
    const ifModifiedSince = headers['if-modified-since'];
    if (
      ifModifiedSince !== undefined &&
      notModifiedSince(ifModifiedSince, prepared.lastModifiedTime, clock().getTime())
    ) {
      return { status: 304, headers: variantOf(prepared, coding).notModified, body: '' };
    }
  }
  const variant = variantOf(prepared, coding);
  if (request.method === 'HEAD') return { status: 200, headers: variant.head, body: '' };
  return { status: 200, headers: variant.ok, body: variant.body };
}

/** Prepares and answers in one step, for answers that are not kept (no cache configured). */
export function respondWithRepresentation(
  request: HttpRequest,
  representation: Representation,
  clock: () => Date = () => new Date(),
): HttpResponse {
  return respondPrepared(request, prepareRepresentation(representation), clock);
}
