import type { DeletedEntry, FeedEntry, FeedModel } from '../feeds/feed-model.ts';
import { renderAtomFeed, renderJsonFeed, renderRssFeed } from '../feeds/index.ts';
import { createPageLinks } from '../pages/links.ts';
import type { Page, PageRequest, StoredVersion, Tombstone } from '../store/story-store.ts';
import { diffVersions } from '../story/diff-versions.ts';
import { openCursor, sealCursor } from './cursor.ts';
import { readStoryVersion, resolveDiffPair } from './diff-request.ts';
import { badParameter, HttpError, notFound } from './errors.ts';
import { entryTextBudget, fitDocumentToFeed, renderFeedWithinLimit } from './feed-budget.ts';
import { readPage } from './last-page.ts';
import { buildOpenApiDocument } from './openapi.ts';
import { parseCitationId, parseLimit, parseStoryId, parseVersionParam } from './params.ts';
import { clampLastModified, type Representation } from './representation.ts';
import { missingStoryError, missingVersionError, toDeletedEntries, tombstoneClock } from './story-reads.ts';
import type { ApiDeps, HttpRequest } from './types.ts';

export type FeedFormat = 'json' | 'atom' | 'rss';

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

const FEED_CONTENT_TYPES: Record<FeedFormat, string> = {
  json: 'application/feed+json; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
  rss: 'application/rss+xml; charset=utf-8',
};
const FEED_RENDERERS: Record<FeedFormat, (model: FeedModel) => string> = {
  json: renderJsonFeed,
  atom: renderAtomFeed,
  rss: renderRssFeed,
};
const JSON_TYPE = 'application/json; charset=utf-8';
const FEED_CACHE = 'public, max-age=60';
const JSON_CACHE = 'public, max-age=10';
const EPOCH = new Date(0);
const PROCESS_STARTED = new Date(Math.floor(Date.now() / 1000) * 1000);

/** The feed formats in the order the OpenAPI document lists them. */
export const FEED_FORMATS: readonly FeedFormat[] = ['json', 'atom', 'rss'];

