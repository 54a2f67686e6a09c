import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHttpApiEvent } from '../builders/api-gateway-events.ts';
import { buildUploadEvent } from '../builders/s3-events.ts';
import { buildStoryFile } from '../builders/story-file.ts';
import { startTestPipeline, type TestPipeline } from './pipeline.ts';

const BASE = 'https://api.example.test';

type Handler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

describe('paging through many stories', () => {
  let pipeline: TestPipeline;
  let handler: Handler;

  beforeAll(async () => {
    pipeline = await startTestPipeline();
    process.env.READ_CACHE_MS = '0';
    ({ handler } = await import('../../functions/serve-api.ts'));
  });
  afterAll(async () => {
    await pipeline.stop();
  });

  it('pages through 250 stories without a gap or a repeat', async () => {
    const keys = Array.from(
      { length: 250 },
      (_, index) => `stories/paged-${String(index).padStart(3, '0')}/v1.0.txt`,
    );
    for (const [index, key] of keys.entries()) {
      const minute = String(index % 60).padStart(2, '0');
      await pipeline.upload(
        key,
        buildStoryFile({ version: 'v1.0', timestamp: `2024-03-0${1 + (index % 5)} 10:${minute}:00` }),
      );
    }
    for (let start = 0; start < keys.length; start += 10) {
      const result = await pipeline.ingest(
        buildUploadEvent(...keys.slice(start, start + 10).map((key) => ({ key }))),
      );
      expect(result.batchItemFailures).toEqual([]);
    }

    const seen: string[] = [];
    const updatedAts: string[] = [];
    let next: string | null = '/stories?limit=7';
    while (next) {
      const target: string = next.startsWith(BASE) ? next.slice(BASE.length) : next;
      const result = await handler(buildHttpApiEvent(target));
      expect(result.statusCode).toBe(200);
      const page = JSON.parse(result.body ?? '') as {
        items: { storyId: string; updatedAt: string }[];
        next: string | null;
      };
      seen.push(...page.items.map((item) => item.storyId));
      updatedAts.push(...page.items.map((item) => item.updatedAt));
      next = page.next;
    }
    expect(seen).toHaveLength(250);
    expect(new Set(seen).size).toBe(250);
    const times = updatedAts.map((at) => Date.parse(at));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('gives a last page that ends exactly at the last item no next link, in lists and feeds', async () => {
    // 250 stories: pages of 50 end exactly at the last one (DynamoDB still returns a LastEvaluatedKey).
    const pages = async (first: string, nextOf: (body: string) => string | null | undefined) => {
      let next: string | null | undefined = first;
      let count = 0;
      let last = '';
      while (next) {
        const target: string = next.startsWith(BASE) ? next.slice(BASE.length) : next;
        const result = await handler(buildHttpApiEvent(target));
        expect(result.statusCode).toBe(200);
        last = result.body ?? '';
        next = nextOf(last);
        count += 1;
      }
      return { count, last };
    };
    const list = await pages(
      '/stories?limit=50',
      (body) => (JSON.parse(body) as { next: string | null }).next,
    );
    expect(list.count).toBe(5);
    expect((JSON.parse(list.last) as { items: unknown[] }).items).toHaveLength(50);
    const feed = await pages(
      '/feeds/latest.json?limit=50',
      (body) => (JSON.parse(body) as { next_url?: string }).next_url,
    );
    expect(feed.count).toBe(5);
    const atom = await pages('/feeds/latest.atom?limit=125', (body) =>
      /<link rel="next"[^>]*href="([^"]+)"/.exec(body)?.[1]?.replaceAll('&amp;', '&'),
    );
    expect(atom.count).toBe(2);
    expect(atom.last).not.toContain('rel="next"');
  });
});
