import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { handleHttpRequest } from '../../../functions/http/handle-http-request.ts';
import type { ApiDeps, HttpResponse } from '../../../functions/http/types.ts';
import { buildFigure, buildParagraph, buildStoryDocument } from '../../builders/story-document.ts';
import { MemoryStoryReader } from './memory-reader.ts';

export const BASE_URL = 'https://api.example.test/prod';
export const CURSOR_SECRET = 'unit-test-cursor-secret';
/** "Now" of every test: later than every fixture timestamp. */
export const NOW = new Date('2025-01-01T00:00:00.000Z');

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
}

/** A client of the HTTP layer: takes a path with an optional query string, or an absolute URL under BASE_URL. */
export interface TestClient {
  reader: MemoryStoryReader;
  errors: unknown[];
  request(target: string, options?: RequestOptions): Promise<HttpResponse>;
  /** GETs and parses a JSON body, failing loudly when the status is not 200. */
  getJson<T = unknown>(target: string, options?: RequestOptions): Promise<T>;
}

/** Splits `/a/b?x=1` (or `${BASE_URL}/a/b?x=1`) into the raw path and the decoded query. */
export function splitTarget(target: string): { path: string; query: Record<string, string> } {
  const relative = target.startsWith(BASE_URL) ? target.slice(BASE_URL.length) : target;
  const mark = relative.indexOf('?');
  const path = mark === -1 ? relative : relative.slice(0, mark);
  const query: Record<string, string> = {};
  if (mark !== -1) {
    for (const [name, value] of new URLSearchParams(relative.slice(mark + 1))) {
      query[name] = query[name] === undefined ? value : `${query[name]},${value}`;
    }
  }
  return { path, query };
}

/** A client over a fresh in-memory reader (or the one given). */
export function createClient(reader = new MemoryStoryReader(), overrides: Partial<ApiDeps> = {}): TestClient {
  const errors: unknown[] = [];
  const deps: ApiDeps = {
    reader,
    cursorSecret: CURSOR_SECRET,
    now: () => NOW,
    log: (error) => errors.push(error),
    ...overrides,
  };
  const request = (target: string, options: RequestOptions = {}): Promise<HttpResponse> =>
    handleHttpRequest(
      {
        method: options.method ?? 'GET',
        ...splitTarget(target),
        headers: options.headers ?? {},
        baseUrl: BASE_URL,
      },
      deps,
    );
  return {
    reader,
    errors,
    request,
    async getJson<T>(target: string, options?: RequestOptions): Promise<T> {
      const response = await request(target, options);
      if (response.status !== 200)
        throw new Error(`GET ${target} → ${response.status}: ${bodyText(response)}`);
      return JSON.parse(bodyText(response)) as T;
    },
  };
}

/** The body as text, decompressed per Content-Encoding. */
export function bodyText(response: HttpResponse): string {
  const { body } = response;
  if (typeof body === 'string') return body;
  const coding = response.headers['content-encoding'];
  const bytes = coding === 'gzip' ? gunzipSync(body) : coding === 'br' ? brotliDecompressSync(body) : body;
  return Buffer.from(bytes).toString('utf8');
}

/** The JSON body of a response. */
export function bodyJson<T = unknown>(response: HttpResponse): T {
  return JSON.parse(bodyText(response)) as T;
}

/** An ISO timestamp `minutes` after 2024-07-01T00:00:00Z. */
export function minutesAfterStart(minutes: number): string {
  return new Date(Date.parse('2024-07-01T00:00:00.000Z') + minutes * 60_000).toISOString();
}

/**
 * A small corpus: story `alpha` with v0.9, v0.11 and v0.12 (v0.12 edits a paragraph and adds source
 * 934f7ccc), story `beta` citing 25773905 in its only version, and one ingest error.
 */
export function seedCorpus(reader: MemoryStoryReader): void {
  const first = [
    buildParagraph('Shenzhen invested 80.3 billion yuan in research.', ['25773905']),
    buildParagraph('Over 80 companies moved to Xuhui in 2023.', []),
  ];
  const yuan = (value: number) =>
    buildFigure({ text: `${value} billion yuan`, value: value * 1e9, paragraph: 0 });
  reader.addVersion(
    buildStoryDocument({
      storyId: 'alpha',
      version: 'v0.9',
      title: 'Alpha early',
      publishedAt: minutesAfterStart(0),
      paragraphs: first,
      figures: [yuan(80.3)],
    }),
    {
      rawText:
        'v0.9\nAlpha early\n2024-07-01 00:00:00\n\nShenzhen invested 80.3 billion yuan in research. [25773905]\n',
    },
  );
  reader.addVersion(
    buildStoryDocument({
      storyId: 'alpha',
      version: 'v0.11',
      title: 'Alpha middle',
      publishedAt: minutesAfterStart(10),
      paragraphs: first,
    }),
  );
  reader.addVersion(
    buildStoryDocument({
      storyId: 'alpha',
      version: 'v0.12',
      title: 'Alpha latest',
      publishedAt: minutesAfterStart(20),
      paragraphs: [
        buildParagraph('Shenzhen invested 90 billion yuan in research and development.', [
          '25773905',
          '934f7ccc',
        ]),
        buildParagraph('Over 80 companies moved to Xuhui in 2023.', []),
        buildParagraph('A new paragraph about chips.', ['934f7ccc']),
      ],
      figures: [yuan(90)],
    }),
  );
  reader.addVersion(
    buildStoryDocument({
      storyId: 'beta',
      version: 'v1.0',
      title: 'Beta <only> & "version"',
      marker: null,
      publishedAt: minutesAfterStart(5),
      paragraphs: [buildParagraph('Beta cites the same source.', ['25773905'])],
    }),
  );
  reader.addIngestError({
    key: 'stories/broken.txt',
    code: 'missing_version',
    message: 'the first line is not a version',
    at: minutesAfterStart(30),
  });
}
