import { QUALIFIERS } from '../story/types.ts';

/** A JSON Schema 2020-12 object or an OpenAPI fragment: plain JSON. */
type Json = { [key: string]: unknown };

const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });
const nullable = (schema: Json): Json => ({ anyOf: [schema, { type: 'null' }] });
const integer = (minimum = 0): Json => ({ type: 'integer', minimum });
const dateTime: Json = { type: 'string', format: 'date-time' };
const citationId: Json = { type: 'string', pattern: '^[0-9a-f]{8,64}$' };
const versionLabel: Json = { type: 'string', pattern: '^v\\d+\\.\\d+(?:\\.\\d+)?$' };

function object(properties: Record<string, Json>, description?: string): Json {
  return {
    type: 'object',
    ...(description ? { description } : {}),
    required: Object.keys(properties),
    properties,
  };
}

function listOf(item: string, description: string): Json {
  return object(
    {
      items: { type: 'array', items: ref(item) },
      next: { ...nullable({ type: 'string', format: 'uri' }), description: 'Absolute URL of the next page.' },
    },
    description,
  );
}

const METRIC_NAMES = [
  'words',
  'sentences',
  'paragraphs',
  'characters',
  'readingMinutes',
  'citationCount',
  'uniqueSources',
  'uncitedParagraphs',
  'citationsPer100Words',
] as const;

const SCHEMAS: Record<string, Json> = {
  Paragraph: object({
    index: integer(),
    text: { type: 'string' },
    citations: { type: 'array', items: citationId },
  }),
  CitationUse: object({
    id: citationId,
    count: integer(1),
    paragraphs: { type: 'array', items: integer() },
  }),
  Figure: object({
    text: { type: 'string' },
    value: { type: 'number' },
    kind: { enum: ['currency', 'percent', 'count', 'year', 'duration'] },
    unit: { type: 'string' },
    qualifier: { enum: [...QUALIFIERS, null] },
    paragraph: integer(),
    citations: { type: 'array', items: citationId },
  }),
  StoryMetrics: object({
    ...Object.fromEntries(METRIC_NAMES.map((name) => [name, integer()])),
    citationsPer100Words: { type: 'number', minimum: 0 },
  }),
  StoryDocument: object(
    {
      storyId: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$' },
      version: versionLabel,
      marker: nullable({ type: 'string' }),
      title: { type: 'string' },
      publishedAt: dateTime,
      paragraphs: { type: 'array', items: ref('Paragraph') },
      disclaimer: nullable({ type: 'string' }),
      citations: { type: 'array', items: ref('CitationUse') },
      figures: { type: 'array', items: ref('Figure') },
      metrics: ref('StoryMetrics'),
      contentHash: { type: 'string', pattern: '^sha256:[0-9a-f]{64}$' },
    },
    'Everything extracted from one story file version (SPEC §2). More fields may be added.',
  ),
  Story: {
    description: 'The latest version document plus every version label, highest first.',
    allOf: [ref('StoryDocument'), object({ versions: { type: 'array', items: versionLabel, minItems: 1 } })],
  },
  StoryListItem: object({
    storyId: { type: 'string' },
    title: { type: 'string' },
    version: versionLabel,
    updatedAt: dateTime,
  }),
  StoryList: listOf('StoryListItem', 'Stories, newest updatedAt first, ties by story id.'),
  SourceCitation: object({
    storyId: { type: 'string' },
    version: versionLabel,
    title: { type: 'string' },
    publishedAt: dateTime,
    paragraphs: { type: 'array', items: ref('Paragraph'), minItems: 1 },
  }),
  SourceCitationList: listOf('SourceCitation', 'Every story version that cites the source, newest first.'),
  IngestError: object({
    key: { type: 'string', description: 'The bucket key of the rejected upload.' },
    code: { type: 'string' },
    message: { type: 'string' },
    at: dateTime,
  }),
  IngestErrorList: listOf('IngestError', 'Rejected uploads, newest first.'),
  IngestWarning: object({
    code: { enum: ['timestamp_not_later', 'same_text'] },
    message: { type: 'string' },
  }),
  IngestStatus: object(
    {
      key: { type: 'string', description: 'The bucket key.' },
      etag: {
        ...nullable({ type: 'string' }),
        description:
          'The S3 ETag of the object version processed, quoted as S3 APIs show it (`"…"`, as PutObject answers); null for a delete.',
      },
      outcome: { enum: ['stored', 'duplicate', 'stale', 'rejected', 'retracted'] },
      storyId: nullable({ type: 'string' }),
      version: nullable(versionLabel),
      code: { ...nullable({ type: 'string' }), description: 'For `rejected`: the error code.' },
      message: nullable({ type: 'string' }),
      warnings: { type: 'array', items: ref('IngestWarning') },
      at: dateTime,
    },
    'What became of the latest upload (or delete) of a bucket key that the pipeline finished with.',
  ),
  ParagraphText: object({ index: integer(), text: { type: 'string' } }),
  WordChange: object({ op: { enum: ['equal', 'added', 'removed'] }, text: { type: 'string' } }),
  ChangedParagraph: object({
    fromIndex: integer(),
    toIndex: integer(),
    from: { type: 'string' },
    to: { type: 'string' },
    words: { type: 'array', items: ref('WordChange') },
  }),
  FigureChange: object({ from: ref('Figure'), to: ref('Figure') }),
  MetricDelta: object({ from: { type: 'number' }, to: { type: 'number' }, delta: { type: 'number' } }),
  VersionDiff: object(
    {
      from: versionLabel,
      to: versionLabel,
      paragraphs: object({
        added: { type: 'array', items: ref('ParagraphText') },
        removed: { type: 'array', items: ref('ParagraphText') },
        changed: { type: 'array', items: ref('ChangedParagraph') },
      }),
      citations: object({
        added: { type: 'array', items: citationId },
        removed: { type: 'array', items: citationId },
      }),
      figures: object({
        added: { type: 'array', items: ref('Figure') },
        removed: { type: 'array', items: ref('Figure') },
        changed: { type: 'array', items: ref('FigureChange') },
      }),
      metrics: object(Object.fromEntries(METRIC_NAMES.map((name) => [name, ref('MetricDelta')]))),
    },
    'What changed from one version to another.',
  ),
  JsonFeed: object(
    {
      version: { const: 'https://jsonfeed.org/version/1.1' },
      title: { type: 'string' },
      items: {
        type: 'array',
        items: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } },
      },
    },
    'A JSON Feed 1.1 document (https://www.jsonfeed.org/version/1.1/).',
  ),
  Health: object({ ok: { const: true } }),
  Error: object({
    error: object({
      code: {
        type: 'string',
        enum: [
          'bad_parameter',
          'forbidden',
          'not_found',
          'unknown_key',
          'retracted',
          'method_not_allowed',
          'internal',
          'archive_corrupt',
        ],
      },
      message: { type: 'string' },
    }),
  }),
};

