import { createPageLinks, renderErrorPage, STYLESHEET_PATH } from '../pages/index.ts';
import { ArchiveCorruptError } from '../store/archive-integrity.ts';
import { HttpError } from './errors.ts';
import { PAGE_HEADERS } from './page-routes.ts';
import { splitPath } from './params.ts';
import { baseHeaders, respondWithRepresentation } from './representation.ts';
import { ALL_ROUTES, isPagePath } from './route-table.ts';
import { matchRoute, type Route } from './routes.ts';
import type { ApiDeps, HttpRequest, HttpResponse } from './types.ts';

const ALLOWED_METHODS = 'GET, HEAD';

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

function lowerCaseHeaders(headers: Record<string, string>): Record<string, string> {
  const lowered: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value === 'string') lowered[name.toLowerCase()] = value;
  }
  return lowered;
}

/**
 * Answers one request of SPEC §3 or §5: routes it, validates its parameters, reads through `deps.reader` and
 * applies conditional GET, compression, CORS and HEAD. Never throws: an unexpected error is passed to
 * `deps.log` and becomes a bare 500.
 */
export async function handleHttpRequest(request: HttpRequest, deps: ApiDeps): Promise<HttpResponse> {
  const normalised: HttpRequest = { ...request, headers: lowerCaseHeaders(request.headers) };
  // Below /read/ and /cited/ even an unknown path or a malformed one fails as a page.
  let form: ErrorForm = isPagePath(normalised.path.split('/').slice(1)) ? 'page' : 'json';
  try {
    if (!normalised.path.startsWith('/')) throw new HttpError(404, 'not_found', 'no such path');
    const match = findRoute(splitPath(normalised.path));
    if (!match) throw new HttpError(404, 'not_found', 'no such path');
    if (match.route.page) form = 'page';
    if (normalised.method === 'OPTIONS') return preflightResponse();
    if (normalised.method !== 'GET' && normalised.method !== 'HEAD') {
      const error = new HttpError(405, 'method_not_allowed', 'only GET and HEAD are allowed here');
      return errorResponse(normalised, error, form, { allow: ALLOWED_METHODS });
    }
    const now = deps.now?.() ?? new Date();
    const representation = await match.route.serve({ request: normalised, params: match.params, deps, now });
    return respondWithRepresentation(normalised, representation);
  } catch (error) {
    if (error instanceof HttpError) return errorResponse(normalised, error, form);
    // A tampered archive object is a server-side fault the client cannot fix, but not a mystery: say so.
    if (error instanceof ArchiveCorruptError) {
      const message = `the archived copy of ${error.storyId} ${error.version} failed its integrity check; uploading the story again repairs it`;
      return errorResponse(normalised, new HttpError(500, 'archive_corrupt', message), form);
    }
    deps.log?.(error);
    return errorResponse(normalised, new HttpError(500, 'internal', 'internal error'), form);
  }
}
