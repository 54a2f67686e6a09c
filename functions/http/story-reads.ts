import type { StoredVersion, StoryReader, Tombstone } from '../store/story-store.ts';
import { type HttpError, notFound, retracted } from './errors.ts';

/**
 * Reads shared by the JSON routes and the pages: each answers a live story or version, or throws the
 * HttpError a client should see — 404 `not_found`, or 410 `retracted` (SPEC §6).
 */

/** The error for a story that has no live version: 410 when it was retracted, else 404. */
export async function missingStoryError(reader: StoryReader, storyId: string): Promise<HttpError> {
  const retraction = await reader.getRetraction(storyId);
  return retraction
    ? retracted(`the story ${storyId} was retracted at ${retraction.retractedAt}`)
    : notFound(`no story ${storyId}`);
}

/** The error for a version that is not live: 410 when it was retracted, else 404 naming it. */
export async function missingVersionError(
  reader: StoryReader,
  storyId: string,
  version: string,
): Promise<HttpError> {
  const retraction = await reader.getRetraction(storyId, version);
  return retraction
    ? retracted(`${storyId} ${version} was retracted at ${retraction.retractedAt}`)
    : notFound(`no version ${version} of story ${storyId}`);
}

/** One live version; throws 404 or 410. */
export async function readLiveVersion(
  reader: StoryReader,
  storyId: string,
  version: string,
): Promise<StoredVersion> {
  const stored = await reader.getVersion(storyId, version);
  if (!stored) throw await missingVersionError(reader, storyId, version);
  return stored;
}

/** The tombstone lists change at most once a minute per reader call, so a cache can keep them. */
export function tombstoneClock(now: Date): Date {
  return new Date(Math.floor(now.getTime() / 60_000) * 60_000);
}

/** The deleted entries of a feed from its tombstones; `ref` is the entry id the feed carried. */
export function toDeletedEntries(tombstones: Tombstone[], entryId: (tombstone: Tombstone) => string) {
  return tombstones.map((tombstone) => ({ ref: entryId(tombstone), when: tombstone.retractedAt }));
}
