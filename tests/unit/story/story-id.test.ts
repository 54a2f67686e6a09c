import { describe, expect, it } from 'vitest';
import { deriveStoryId } from '../../../functions/story/story-id.ts';
import { StoryError } from '../../../functions/story/types.ts';

describe('deriveStoryId', () => {
  it('prefers the story-id metadata', () => {
    expect(deriveStoryId({ key: 'stories/other/v1.txt', metadataStoryId: 'from-meta' })).toBe('from-meta');
  });

  it('takes <id> from stories/<id>/<file>, anywhere in the path', () => {
    expect(deriveStoryId({ key: 'stories/harbour-plan/v0.3.txt' })).toBe('harbour-plan');
    expect(deriveStoryId({ key: '/home/me/stories/harbour-plan/v0.3.txt' })).toBe('harbour-plan');
  });

  it('otherwise strips the last extension and a leading <digits>_ from the base name', () => {
    expect(deriveStoryId({ key: 'seeds/000_8ac52d5236e3c6f4.txt' })).toBe('8ac52d5236e3c6f4');
    expect(deriveStoryId({ key: 'market-wrap.2024-06.txt' })).toBe('market-wrap.2024-06');
    expect(deriveStoryId({ key: 'uploads/plain' })).toBe('plain');
    expect(deriveStoryId({ key: 'uploads/12_34_x.md' })).toBe('34_x');
  });

  it.each([
    ['an id starting with a dot', { key: 'uploads/.hidden' }],
    ['an id with a space', { key: 'stories/bad id/v1.txt' }],
    ['an id of 129 characters', { key: `${'a'.repeat(129)}.txt` }],
    ['an empty key', { key: '' }],
    ['metadata with a slash', { key: 'ok.txt', metadataStoryId: 'a/b' }],
    ['empty metadata', { key: 'ok.txt', metadataStoryId: '' }],
  ])('rejects %s as invalid_story_id', (_label, source) => {
    expect(() => deriveStoryId(source)).toThrow(StoryError);
    expect(() => deriveStoryId(source)).toThrow(/story id/);
  });

  it('accepts an id of 128 characters', () => {
    expect(deriveStoryId({ key: `${'a'.repeat(128)}.txt` })).toBe('a'.repeat(128));
  });
});
