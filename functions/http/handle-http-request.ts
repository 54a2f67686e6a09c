import { createPageLinks, renderErrorPage, STYLESHEET_PATH } from '../pages/index.ts';
import { ArchiveCorruptError } from '../store/archive-integrity.ts';
import { HttpError } from './errors.ts';
import { isOversized, redirectOversized } from './oversized-answer.ts';
import { PAGE_HEADERS } from './page-routes.ts';
import { splitPath } from './params.ts';
import {
  baseHeaders,
  type PreparedRepresentation,
  prepareRepresentation,
  respondPrepared,
} from './representation.ts';
import type { Route } from './route-context.ts';
import { ALL_ROUTES, isPagePath } from './route-table.ts';
import { matchRoute } from './routes.ts';
import type { ApiDeps, HttpRequest, HttpResponse } from './types.ts';

const ALLOWED_METHODS = 'GET, HEAD';
const systemClock = () => new Date();
const UPPER_CASE = /[A-Z]/;

/** How an error is told: JSON `{"error":…}` on the API, an HTML page on the pages for people. */
type ErrorForm = 'json' | 'page';

function errorResponse(
  request: HttpRequest,
  error: HttpError,
  form: ErrorForm,
  extra: Record<string, string> = {},
): HttpResponse {
  const body =
    form === 'page'
      ? renderErrorPage({
          links: createPageLinks(request.baseUrl, STYLESHEET_PATH),
          status: error.status,
          message: error.message,
        })
      : JSON.stringify({ error: { code: error.code, message: error.message } });
  return {
    status: error.status,
    headers: {
      ...baseHeaders(),
      ...(form === 'page' ? PAGE_HEADERS : {}),
      'content-type': form === 'page' ? 'text/html; charset=utf-8' : 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      ...(request.method === 'HEAD' ? { 'content-length': String(Buffer.byteLength(body, 'utf8')) } : {}),
      ...extra,
    },
    body: request.method === 'HEAD' ? '' : body,
  };
}

function preflightResponse(): HttpResponse {
  return {
    status: 204,
    headers: {
      ...baseHeaders(),
      allow: `${ALLOWED_METHODS}, OPTIONS`,
      'access-control-allow-methods': `${ALLOWED_METHODS}, OPTIONS`,
      'access-control-allow-headers': 'Accept, Cache-Control, If-Modified-Since, If-None-Match',
      'access-control-max-age': '86400',
    },
    body: '',
  };
}

function findRoute(segments: string[]): { route: Route; params: Record<string, string> } | null {
  for (const route of ALL_ROUTES) {
    const params = matchRoute(route.pattern, segments);
    if (params) return { route, params };
  }
  return null;
}

/** The headers with lower-case names; the same object when they already are (API Gateway sends them so). */
function lowerCaseHeaders(headers: Record<string, string>): Record<string, string> {
  let lower = true;
  for (const name in headers) {
    if (UPPER_CASE.test(name) || typeof headers[name] !== 'string') {
      lower = false;
      break;
    }
  }
  if (lower) return headers;
  const lowered: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value === 'string') lowered[name.toLowerCase()] = value;
  }
  return lowered;
}

/** Below /read/ and /cited/, and on every page route, even an unknown or malformed path fails as a page. */
function errorFormOf(request: HttpRequest): ErrorForm {
  const segments = request.path.split('/').slice(1);
  if (isPagePath(segments)) return 'page';
  return findRoute(splitPath(request.path))?.route.page ? 'page' : 'json';
}

/** What a GET answer depends on: base URL, path and query (never the request's other headers). */
function representationKey(request: HttpRequest): string {
  let key = `${request.baseUrl}${request.path}`;
  for (const name in request.query) key += `\n${name}=${request.query[name]}`;
  return key;
}

/**
 * Answers one request of SPEC §3 or §5: routes it, validates its parameters, reads through `deps.reader`
 * and applies conditional GET, compression, CORS and HEAD. With `deps.representations`, a GET or HEAD of
 * an answer prepared for the current data is answered from memory before any routing, reading or
 * rendering. Never throws: an unexpected error is passed to `deps.log` and becomes a bare 500.
 */
export async function handleHttpRequest(request: HttpRequest, deps: ApiDeps): Promise<HttpResponse> {
  const headers = lowerCaseHeaders(request.headers);
  const normalised: HttpRequest = headers === request.headers ? request : { ...request, headers };
  const clock = deps.now ?? systemClock;
  try {
    if (!normalised.path.startsWith('/')) throw new HttpError(404, 'not_found', 'no such path');
    if (deps.operatorRoutesNeedIam && normalised.path.startsWith('/ingest/') && !normalised.iamCaller) {
      throw new HttpError(403, 'forbidden', 'operator routes need an IAM (SigV4-signed) request');
    }
    const { method } = normalised;
    const cache = deps.representations;
    const isRead = method === 'GET' || method === 'HEAD';
    // /ingest/status is polled for an outcome that no change marker need announce: always read.
    if (cache && isRead && !normalised.path.startsWith('/ingest/status')) {
      const key = representationKey(normalised);
      const found = cache.get(key, () => serveRoute(normalised, deps, clock));
      return await respond(normalised, found instanceof Promise ? await found : found, deps, clock);
    }
    const match = findRoute(splitPath(normalised.path));
    if (!match) throw new HttpError(404, 'not_found', 'no such path');
    if (method === 'OPTIONS') return preflightResponse();
    if (!isRead) {
      const error = new HttpError(405, 'method_not_allowed', 'only GET and HEAD are allowed here');
      return errorResponse(normalised, error, errorFormOf(normalised), { allow: ALLOWED_METHODS });
    }
    const representation = await match.route.serve({
      request: normalised,
      params: match.params,
      deps,
      now: clock(),
    });
    return await respond(normalised, prepareRepresentation(representation), deps, clock);
  } catch (error) {
    const form = errorFormOf(normalised);
    if (error instanceof HttpError) return errorResponse(normalised, error, form);
    // A tampered archive object is a server-side fault the client cannot fix, but not a mystery: say so.
    if (error instanceof ArchiveCorruptError) {
      const message = `the archived copy of ${error.storyId} ${error.version} failed its integrity check; uploading the story again repairs it`;
      return errorResponse(normalised, new HttpError(500, 'archive_corrupt', message), form);
    }
    deps.log?.(error, normalised.path);
    return errorResponse(normalised, new HttpError(500, 'internal', 'internal error'), form);
  }
}

/** The conditional answer; a 200 too large for one response becomes a redirect to a stored copy. */
function respond(
  request: HttpRequest,
  prepared: PreparedRepresentation,
  deps: ApiDeps,
  clock: () => Date,
): HttpResponse | Promise<HttpResponse> {
  const response = respondPrepared(request, prepared, clock);
  if (response.status !== 200 || !isOversized(prepared)) return response;
  return redirectOversized(request, prepared, deps.largeAnswers);
}

async function serveRoute(request: HttpRequest, deps: ApiDeps, clock: () => Date) {
  const match = findRoute(splitPath(request.path));
  if (!match) throw new HttpError(404, 'not_found', 'no such path');
  return match.route.serve({ request, params: match.params, deps, now: clock() });
}
