import type { StoryChange } from '../../functions/events/story-event.ts';

export const EVENT_BASE_URL = 'https://feeds.example.com';
export const HASH_A = `sha256:${'a'.repeat(64)}`;
export const HASH_B = `sha256:${'b'.repeat(64)}`;

/** A stored-version change of story `harbour` v0.12 (head, citing two sources); fields can be replaced. */
export function buildPublishedChange(
  overrides: Partial<Extract<StoryChange, { kind: 'version-published' }>> = {},
): StoryChange {
  return {
    kind: 'version-published',
    storyId: 'harbour',
    version: 'v0.12',
    title: 'Harbour expansion',
    publishedAt: '2024-07-05T15:33:01.103Z',
    contentHash: HASH_A,
    isHead: true,
    cause: '2026-01-01T00:00:00.001Z#0000000000000000000000000000001a',
    at: '2026-01-01T00:00:00.001Z',
    sources: ['25773905', '934f7ccc'],
    ...overrides,
  };
}

/** A retraction of `harbour` v0.12 (the head); fields can be replaced. */
export function buildRetractedChange(
  overrides: Partial<Extract<StoryChange, { kind: 'retracted' }>> = {},
): StoryChange {
  return {
    kind: 'retracted',
    storyId: 'harbour',
    version: 'v0.12',
    contentHash: HASH_A,
    headChanged: true,
    cause: '2026-01-02T00:00:00.000Z#0000000000000000000000000000002b',
    at: '2026-01-02T00:00:00.000Z',
    sources: ['25773905'],
    ...overrides,
  };
}
