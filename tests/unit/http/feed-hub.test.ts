import { describe, expect, it } from 'vitest';
import { bodyJson, bodyText, createClient, seedCorpus } from './http-harness.ts';
import { MemoryStoryReader } from './memory-reader.ts';

const HUB = 'https://hub.example.net/';

function clientWith(websubHub?: string) {
  const reader = new MemoryStoryReader();
  seedCorpus(reader);
  return createClient(reader, websubHub === undefined ? {} : { websubHub });
}

describe('feeds served with a WebSub hub configured (WEBSUB_HUB)', () => {
  it('link the hub from every feed format', async () => {
    const client = clientWith(HUB);
    const json = bodyJson<{ hubs?: unknown }>(await client.request('/feeds/latest.json'));
    expect(json.hubs).toEqual([{ type: 'WebSub', url: HUB }]);
    expect(bodyText(await client.request('/feeds/latest.atom'))).toContain(`<link rel="hub" href="${HUB}"/>`);
    expect(bodyText(await client.request('/feeds/latest.rss'))).toContain(
      `<atom:link rel="hub" href="${HUB}"/>`,
    );
  });

  it('link no hub without one', async () => {
    const client = clientWith();
    expect(bodyText(await client.request('/feeds/latest.atom'))).not.toContain('rel="hub"');
  });
});