const PARAMETERS: Record<string, Json> = {
  storyId: {
    name: 'storyId',
    in: 'path',
    required: true,
    schema: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$' },
  },
  version: {
    name: 'version',
    in: 'path',
    required: true,
    description: 'A version label; v0.12 and v0.12.0 name the same version.',
    schema: { type: 'string', pattern: '^[vV]\\d{1,60}\\.\\d{1,60}(?:\\.\\d{1,60})?$' },
  },
  citationId: {
    name: 'citationId',
    in: 'path',
    required: true,
    description: 'A source id: 8 to 64 hex digits (compared in lower case).',
    schema: { type: 'string', pattern: '^[0-9a-fA-F]{8,64}$' },
  },
  limit: {
    name: 'limit',
    in: 'query',
    description: 'Page size.',
    schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
  },
  cursor: {
    name: 'cursor',
    in: 'query',
    description: 'Opaque; copy it from `next` of the previous page. Bound to the route that issued it.',
    schema: { type: 'string' },
  },
  from: {
    name: 'from',
    in: 'query',
    schema: { type: 'string' },
    description:
      'Version label; defaults to the version just below `to`. Without it, a `to` that is the first version is a 400.',
  },
  file: {
    name: 'file',
    in: 'path',
    required: true,
    description: 'The stylesheet file named by the pages (`style.<content hash>.css`).',
    schema: { type: 'string' },
  },
  to: {
    name: 'to',
    in: 'query',
    schema: { type: 'string' },
    description: 'Version label; defaults to the head version.',
  },
  key: {
    name: 'key',
    in: 'query',
    required: true,
    schema: { type: 'string', minLength: 1 },
    description: 'A bucket key, as uploaded (not URL-encoded beyond the query string itself).',
  },
};

const CACHE_HEADERS: Json = {
  ETag: { description: 'Strong entity tag of this representation.', schema: { type: 'string' } },
  'Last-Modified': { schema: { type: 'string' } },
  'Cache-Control': { schema: { type: 'string' } },
};

const errorResponse = (description: string, page = false): Json => ({
  description,
  content: page
    ? { 'text/html': { schema: { type: 'string' } } }
    : { 'application/json': { schema: ref('Error') } },
});

