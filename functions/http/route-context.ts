/** What every route handler shares: its context, the paging of lists, Last-Modified and tombstones. */
import type { PageRequest, Tombstone } from '../store/story-store.ts';
import { openCursor, sealCursor } from './cursor.ts';
import { badParameter } from './errors.ts';
import { parseLimit } from './params.ts';
import { clampLastModified, type Representation } from './representation.ts';
import { tombstoneClock } from './story-reads.ts';
import type { ApiDeps, HttpRequest } from './types.ts';

/** Last-Modified when nothing has changed yet. */
export const EPOCH = new Date(0);

/** Everything a route handler sees: the request, its decoded path parameters and the dependencies. */
export interface RouteContext {
  request: HttpRequest;
  params: Record<string, string>;
  deps: ApiDeps;
  now: Date;
}

/** One GET/HEAD route of SPEC §3; `pattern` uses `{name}` segments and `{format}` for the feed extension. */
export interface Route {
  pattern: string;
  serve: (context: RouteContext) => Promise<Representation>;
  /** A page for people (SPEC §5): its errors are HTML pages, not JSON. */
  page?: boolean;
}

/** The newest of some ISO timestamps as a Last-Modified date (the epoch when there are none). */
export function newest(dates: Iterable<string>, now: Date): Date {
  let latest = EPOCH.getTime();
  for (const text of dates) {
    const time = Date.parse(text);
    if (Number.isFinite(time) && time > latest) latest = time;
  }
  return clampLastModified(new Date(latest), now);
}

/** A list's page request, and the absolute URLs of this page and the next. */
export interface Paging {
  page: PageRequest;
  /** The absolute URL of this page, with the request's limit and cursor. */
  selfUrl: string;
  /** The absolute URL of the page after this one, or null on the last page. */
  nextUrl: (storeCursor: string | null) => string | null;
}

/** Reads limit and cursor for a list whose canonical path is `path`; the cursor is bound to `scope`. */
export function readPaging(context: RouteContext, path: string, scope: string): Paging {
  const { query, baseUrl } = context.request;
  const limit = parseLimit(query.limit);
  const cursorText = query.cursor;
  if (cursorText === '') throw badParameter('cursor must not be empty');
  const secret = context.deps.cursorSecret;
  const storeCursor = cursorText === undefined ? undefined : openCursor(cursorText, scope, secret);
  const selfQuery = new URLSearchParams();
  if (query.limit !== undefined) selfQuery.set('limit', String(limit));
  if (cursorText !== undefined) selfQuery.set('cursor', cursorText);
  const selfSearch = selfQuery.toString();
  return {
    page: { limit, cursor: storeCursor },
    selfUrl: `${baseUrl}${path}${selfSearch ? `?${selfSearch}` : ''}`,
    nextUrl: (next) => {
      if (next === null) return null;
      const nextQuery = new URLSearchParams({
        limit: String(limit),
        cursor: sealCursor(next, scope, secret),
      });
      return `${baseUrl}${path}?${nextQuery.toString()}`;
    },
  };
}

/** Tombstones shown on the first page of a list or feed (later pages carry none). */
export async function firstPageTombstones(
  context: RouteContext,
  paging: Paging,
  read: (clock: Date) => Promise<Tombstone[]>,
): Promise<Tombstone[]> {
  return paging.page.cursor === undefined ? read(tombstoneClock(context.now)) : [];
}

/**
 * The time of the latest retraction, for the Last-Modified of answers that show lists of what is
 * published: a retraction takes entries out (or moves a head down), and no entry left dates that.
 */
export async function lastRetraction(context: RouteContext): Promise<string[]> {
  const { retractedAt } = await context.deps.reader.getChangeTimes();
  return retractedAt === null ? [] : [retractedAt];
}

/** The retraction times of tombstones (they bound Last-Modified). */
export function retractionTimes(tombstones: Tombstone[]): string[] {
  return tombstones.map((tombstone) => tombstone.retractedAt);
}
