import { describe, expect, it } from 'vitest';
import { cacheStoryReader } from '../../../functions/store/cached-reader.ts';
import { FreshnessGate } from '../../../functions/store/freshness-gate.ts';
import { buildStoryDocument } from '../../builders/story-document.ts';
import { MemoryStoryReader } from '../http/memory-reader.ts';

/** A gate over a marker the test bumps, with a clock the test moves. */
function manualGate() {
  const state = { marker: '1', now: 0, reads: 0 };
  const gate = new FreshnessGate(
    async () => {
      state.reads += 1;
      return state.marker;
    },
    { clock: () => state.now },
  );
  return { gate, state };
}

describe('cacheStoryReader', () => {
  it('answers from memory until the change marker moves, then reads again', async () => {
    const reader = new MemoryStoryReader();
    reader.addVersion(buildStoryDocument({ storyId: 'cached', version: 'v0.1' }));
    const { gate, state } = manualGate();
    const cached = cacheStoryReader(reader, gate);

    expect((await cached.getHead('cached'))?.version).toBe('v0.1');
    reader.addVersion(buildStoryDocument({ storyId: 'cached', version: 'v0.2' }));
    state.now += 100;
    expect((await cached.getHead('cached'))?.version).toBe('v0.1');
    state.marker = '2';
    state.now += 1000;
    expect((await cached.getHead('cached'))?.version).toBe('v0.2');
  });

  it('reads the marker, not the entries, while nothing changes', async () => {
    const reader = new MemoryStoryReader();
    reader.addVersion(buildStoryDocument({ storyId: 'still', version: 'v1.0' }));
    let heads = 0;
    const counting = Object.assign(Object.create(reader) as MemoryStoryReader, {
      getHead: async (storyId: string) => {
        heads += 1;
        return reader.getHead(storyId);
      },
    });
    const { gate, state } = manualGate();
    const cached = cacheStoryReader(counting, gate);
    for (let step = 0; step < 10; step += 1) {
      state.now += 600;
      expect((await cached.getHead('still'))?.version).toBe('v1.0');
    }
    expect(heads).toBe(1);
    expect(state.reads).toBeGreaterThan(1);
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
    const cached = cacheStoryReader(flaky, manualGate().gate);

    await expect(cached.getHead('flaky')).rejects.toThrow('throttled');
    expect((await cached.getHead('flaky'))?.version).toBe('v1.0');
  });

  it('keys entries by arguments', async () => {
    const reader = new MemoryStoryReader();
    reader.addVersion(buildStoryDocument({ storyId: 'one', title: 'One' }));
    reader.addVersion(buildStoryDocument({ storyId: 'two', title: 'Two' }));
    const cached = cacheStoryReader(reader, manualGate().gate);

    expect((await cached.getHead('one'))?.title).toBe('One');
    expect((await cached.getHead('two'))?.title).toBe('Two');
  });
});