interface Operation {
  path: string;
  operationId: string;
  summary: string;
  parameters: string[];
  contentType: string;
  schema: Json;
  notFound?: boolean;
  /** What a 404 means here, when not a missing story, version or source. */
  notFoundDescription?: string;
  /** A page for people (SPEC §5): its errors are HTML pages. */
  page?: boolean;
  /** Answers 410 `retracted` for a retracted story or version (SPEC §6). */
  retractable?: boolean;
  tags: string[];
}

const FEED_TYPES = [
  { extension: 'json', name: 'Json', contentType: 'application/feed+json', schema: ref('JsonFeed') },
  { extension: 'atom', name: 'Atom', contentType: 'application/atom+xml', schema: { type: 'string' } },
  { extension: 'rss', name: 'Rss', contentType: 'application/rss+xml', schema: { type: 'string' } },
];

function listOperations(): Operation[] {
  const paged = ['limit', 'cursor'];
  const feeds = FEED_TYPES.flatMap((feed): Operation[] => [
    {
      path: `/feeds/latest.${feed.extension}`,
      operationId: `getLatestFeed${feed.name}`,
      summary: 'One entry per story at its latest version, newest updatedAt first.',
      parameters: paged,
      contentType: feed.contentType,
      schema: feed.schema,
      tags: ['feeds'],
    },
    {
      path: `/stories/{storyId}/feed.${feed.extension}`,
      operationId: `getStoryFeed${feed.name}`,
      summary: 'One entry per version of the story, highest version first.',
      parameters: ['storyId', ...paged],
      contentType: feed.contentType,
      schema: feed.schema,
      notFound: true,
      retractable: true,
      tags: ['feeds'],
    },
    {
      path: `/sources/{citationId}/feed.${feed.extension}`,
      operationId: `getSourceFeed${feed.name}`,
      summary: 'The stories whose latest version cites the source.',
      parameters: ['citationId', ...paged],
      contentType: feed.contentType,
      schema: feed.schema,
      notFound: true,
      tags: ['feeds'],
    },
  ]);
  const json = 'application/json';
  return [
    ...feeds,
    {
      path: '/stories',
      operationId: 'listStories',
      summary: 'Stories with their latest version, paged.',
      parameters: paged,
      contentType: json,
      schema: ref('StoryList'),
      tags: ['stories'],
    },
    {
      path: '/stories/{storyId}',
      operationId: 'getStory',
      summary: 'The latest version document plus all version labels.',
      parameters: ['storyId'],
      contentType: json,
      schema: ref('Story'),
      notFound: true,
      retractable: true,
      tags: ['stories'],
    },
    {
      path: '/stories/{storyId}/versions/{version}',
      operationId: 'getStoryVersion',
      summary: "One version's document.",
      parameters: ['storyId', 'version'],
      contentType: json,
      schema: ref('StoryDocument'),
      notFound: true,
      retractable: true,
      tags: ['stories'],
    },
    {
      path: '/stories/{storyId}/versions/{version}/raw',
      operationId: 'getStoryVersionText',
      summary: 'The original file text of one version.',
      parameters: ['storyId', 'version'],
      contentType: 'text/plain',
      schema: { type: 'string' },
      notFound: true,
      retractable: true,
      tags: ['stories'],
    },
    {
      path: '/stories/{storyId}/diff',
      operationId: 'diffStoryVersions',
      summary: 'What changed between two versions of a story.',
      parameters: ['storyId', 'from', 'to'],
      contentType: json,
      schema: ref('VersionDiff'),
      notFound: true,
      retractable: true,
      tags: ['stories'],
    },
    {
      path: '/sources/{citationId}',
      operationId: 'listSourceCitations',
      summary: 'Every story version that cites the source, with the paragraphs that do.',
      parameters: ['citationId', ...paged],
      contentType: json,
      schema: ref('SourceCitationList'),
      notFound: true,
      tags: ['sources'],
    },
    {
      path: '/ingest/errors',
      operationId: 'listIngestErrors',
      summary: 'Rejected uploads, newest first.',
      parameters: paged,
      contentType: json,
      schema: ref('IngestErrorList'),
      tags: ['ingest'],
    },
    {
      path: '/ingest/status',
      operationId: 'getIngestStatus',
      summary: 'What became of the latest upload of a bucket key.',
      parameters: ['key'],
      contentType: json,
      schema: ref('IngestStatus'),
      notFound: true,
      notFoundDescription: '`unknown_key`: the pipeline has not finished with any upload of this key.',
      tags: ['ingest'],
    },
    {
      path: '/health',
      operationId: 'getHealth',
      summary: 'Liveness.',
      parameters: [],
      contentType: json,
      schema: ref('Health'),
      tags: ['meta'],
    },
    {
      path: '/openapi.json',
      operationId: 'getOpenApi',
      summary: 'This document.',
      parameters: [],
      contentType: json,
      schema: { type: 'object' },
      tags: ['meta'],
    },
    ...listPageOperations(),
  ];
}

