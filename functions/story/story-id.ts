import { StoryError } from './types.ts';

/** Where a story file came from: its S3 key or file path, and the object's `story-id` metadata if any. */
export interface StorySource {
  key?: string;
  metadataStoryId?: string | undefined;
}

const STORY_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/**
 * Derives the story id by SPEC §1: the `story-id` metadata, else `<id>` of `…stories/<id>/<file>`,
 * else the base name without its last extension and a leading `<digits>_`. Throws `invalid_story_id`.
 */
export function deriveStoryId(source: StorySource): string {
  if (source.metadataStoryId !== undefined) {
    return checkStoryId(source.metadataStoryId, `the story-id metadata "${clip(source.metadataStoryId)}"`);
  }
  const key = source.key ?? '';
  // The last three segments of the key, read from its last slashes (as `key.split('/')` would give them).
  const last = key.lastIndexOf('/');
  const file = key.slice(last + 1);
  const second = last > 0 ? key.lastIndexOf('/', last - 1) : -1;
  if (second !== -1) {
    const third = second > 0 ? key.lastIndexOf('/', second - 1) : -1;
    if (key.slice(third + 1, second) === 'stories') {
      const parent = key.slice(second + 1, last);
      return checkStoryId(parent, `the folder "${clip(parent)}" of the key "${clip(key)}"`);
    }
  }
  const dot = file.lastIndexOf('.');
  const stem = dot > 0 ? file.slice(0, dot) : file;
  return checkStoryId(stem.slice(sequencePrefixLength(stem)), `the file name "${clip(file)}"`);
}

/** The length of a leading `<digits>_` (as `^\d+_` matches it), or 0. */
function sequencePrefixLength(stem: string): number {
  let end = 0;
  while (end < stem.length && stem.charCodeAt(end) >= 0x30 && stem.charCodeAt(end) <= 0x39) end += 1;
  return end > 0 && stem.charCodeAt(end) === 0x5f ? end + 1 : 0;
}

function checkStoryId(id: string, origin: string): string {
  if (STORY_ID_PATTERN.test(id)) return id;
  throw new StoryError(
    'invalid_story_id',
    `${origin} gives the story id "${clip(id)}", which must be 1-128 letters, digits, '.', '_' or '-' starting with a letter or digit`,
  );
}

function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
