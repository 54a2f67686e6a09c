import {
  createPageLinks,
  type PageLinks,
  renderChangesPage,
  renderCitedPage,
  renderHomePage,
  renderStoryPage,
  renderVersionPage,
  STYLESHEET_CSS,
  STYLESHEET_PATH,
} from '../pages/index.ts';
import { diffVersions } from '../story/diff-versions.ts';
import { readStoryVersion, resolveDiffPair } from './diff-request.ts';
import { notFound } from './errors.ts';
import { parseCitationId, parseStoryId, parseVersionParam } from './params.ts';
import type { Representation } from './representation.ts';
import { lastRetraction, newest, type Route, type RouteContext, readPaging } from './route-context.ts';
import { missingStoryError } from './story-reads.ts';

/** Pages allow no script at all, load only this origin's stylesheet, and cannot be framed. */
export const PAGE_CSP =
  "default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** The Content-Security-Policy header every page (and every page error) carries. */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': PAGE_CSP,
  'referrer-policy': 'strict-origin-when-cross-origin',
};

const HTML_TYPE = 'text/html; charset=utf-8';
const PAGE_CACHE = 'public, max-age=60';
/** How many of the latest versions the story page's chart shows. */
const CHART_VERSIONS = 30;
const STYLESHEET_FILE = STYLESHEET_PATH.slice('/assets/'.length);

/** The page links of a request: absolute URLs under its base URL. */
export function pageLinksOf(context: RouteContext): PageLinks {
  return createPageLinks(context.request.baseUrl, STYLESHEET_PATH);
}

/**
 * A page's answer; Last-Modified is the newest of `changedAt` (ingest times of what it shows) and of the
 * latest retraction (every page lists stories or versions, which a retraction can shorten).
 */
async function pageRepresentation(
  context: RouteContext,
  body: string,
  changedAt: string[],
): Promise<Representation> {
  const lastModified = newest([...changedAt, ...(await lastRetraction(context))], context.now);
  return { contentType: HTML_TYPE, body, cacheControl: PAGE_CACHE, lastModified, headers: PAGE_HEADERS };
}

async function serveHomePage(context: RouteContext): Promise<Representation> {
  const paging = readPaging(context, '/', 'pages/home');
  const page = await context.deps.reader.listLatestVersions(paging.page);
  const body = renderHomePage({
    links: pageLinksOf(context),
    stories: page.items.map(({ storyId, version, publishedAt, document }) => ({
      storyId,
      version,
      publishedAt,
      title: document.title,
      firstParagraph: document.paragraphs[0]?.text ?? '',
    })),
    nextUrl: paging.nextUrl(page.cursor),
  });
  return pageRepresentation(
    context,
    body,
    page.items.map((version) => version.ingestedAt),
  );
}

async function serveStoryPage(context: RouteContext): Promise<Representation> {
  const storyId = parseStoryId(context.params.storyId ?? '');
  const { reader } = context.deps;
  const [recent, versions] = await Promise.all([
    reader.listVersions(storyId, { limit: CHART_VERSIONS }),
    reader.listVersionLabels(storyId),
  ]);
  const head = recent.items[0];
  if (!head) throw await missingStoryError(reader, storyId);
  const body = renderStoryPage({
    links: pageLinksOf(context),
    head: head.document,
    versions,
    chart: [...recent.items].reverse().map(({ version, document }) => ({
      version,
      words: document.metrics.words,
      citations: document.metrics.citationCount,
      uncitedParagraphs: document.metrics.uncitedParagraphs,
    })),
  });
  return pageRepresentation(
    context,
    body,
    recent.items.map((version) => version.ingestedAt),
  );
}

async function serveVersionPage(context: RouteContext): Promise<Representation> {
  const storyId = parseStoryId(context.params.storyId ?? '');
  const label = parseVersionParam(context.params.version ?? '');
  const [version, versions] = await Promise.all([
    readStoryVersion(context.deps.reader, storyId, label),
    context.deps.reader.listVersionLabels(storyId),
  ]);
  const body = renderVersionPage({ links: pageLinksOf(context), document: version.document, versions });
  return pageRepresentation(context, body, [version.ingestedAt]);
}

async function serveChangesPage(context: RouteContext): Promise<Representation> {
  const storyId = parseStoryId(context.params.storyId ?? '');
  const { reader } = context.deps;
  const [{ older, newer }, versions] = await Promise.all([
    resolveDiffPair(reader, storyId, context.request.query),
    reader.listVersionLabels(storyId),
  ]);
  const body = renderChangesPage({
    links: pageLinksOf(context),
    storyId,
    title: newer.document.title,
    diff: diffVersions(older.document, newer.document),
    versions,
  });
  return pageRepresentation(context, body, [older.ingestedAt, newer.ingestedAt]);
}

async function serveCitedPage(context: RouteContext): Promise<Representation> {
  const citationId = parseCitationId(context.params.citationId ?? '');
  const paging = readPaging(context, `/cited/${citationId}`, `pages/cited/${citationId}`);
  const page = await context.deps.reader.listSourceCitations(citationId, paging.page);
  if (page.items.length === 0 && paging.page.cursor === undefined) {
    throw notFound(`no story cites the source ${citationId}`);
  }
  const body = renderCitedPage({
    links: pageLinksOf(context),
    citationId,
    items: page.items,
    nextUrl: paging.nextUrl(page.cursor),
  });
  return pageRepresentation(
    context,
    body,
    page.items.map((item) => item.ingestedAt),
  );
}

async function serveAsset(context: RouteContext): Promise<Representation> {
  if (context.params.file !== STYLESHEET_FILE) throw notFound('no such asset');
  return {
    contentType: 'text/css; charset=utf-8',
    body: STYLESHEET_CSS,
    cacheControl: 'public, max-age=31536000, immutable',
    // The URL names the content: it never changes, so it is as old as can be.
    lastModified: new Date(0),
  };
}

/** The pages for people of SPEC §5 and their stylesheet; failures on a page answer as HTML pages. */
export const PAGE_ROUTES: readonly Route[] = [
  { pattern: '/', serve: serveHomePage, page: true },
  { pattern: '/read/{storyId}', serve: serveStoryPage, page: true },
  { pattern: '/read/{storyId}/changes', serve: serveChangesPage, page: true },
  { pattern: '/read/{storyId}/{version}', serve: serveVersionPage, page: true },
  { pattern: '/cited/{citationId}', serve: serveCitedPage, page: true },
  { pattern: '/assets/{file}', serve: serveAsset },
];
