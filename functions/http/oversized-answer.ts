import { HttpError } from './errors.ts';
import { RESPONSE_BYTE_LIMIT } from './feed-budget.ts';
import { baseHeaders, type PreparedRepresentation } from './representation.ts';
import type { HttpRequest, HttpResponse, LargeAnswerStore } from './types.ts';

const EXTENSIONS: ReadonlyArray<[RegExp, string]> = [
  [/json/, 'json'],
  [/xml/, 'xml'],
  [/html/, 'html'],
];

/** True when the identity body is larger than one response may carry (Lambda: 6 MB, with headroom). */
export function isOversized(prepared: PreparedRepresentation): boolean {
  return prepared.byteLength > RESPONSE_BYTE_LIMIT;
}

/**
 * Answers a GET or HEAD of an oversized representation with 303 See Other to a short-lived URL of
 * the same bytes kept in the bucket (named by the ETag, so one copy per content). A 6 MB Lambda
 * response cannot carry it; a redirect keeps the document whole, where a trimmed one would not be
 * the document any more. Throws a 500 HttpError when no store is configured.
 */
export async function redirectOversized(
  request: HttpRequest,
  prepared: PreparedRepresentation,
  store: LargeAnswerStore | undefined,
): Promise<HttpResponse> {
  if (!store) throw new HttpError(500, 'internal', 'the answer is larger than a response may carry');
  const { contentType, body } = prepared.representation;
  const extension = EXTENSIONS.find(([pattern]) => pattern.test(contentType))?.[1] ?? 'txt';
  const name = `${prepared.etag.slice(1, -1)}.${extension}`;
  const location = await store.publish(name, Buffer.from(body, 'utf8'), contentType);
  const text = JSON.stringify({
    error: {
      code: 'see_other',
      message: `the answer is ${prepared.byteLength} bytes, more than one response may carry: fetch it from the location (valid for a few minutes)`,
    },
    location,
  });
  return {
    status: 303,
    headers: {
      ...baseHeaders(),
      location,
      etag: prepared.etag,
      'cache-control': 'no-store',
      'content-type': 'application/json; charset=utf-8',
      ...(request.method === 'HEAD' ? { 'content-length': String(Buffer.byteLength(text)) } : {}),
    },
    body: request.method === 'HEAD' ? '' : text,
  };
}
