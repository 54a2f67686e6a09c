import { describe, expect, it } from 'vitest';
import { cacheStoryReader } from '../../../functions/store/cached-reader.ts';
import { buildStoryDocument } from '../../builders/story-document.ts';
import { MemoryStoryReader } from '../http/memory-reader.ts';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('cacheStoryReader', () => {
  it('answers from memory within its lifetime and shows a new version after it', async () => {
    const reader = new MemoryStoryReader();
    reader.addVersion(buildStoryDocument({ storyId: 'cached', version: 'v0.1' }));
    const cached = cacheStoryReader(reader, 50);

    expect((await cached.getHead('cached'))?.version).toBe('v0.1');
    reader.addVersion(buildStoryDocument({ storyId: 'cached', version: 'v0.2' }));
    expect((await cached.getHead('cached'))?.version).toBe('v0.1');
    await pause(60);
    expect((await cached.getHead('cached'))?.version).toBe('v0.2');
  });

  it('does not keep a failed read', async () => {
    const reader = new MemoryStoryReader();
    let failures = 1;
    const flaky = Object.assign(Object.create(reader) as MemoryStoryReader, {
      getHead: async (storyId: string) => {
        if (failures-- > 0) throw new Error('throttled');
        return reader.getHead(storyId);
      },
    });
    reader.addVersion(buildStoryDocument({ storyId: 'flaky', version: 'v1.0' }));
    const cached = cacheStoryReader(flaky, 10_000);

    await expect(cached.getHead('flaky')).rejects.toThrow('throttled');
    await pause(0);
    expect((await cached.getHead('flaky'))?.version).toBe('v1.0');
  });

  it('keys entries by arguments', async () => {
    const reader = new MemoryStoryReader();
    reader.addVersion(buildStoryDocument({ storyId: 'one', title: 'One' }));
    reader.addVersion(buildStoryDocument({ storyId: 'two', title: 'Two' }));
    const cached = cacheStoryReader(reader, 10_000);

    expect((await cached.getHead('one'))?.title).toBe('One');
    expect((await cached.getHead('two'))?.title).toBe('Two');
  });
});
