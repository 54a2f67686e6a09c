/** The feed routes of SPEC §3 (JSON Feed 1.1, Atom, RSS): latest, per story, per cited source. */
import type { DeletedEntry, FeedEntry, FeedModel } from '../feeds/feed-model.ts';
import { renderAtomFeed, renderJsonFeed, renderRssFeed } from '../feeds/index.ts';
import { createPageLinks } from '../pages/links.ts';
import type { Page, StoredVersion } from '../store/story-store.ts';
import { notFound } from './errors.ts';
import { entryTextBudget, fitDocumentToFeed, renderFeedWithinLimit } from './feed-budget.ts';
import { readPage } from './last-page.ts';
import { parseCitationId, parseStoryId } from './params.ts';
import type { Representation } from './representation.ts';
import {
  EPOCH,
  firstPageTombstones,
  lastRetraction,
  newest,
  type Paging,
  type RouteContext,
  readPaging,
  retractionTimes,
} from './route-context.ts';
import { missingStoryError, toDeletedEntries } from './story-reads.ts';

/** A feed format, as the extension of a feed path names it. */
export type FeedFormat = 'json' | 'atom' | 'rss';

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
/** Cache-Control of feeds (and of raw texts). */
export const FEED_CACHE = 'public, max-age=60';

/** The feed formats in the order the OpenAPI document lists them. */
export const FEED_FORMATS: readonly FeedFormat[] = ['json', 'atom', 'rss'];

function feedFormat(context: RouteContext): FeedFormat {
  const format = context.params.format;
  if (format === 'json' || format === 'atom' || format === 'rss') return format;
  throw notFound('no such feed format');
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

/** `/feeds/latest.{format}`: every story at its latest version, newest first. */
export async function serveLatestFeed(context: RouteContext): Promise<Representation> {
  const format = feedFormat(context);
  const { baseUrl } = context.request;
  const paging = readPaging(context, `/feeds/latest.${format}`, 'feeds/latest');
  const load = async (limit: number) => {
    const page = await readPage({ ...paging.page, limit }, (next) =>
      context.deps.reader.listLatestVersions(next),
    );
    return { page, entries: feedEntries(page.items, baseUrl, 'story') };
  };
  const [{ page, entries }, tombstones, retracted] = await Promise.all([
    load(paging.page.limit),
    firstPageTombstones(context, paging, (clock) => context.deps.reader.listStoryTombstones(clock)),
    lastRetraction(context),
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
      // A retracted head moves down to an older version: the last retraction dates that.
      changedAt: [
        ...page.items.map((version) => version.ingestedAt),
        ...retractionTimes(tombstones),
        ...retracted,
      ],
      // The entry id of a story in this feed (see feedEntries).
      deletedEntries: toDeletedEntries(tombstones, (gone) => links.storyJson(gone.storyId)),
    },
    load,
  );
}

/** `/stories/{storyId}/feed.{format}`: every version of a story, highest first. */
export async function serveStoryFeed(context: RouteContext): Promise<Representation> {
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

/** `/sources/{citationId}/feed.{format}`: the stories whose latest version cites a source. */
export async function serveSourceFeed(context: RouteContext): Promise<Representation> {
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
      // Stories leave this feed when their head stops citing the source (page.changedAt dates that) or
      // is retracted (the last retraction does).
      changedAt: [
        ...page.items.map((version) => version.ingestedAt),
        ...(page.changedAt ?? []),
        ...(await lastRetraction(context)),
      ],
    },
    reload,
  );
}