/** The pages for people of SPEC §5 (HTML, errors as HTML pages too) and their stylesheet. */
function listPageOperations(): Operation[] {
  const html = 'text/html';
  const page = { contentType: html, schema: { type: 'string' }, page: true, tags: ['pages'] };
  return [
    {
      path: '/',
      operationId: 'readLatestStories',
      summary:
        'Page: the latest stories (title, version, time, first paragraph), paged, with the latest feeds.',
      parameters: ['limit', 'cursor'],
      ...page,
    },
    {
      path: '/read/{storyId}',
      operationId: 'readStory',
      summary: "Page: the story's head version with its figures, metrics, version history and a chart.",
      parameters: ['storyId'],
      notFound: true,
      retractable: true,
      ...page,
    },
    {
      path: '/read/{storyId}/{version}',
      operationId: 'readStoryVersion',
      summary: 'Page: one version, with links to its raw text and to the changes from the version before.',
      parameters: ['storyId', 'version'],
      notFound: true,
      retractable: true,
      ...page,
    },
    {
      path: '/read/{storyId}/changes',
      operationId: 'readStoryChanges',
      summary: 'Page: the changes between two versions (defaults as for /diff).',
      parameters: ['storyId', 'from', 'to'],
      notFound: true,
      retractable: true,
      ...page,
    },
    {
      path: '/cited/{citationId}',
      operationId: 'readSourceCitations',
      summary: 'Page: the story versions that cite the source, with the citing paragraphs.',
      parameters: ['citationId', 'limit', 'cursor'],
      notFound: true,
      ...page,
    },
    {
      path: '/assets/{file}',
      operationId: 'getStylesheet',
      summary: "The pages' stylesheet; its name holds its content hash, so it is cached for a year.",
      parameters: ['file'],
      contentType: 'text/css',
      schema: { type: 'string' },
      notFound: true,
      tags: ['pages'],
    },
  ];
}

function describePath(operation: Operation): Json {
  const parameters = operation.parameters.map((name) => ({ $ref: `#/components/parameters/${name}` }));
  const failures: Json = {
    '304': { description: 'Not modified (If-None-Match or If-Modified-Since).', headers: CACHE_HEADERS },
    ...(parameters.length > 0
      ? { '400': errorResponse('A parameter or the cursor is invalid.', operation.page) }
      : {}),
    ...(operation.notFound
      ? {
          '404': errorResponse(
            operation.notFoundDescription ?? 'No such story, version or source.',
            operation.page,
          ),
        }
      : {}),
    ...(operation.retractable
      ? {
          '410': errorResponse(
            '`retracted`: the story or version was retracted (its file was deleted).',
            operation.page,
          ),
        }
      : {}),
    '500': errorResponse('Unexpected failure; no details are given.', operation.page),
  };
  const get = {
    operationId: operation.operationId,
    summary: operation.summary,
    tags: operation.tags,
    responses: {
      '200': {
        description: 'OK',
        headers: CACHE_HEADERS,
        content: { [operation.contentType]: { schema: operation.schema } },
      },
      ...failures,
    },
  };
  const head = {
    operationId: `${operation.operationId}Head`,
    summary: `Headers of GET ${operation.path}, without the body.`,
    tags: operation.tags,
    responses: { '200': { description: 'OK', headers: CACHE_HEADERS }, ...failures },
  };
  return {
    ...(parameters.length > 0 ? { parameters } : {}),
    get,
    head,
  };
}

/** The paths the OpenAPI document describes, in SPEC order (each answers GET and HEAD). */
export function listOpenApiPaths(): string[] {
  return listOperations().map((operation) => operation.path);
}

/** Builds the OpenAPI 3.1 document of every route of SPEC §3 and §5; `serverUrl` becomes its only server. */
export function buildOpenApiDocument(serverUrl?: string): Json {
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://spec.openapis.org/oas/3.1/dialect/base',
    info: {
      title: 'storyfeed',
      version: '0.1.0',
      description:
        'Feeds and a JSON API over versioned story files. Every GET has a strong ETag and Last-Modified; ' +
        'HEAD works wherever GET does; lists and feeds page with `limit` and an opaque `cursor`.',
    },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
    paths: Object.fromEntries(listOperations().map((operation) => [operation.path, describePath(operation)])),
    components: { schemas: SCHEMAS, parameters: PARAMETERS },
  };
}
