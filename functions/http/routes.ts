/** The JSON routes of SPEC §3, and ROUTES: every GET/HEAD route of the API but the pages (page-routes.ts). */
import type { StoredVersion } from '../store/story-store.ts';
import { diffVersions } from '../story/diff-versions.ts';
import { readStoryVersion, resolveDiffPair } from './diff-request.ts';
import { badParameter, HttpError, notFound } from './errors.ts';
import { FEED_CACHE, FEED_FORMATS, serveLatestFeed, serveSourceFeed, serveStoryFeed } from './feed-routes.ts';
import { readPage } from './last-page.ts';
import { buildOpenApiDocument } from './openapi.ts';
import { parseCitationId, parseStoryId, parseVersionParam } from './params.ts';
import type { Representation } from './representation.ts';
import {
  firstPageTombstones,
  lastRetraction,
  newest,
  type Route,
  type RouteContext,
  readPaging,
  retractionTimes,
} from './route-context.ts';
import { missingStoryError, missingVersionError, tombstoneClock } from './story-reads.ts';

const JSON_TYPE = 'application/json; charset=utf-8';
const JSON_CACHE = 'public, max-age=10';
const PROCESS_STARTED = new Date(Math.floor(Date.now() / 1000) * 1000);

function jsonRepresentation(value: unknown, lastModified: Date, cacheControl = JSON_CACHE): Representation {
  return { contentType: JSON_TYPE, body: JSON.stringify(value), cacheControl, lastModified };
}

/** A page of a JSON list (`items`, `next`); Last-Modified is the newest of `changedAt`. */
function listRepresentation(
  context: RouteContext,
  items: unknown[],
  next: string | null,
  changedAt: string[],
): Representation {
  return jsonRepresentation({ items, next }, newest(changedAt, context.now));
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
  return listRepresentation(context, items, paging.nextUrl(page.cursor), [
    ...page.items.map((head) => head.ingestedAt),
    ...retractionTimes(tombstones),
    // A retracted head moves down to an older version: nothing else dates that.
    ...(await lastRetraction(context)),
  ]);
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
  // The default pair (the head and the version below it) moves when a version is retracted.
  const changedAt = [older.ingestedAt, newer.ingestedAt, ...(await lastRetraction(context))];
  return jsonRepresentation(diff, newest(changedAt, context.now));
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
  return listRepresentation(context, items, paging.nextUrl(page.cursor), [
    ...page.items.map((item) => item.ingestedAt),
    ...(await lastRetraction(context)),
  ]);
}

async function serveIngestErrors(context: RouteContext): Promise<Representation> {
  const paging = readPaging(context, '/ingest/errors', 'ingest/errors');
  const page = await readPage(paging.page, (next) => context.deps.reader.listIngestErrors(next));
  const items = page.items.map(({ key, code, message, at }) => ({ key, code, message, at }));
  // A later upload or a delete of a key clears its errors: the marker's last change dates that.
  const { changedAt } = await context.deps.reader.getChangeTimes();
  return listRepresentation(context, items, paging.nextUrl(page.cursor), [
    ...page.items.map((item) => item.at),
    ...(changedAt === null ? [] : [changedAt]),
  ]);
}

async function serveIngestStatus(context: RouteContext): Promise<Representation> {
  const key = context.request.query.key;
  if (key === undefined || key === '') throw badParameter('key is required: the bucket key of an upload');
  const status = await context.deps.reader.getIngestStatus(key);
  if (!status) {
    throw new HttpError(404, 'unknown_key', 'the pipeline has not finished with any upload of this key');
  }
  // S3 events carry the ETag bare; every S3 API (PutObject, HeadObject, ListObjects) shows it quoted, so
  // the status does too: a client compares it with the ETag its own PutObject answered.
  const etag = status.etag === null ? null : `"${status.etag.replace(/"/g, '')}"`;
  return jsonRepresentation({ ...status, etag }, newest([status.at], context.now), 'no-store');
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