/** The content type each feed format is served with. */
export function feedContentType(format: FeedFormat): string {
  return FEED_CONTENT_TYPES[format];
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

function jsonRepresentation(value: unknown, lastModified: Date, cacheControl = JSON_CACHE): Representation {
  return { contentType: JSON_TYPE, body: JSON.stringify(value), cacheControl, lastModified };
}

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

function feedFormat(context: RouteContext): FeedFormat {
  const format = context.params.format;
  if (format === 'json' || format === 'atom' || format === 'rss') return format;
  throw notFound('no such feed format');
}

/** Tombstones shown on the first page of a list or feed (later pages carry none). */
async function firstPageTombstones(
  context: RouteContext,
  paging: Paging,
  read: (clock: Date) => Promise<Tombstone[]>,
): Promise<Tombstone[]> {
  return paging.page.cursor === undefined ? read(tombstoneClock(context.now)) : [];
}

function retractionTimes(tombstones: Tombstone[]): string[] {
  return tombstones.map((tombstone) => tombstone.retractedAt);
}

interface FeedParts {
  title: string;
  description: string;
  homePageUrl: string;
  entries: FeedEntry[];
  /** ISO timestamps that bound Last-Modified (ingestion and retraction times). */
  changedAt: string[];
  /** Retracted entries, for Atom's RFC 6721 tombstones. */
  deletedEntries?: DeletedEntry[];
}

async function feedRepresentation(
  context: RouteContext,
  format: FeedFormat,
  paging: Paging,
  page: Page<unknown>,
  parts: FeedParts,
  reload: (limit: number) => Promise<{ page: Page<unknown>; entries: FeedEntry[] }>,
): Promise<Representation> {
  const updated = parts.entries.reduce(
    (latest, entry) => (Date.parse(entry.updated) > Date.parse(latest) ? entry.updated : latest),
    EPOCH.toISOString(),
  );
  const model: FeedModel = {
    title: parts.title,
    description: parts.description,
    baseUrl: context.request.baseUrl,
    homePageUrl: parts.homePageUrl,
    selfUrl: paging.selfUrl,
    hubUrl: context.deps.websubHub || null,
    nextUrl: paging.nextUrl(page.cursor),
    updated,
    entries: parts.entries,
    ...(parts.deletedEntries?.length ? { deletedEntries: parts.deletedEntries } : {}),
  };
  const body = await renderFeedWithinLimit(
    { entries: model.entries, nextUrl: model.nextUrl },
    (fitted) => FEED_RENDERERS[format]({ ...model, ...fitted }),
    async (limit) => {
      const shorter = await reload(limit);
      return { entries: shorter.entries, nextUrl: paging.nextUrl(shorter.page.cursor) };
    },
  );
  return {
    contentType: FEED_CONTENT_TYPES[format],
    body,
    cacheControl: FEED_CACHE,
    lastModified: newest(parts.changedAt, context.now),
  };
}

/**
 * Feed entries for a page of versions. In latest and source feeds an entry is a story (its id, the
 * story's URL, stays when a new version arrives); in a story's feed an entry is a version.
 */
function feedEntries(versions: StoredVersion[], baseUrl: string, entryIs: 'story' | 'version'): FeedEntry[] {
  const budget = entryTextBudget(versions.length);
  const links = createPageLinks(baseUrl, '');
  return versions.map((version) => {
    const { storyId } = version;
    const apiUrl =
      entryIs === 'story' ? links.storyJson(storyId) : links.versionJson(storyId, version.version);
    const versionPage = links.version(storyId, version.version);
    return {
      id: apiUrl,
      url: entryIs === 'story' ? links.story(storyId) : versionPage,
      apiUrl,
      document: fitDocumentToFeed(version.document, budget, versionPage),
      published: version.publishedAt,
      updated: version.publishedAt,
    };
  });
}

async function serveLatestFeed(context: RouteContext): Promise<Representation> {
  const format = feedFormat(context);
  const { baseUrl } = context.request;
  const paging = readPaging(context, `/feeds/latest.${format}`, 'feeds/latest');
  const load = async (limit: number) => {
    const page = await readPage({ ...paging.page, limit }, (next) =>
      context.deps.reader.listLatestVersions(next),
    );
    return { page, entries: feedEntries(page.items, baseUrl, 'story') };
  };
  const [{ page, entries }, tombstones] = await Promise.all([
    load(paging.page.limit),
    firstPageTombstones(context, paging, (clock) => context.deps.reader.listStoryTombstones(clock)),
  ]);
  const links = createPageLinks(baseUrl, '');
  return feedRepresentation(
    context,
    format,
    paging,
    page,
    {
      title: 'storyfeed: latest stories',
      description: 'Every story at its latest version, newest first.',
      homePageUrl: `${baseUrl}/`,
      entries,
      changedAt: [...page.items.map((version) => version.ingestedAt), ...retractionTimes(tombstones)],
      // The entry id of a story in this feed (see feedEntries).
      deletedEntries: toDeletedEntries(tombstones, (gone) => links.storyJson(gone.storyId)),
    },
    load,
  );
}

async function serveStoryFeed(context: RouteContext): Promise<Representation> {
  const storyId = parseStoryId(context.params.storyId ?? '');
  const format = feedFormat(context);
  const { baseUrl } = context.request;
  const paging = readPaging(context, `/stories/${storyId}/feed.${format}`, `stories/${storyId}/feed`);
  const { reader } = context.deps;
  const [head, page, tombstones] = await Promise.all([
    reader.getHead(storyId),
    readPage(paging.page, (next) => reader.listVersions(storyId, next)),
    firstPageTombstones(context, paging, (clock) => reader.listVersionTombstones(storyId, clock)),
  ]);
  if (!head) throw await missingStoryError(reader, storyId);
  const links = createPageLinks(baseUrl, '');
  const reload = async (limit: number) => {
    const shorter = await context.deps.reader.listVersions(storyId, { ...paging.page, limit });
    return { page: shorter, entries: feedEntries(shorter.items, baseUrl, 'version') };
  };
  return feedRepresentation(
    context,
    format,
    paging,
    page,
    {
      title: head.title,
      description: `Every version of the story ${storyId}, highest first.`,
      homePageUrl: `${baseUrl}/read/${storyId}`,
      entries: feedEntries(page.items, baseUrl, 'version'),
      changedAt: [
        head.ingestedAt,
        ...page.items.map((version) => version.ingestedAt),
        ...retractionTimes(tombstones),
      ],
      // The entry id of a version in this feed (see feedEntries).
      deletedEntries: toDeletedEntries(tombstones, (gone) => links.versionJson(storyId, gone.version ?? '')),
    },
    reload,
  );
}

async function serveSourceFeed(context: RouteContext): Promise<Representation> {
  const citationId = parseCitationId(context.params.citationId ?? '');
  const format = feedFormat(context);
  const { baseUrl } = context.request;
  const paging = readPaging(context, `/sources/${citationId}/feed.${format}`, `sources/${citationId}/feed`);
  const { reader } = context.deps;
  const page = await readPage(paging.page, (next) => reader.listSourceStories(citationId, next));
  if (page.items.length === 0 && paging.page.cursor === undefined) {
    // Cited only by older versions: an empty feed. Never cited: no such source.
    const cited = await reader.listSourceCitations(citationId, { limit: 1 });
    if (cited.items.length === 0) throw notFound('no story cites this source');
  }
  const reload = async (limit: number) => {
    const shorter = await reader.listSourceStories(citationId, { ...paging.page, limit });
    return { page: shorter, entries: feedEntries(shorter.items, baseUrl, 'story') };
  };
  return feedRepresentation(
    context,
    format,
    paging,
    page,
    {
      title: `storyfeed: stories citing ${citationId}`,
      description: `Stories whose latest version cites the source ${citationId}.`,
      homePageUrl: `${baseUrl}/cited/${citationId}`,
      entries: feedEntries(page.items, baseUrl, 'story'),
      changedAt: page.items.map((version) => version.ingestedAt),
    },
    reload,
  );
}

async function serveStoryList(context: RouteContext): Promise<Representation> {
  const paging = readPaging(context, '/stories', 'stories');
  const [page, tombstones] = await Promise.all([
    readPage(paging.page, (next) => context.deps.reader.listStories(next)),
    firstPageTombstones(context, paging, (clock) => context.deps.reader.listStoryTombstones(clock)),
  ]);
  const items = page.items.map(({ storyId, title, version, updatedAt }) => ({
    storyId,
    title,
    version,
    updatedAt,
  }));
  const lastModified = newest(
    [...page.items.map((head) => head.ingestedAt), ...retractionTimes(tombstones)],
    context.now,
  );
  return jsonRepresentation({ items, next: paging.nextUrl(page.cursor) }, lastModified);
}

async function serveStory(context: RouteContext): Promise<Representation> {
  const storyId = parseStoryId(context.params.storyId ?? '');
  const { reader } = context.deps;
  const [latest, versions, tombstones] = await Promise.all([
    reader.listVersions(storyId, { limit: 1 }),
    reader.listVersionLabels(storyId),
    reader.listVersionTombstones(storyId, tombstoneClock(context.now)),
  ]);
  const head = latest.items[0];
  // Versions but no head document: the head's archived document is corrupt; getVersion says so.
  if (!head && versions[0] !== undefined) await readVersion(context, storyId, versions[0]);
  if (!head) throw await missingStoryError(reader, storyId);
  const lastModified = newest([head.ingestedAt, ...retractionTimes(tombstones)], context.now);
  return jsonRepresentation({ ...head.document, versions }, lastModified);
}

function readVersion(context: RouteContext, storyId: string, label: string): Promise<StoredVersion> {
  return readStoryVersion(context.deps.reader, storyId, label);
}

async function serveVersion(context: RouteContext): Promise<Representation> {
  const storyId = parseStoryId(context.params.storyId ?? '');
  const label = parseVersionParam(context.params.version ?? '');
  const version = await readVersion(context, storyId, label);
  return jsonRepresentation(version.document, newest([version.ingestedAt], context.now));
}

async function serveRawVersion(context: RouteContext): Promise<Representation> {
  const storyId = parseStoryId(context.params.storyId ?? '');
  const label = parseVersionParam(context.params.version ?? '');
  const [version, text] = await Promise.all([
    context.deps.reader.getVersion(storyId, label),
    context.deps.reader.getRawText(storyId, label),
  ]);
  if (!version || text === null) throw await missingVersionError(context.deps.reader, storyId, label);
  return {
    contentType: 'text/plain; charset=utf-8',
    body: text,
    cacheControl: FEED_CACHE,
    lastModified: newest([version.ingestedAt], context.now),
  };
}

async function serveDiff(context: RouteContext): Promise<Representation> {
  const storyId = parseStoryId(context.params.storyId ?? '');
  const { older, newer } = await resolveDiffPair(context.deps.reader, storyId, context.request.query);
  const diff = diffVersions(older.document, newer.document);
  return jsonRepresentation(diff, newest([older.ingestedAt, newer.ingestedAt], context.now));
}

async function serveSource(context: RouteContext): Promise<Representation> {
  const citationId = parseCitationId(context.params.citationId ?? '');
  const paging = readPaging(context, `/sources/${citationId}`, `sources/${citationId}`);
  const page = await readPage(paging.page, (next) =>
    context.deps.reader.listSourceCitations(citationId, next),
  );
  if (page.items.length === 0 && paging.page.cursor === undefined) {
    throw notFound('no story cites this source');
  }
  const items = page.items.map(({ storyId, version, title, publishedAt, paragraphs }) => ({
    storyId,
    version,
    title,
    publishedAt,
    paragraphs,
  }));
  const lastModified = newest(
    page.items.map((item) => item.ingestedAt),
    context.now,
  );
  return jsonRepresentation({ items, next: paging.nextUrl(page.cursor) }, lastModified);
}

async function serveIngestErrors(context: RouteContext): Promise<Representation> {
  const paging = readPaging(context, '/ingest/errors', 'ingest/errors');
  const page = await readPage(paging.page, (next) => context.deps.reader.listIngestErrors(next));
  const items = page.items.map(({ key, code, message, at }) => ({ key, code, message, at }));
  const lastModified = newest(
    page.items.map((item) => item.at),
    context.now,
  );
  return jsonRepresentation({ items, next: paging.nextUrl(page.cursor) }, lastModified);
}

async function serveIngestStatus(context: RouteContext): Promise<Representation> {
  const key = context.request.query.key;
  if (key === undefined || key === '') throw badParameter('key is required: the bucket key of an upload');
  const status = await context.deps.reader.getIngestStatus(key);
  if (!status) {
    throw new HttpError(404, 'unknown_key', 'the pipeline has not finished with any upload of this key');
  }
  return jsonRepresentation(status, newest([status.at], context.now), 'no-store');
}

async function serveHealth(): Promise<Representation> {
  return jsonRepresentation({ ok: true }, PROCESS_STARTED, 'no-store');
}

let openApiCache: { baseUrl: string; body: string } | undefined;

async function serveOpenApi(context: RouteContext): Promise<Representation> {
  const { baseUrl } = context.request;
  if (openApiCache?.baseUrl !== baseUrl) {
    openApiCache = { baseUrl, body: JSON.stringify(buildOpenApiDocument(baseUrl)) };
  }
  return {
    contentType: JSON_TYPE,
    body: openApiCache.body,
    cacheControl: 'public, max-age=3600',
    lastModified: PROCESS_STARTED,
  };
}

/** Every route of SPEC §3, each answering GET and HEAD. */
export const ROUTES: readonly Route[] = [
  { pattern: '/feeds/latest.{format}', serve: serveLatestFeed },
  { pattern: '/stories', serve: serveStoryList },
  { pattern: '/stories/{storyId}', serve: serveStory },
  { pattern: '/stories/{storyId}/feed.{format}', serve: serveStoryFeed },
  { pattern: '/stories/{storyId}/versions/{version}', serve: serveVersion },
  { pattern: '/stories/{storyId}/versions/{version}/raw', serve: serveRawVersion },
  { pattern: '/stories/{storyId}/diff', serve: serveDiff },
  { pattern: '/sources/{citationId}', serve: serveSource },
  { pattern: '/sources/{citationId}/feed.{format}', serve: serveSourceFeed },
  { pattern: '/ingest/errors', serve: serveIngestErrors },
  { pattern: '/ingest/status', serve: serveIngestStatus },
  { pattern: '/health', serve: serveHealth },
  { pattern: '/openapi.json', serve: serveOpenApi },
];

/** Matches decoded path segments against a route pattern; returns the parameters or null. */
export function matchRoute(pattern: string, segments: string[]): Record<string, string> | null {
  const parts = pattern.slice(1).split('/');
  if (parts.length !== segments.length) return null;
  const params: Record<string, string> = {};
  for (const [i, part] of parts.entries()) {
    const segment = segments[i] ?? '';
    const name = /^\{(\w+)\}$/.exec(part)?.[1];
    if (name) {
      if (segment === '') return null;
      params[name] = segment;
      continue;
    }
    const feed = /^([\w-]+)\.\{format\}$/.exec(part)?.[1];
    if (feed) {
      const format = segment.startsWith(`${feed}.`) ? segment.slice(feed.length + 1) : '';
      if (!(FEED_FORMATS as readonly string[]).includes(format)) return null;
      params.format = format;
      continue;
    }
    if (part !== segment) return null;
  }
  return params;
}
