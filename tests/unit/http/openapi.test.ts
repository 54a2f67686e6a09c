import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument, listOpenApiPaths } from '../../../functions/http/openapi.ts';
import { ALL_ROUTES } from '../../../functions/http/route-table.ts';
import { STYLESHEET_PATH } from '../../../functions/pages/stylesheet.ts';
import { BASE_URL, bodyJson, bodyText, createClient, seedCorpus } from './http-harness.ts';
import { MemoryStoryReader } from './memory-reader.ts';
import { createValidator, type OpenApiDocument } from './openapi-validator.ts';

function seededClient() {
  const reader = new MemoryStoryReader();
  seedCorpus(reader);
  return createClient(reader);
}

describe('OpenAPI document', () => {
  it('is OpenAPI 3.1 with this server and a path for every route and feed format', async () => {
    const document = await seededClient().getJson<OpenApiDocument>('/openapi.json');
    expect(document.openapi).toBe('3.1.0');
    expect(document.servers).toEqual([{ url: BASE_URL }]);
    const expected = ALL_ROUTES.flatMap((route) =>
      route.pattern.includes('{format}')
        ? ['json', 'atom', 'rss'].map((format) => route.pattern.replace('{format}', format))
        : [route.pattern],
    );
    expect(Object.keys(document.paths).sort()).toEqual(expected.sort());
    expect(listOpenApiPaths().sort()).toEqual(expected.sort());
    for (const path of Object.values(document.paths)) {
      expect(Object.keys(path)).toEqual(expect.arrayContaining(['get', 'head']));
    }
  });

  it('describes real 200 responses of every route', async () => {
    const client = seededClient();
    const validate = createValidator(buildOpenApiDocument(BASE_URL) as unknown as OpenApiDocument);
    const samples: Array<[string, string]> = [
      ['/feeds/latest.json', '/feeds/latest.json?limit=1'],
      ['/feeds/latest.atom', '/feeds/latest.atom'],
      ['/feeds/latest.rss', '/feeds/latest.rss'],
      ['/stories/{storyId}/feed.json', '/stories/alpha/feed.json'],
      ['/stories/{storyId}/feed.atom', '/stories/alpha/feed.atom'],
      ['/stories/{storyId}/feed.rss', '/stories/alpha/feed.rss'],
      ['/sources/{citationId}/feed.json', '/sources/25773905/feed.json'],
      ['/sources/{citationId}/feed.atom', '/sources/25773905/feed.atom'],
      ['/sources/{citationId}/feed.rss', '/sources/25773905/feed.rss'],
      ['/stories', '/stories?limit=1'],
      ['/stories', '/stories'],
      ['/stories/{storyId}', '/stories/alpha'],
      ['/stories/{storyId}/versions/{version}', '/stories/alpha/versions/v0.11'],
      ['/stories/{storyId}/versions/{version}/raw', '/stories/alpha/versions/v0.9/raw'],
      ['/stories/{storyId}/diff', '/stories/alpha/diff?from=v0.9&to=v0.12'],
      ['/stories/{storyId}/diff', '/stories/alpha/diff?from=v0.12&to=v0.9'],
      ['/sources/{citationId}', '/sources/25773905?limit=2'],
      ['/ingest/errors', '/ingest/errors'],
      ['/health', '/health'],
      ['/openapi.json', '/openapi.json'],
      ['/', '/'],
      ['/', '/?limit=1'],
      ['/read/{storyId}', '/read/alpha'],
      ['/read/{storyId}/{version}', '/read/alpha/v0.9'],
      ['/read/{storyId}/changes', '/read/alpha/changes'],
      ['/read/{storyId}/changes', '/read/alpha/changes?from=v0.9&to=v0.12'],
      ['/cited/{citationId}', '/cited/25773905'],
      ['/assets/{file}', STYLESHEET_PATH],
    ];
    for (const [pathKey, target] of samples) {
      const response = await client.request(target);
      expect(response.status, target).toBe(200);
      expect(validate(pathKey, '200', response)).toEqual([]);
    }
  });

  it('describes real error responses', async () => {
    const client = seededClient();
    const validate = createValidator(buildOpenApiDocument() as unknown as OpenApiDocument);
    expect(validate('/stories/{storyId}', '404', await client.request('/stories/nobody'))).toEqual([]);
    expect(validate('/stories/{storyId}', '400', await client.request('/stories/..'))).toEqual([]);
    expect(validate('/stories', '400', await client.request('/stories?cursor=forged'))).toEqual([]);
    expect(validate('/sources/{citationId}', '404', await client.request('/sources/deadbeef'))).toEqual([]);
    expect(validate('/read/{storyId}', '404', await client.request('/read/nobody'))).toEqual([]);
    expect(validate('/read/{storyId}/changes', '400', await client.request('/read/beta/changes'))).toEqual(
      [],
    );
    expect(validate('/cited/{citationId}', '404', await client.request('/cited/deadbeef'))).toEqual([]);
    expect(bodyJson(await client.request('/sources/deadbeef'))).toMatchObject({
      error: { code: 'not_found' },
    });
  });

  it('rejects a response that breaks the schema', async () => {
    const client = seededClient();
    const validate = createValidator(buildOpenApiDocument() as unknown as OpenApiDocument);
    const real = await client.request('/stories/alpha');
    const broken = JSON.parse(bodyText(real));
    delete broken.versions;
    expect(validate('/stories/{storyId}', '200', { ...real, body: JSON.stringify(broken) })).toEqual([
      "/stories/{storyId} 200:  must have required property 'versions'",
    ]);
  });
});
