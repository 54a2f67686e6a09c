import { describe, expect, it } from 'vitest';
import { chooseCurrentObjects, type StoryObject } from '../../../local/commands/story-keys.ts';

function object(key: string, version: string, minute: number, contentHash = `sha256:${key}`): StoryObject {
  return {
    key,
    version,
    contentHash,
    storyId: 'mw',
    lastModified: new Date(Date.UTC(2024, 4, 1, 10, minute)),
  };
}

const keys = (objects: StoryObject[]) => objects.map((chosen) => chosen.key);

describe('chooseCurrentObjects', () => {
  it('keeps, per version, the key uploaded last: the text that version comes from now', () => {
    const objects = [
      object('inbox/draft.txt', 'v0.1', 1),
      object('stories/mw/v0.1.txt', 'v0.1', 5),
      object('stories/mw/v0.2.txt', 'v0.2', 3),
    ];
    expect(keys(chooseCurrentObjects(objects))).toEqual(['stories/mw/v0.1.txt', 'stories/mw/v0.2.txt']);
  });

  it('takes one version when asked, comparing numerically (v0.12 is v0.12.0)', () => {
    const objects = [object('a.txt', 'v0.12.0', 1), object('b.txt', 'v0.9', 2), object('c.txt', 'v0.120', 3)];
    expect(keys(chooseCurrentObjects(objects, 'v0.12'))).toEqual(['a.txt']);
    expect(keys(chooseCurrentObjects(objects, 'v0.13'))).toEqual([]);
  });

  it('treats labels written two ways as one version', () => {
    const objects = [object('old.txt', 'v0.12', 1), object('new.txt', 'v0.12.0', 2)];
    expect(keys(chooseCurrentObjects(objects))).toEqual(['new.txt']);
  });

  it('also deletes an earlier key holding the very same text, and both keys of a same-second tie', () => {
    const duplicate = [
      object('first.txt', 'v1.0', 1, 'sha256:x'),
      object('again.txt', 'v1.0', 4, 'sha256:x'),
    ];
    expect(keys(chooseCurrentObjects(duplicate))).toEqual(['again.txt', 'first.txt']);
    const tie = [object('one.txt', 'v1.0', 4, 'sha256:a'), object('two.txt', 'v1.0', 4, 'sha256:b')];
    expect(keys(chooseCurrentObjects(tie))).toEqual(['one.txt', 'two.txt']);
  });
});
