import type { StoryChange } from '../events/story-event.ts';
import type { KeyRemoval, StoryReader, VersionWrite } from '../store/story-store.ts';
import { compareVersions } from '../story/version.ts';
import type { RetractedVersion } from './key-events.ts';

/**
 * The change a stored version makes, for the events: `cause` is the upload's revision (its S3 event),
 * so a redelivery of the same upload gives the same event id. `previousSources` are the citations of
 * the head this version replaced (their source feeds change too).
 */
export function versionPublishedChange(
  write: VersionWrite,
  isHead: boolean,
  previousSources: readonly string[] = [],
): StoryChange {
  const { document } = write;
  const sources = isHead
    ? [...new Set([...document.citations.map((citation) => citation.id), ...previousSources])]
    : [];
  return {
    kind: 'version-published',
    storyId: document.storyId,
    version: document.version,
    title: document.title,
    publishedAt: document.publishedAt,
    contentHash: document.contentHash,
    isHead,
    cause: write.revision,
    at: write.ingestedAt,
    sources,
  };
}

/**
 * The changes a delete made: one `retracted` per version (and one with `version: null` for a story left
 * with none), and for a story whose head moved down (a retracted version above the head it has now) a
 * `version-published` of that head with `isHead`. `cause` is the delete's order, so a redelivered delete
 * repeats the ids, and the head event differs from the one sent when that version was first stored.
 * Reads the heads through `reader` (without it, no head events).
 */
export async function retractionChanges(
  retracted: readonly RetractedVersion[],
  removal: KeyRemoval,
  reader?: Pick<StoryReader, 'getHead' | 'getVersion'>,
): Promise<StoryChange[]> {
  const changes: StoryChange[] = [];
  const stories = [...new Set(retracted.map((version) => version.storyId))];
  for (const storyId of stories) {
    const versions = retracted.filter((version) => version.storyId === storyId);
    const storyGone = versions.some((version) => version.storyRetracted);
    const head = storyGone ? null : ((await reader?.getHead(storyId)) ?? null);
    const above = (version: string) => head !== null && compareVersions(version, head.version) > 0;
    for (const { version, sources } of versions) {
      // A retracted head leaves the feeds of the sources it cited (the one below may cite them again).
      changes.push({
        kind: 'retracted',
        storyId,
        version,
        contentHash: null,
        headChanged: storyGone || above(version),
        cause: removal.order,
        at: removal.at,
        sources,
      });
    }
    if (storyGone) {
      changes.push({
        kind: 'retracted',
        storyId,
        version: null,
        contentHash: null,
        headChanged: true,
        cause: removal.order,
        at: removal.at,
        sources: [],
      });
    } else if (head && versions.some((version) => above(version.version))) {
      const stored = await reader?.getVersion(storyId, head.version);
      changes.push({
        kind: 'version-published',
        storyId,
        version: head.version,
        title: head.title,
        publishedAt: head.updatedAt,
        contentHash: head.contentHash,
        isHead: true,
        cause: removal.order,
        at: removal.at,
        sources: stored?.document.citations.map((citation) => citation.id) ?? [],
      });
    }
  }
  return changes;
}
