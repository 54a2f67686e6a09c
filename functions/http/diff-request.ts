import type { StoredVersion, StoryReader } from '../store/story-store.ts';
import { compareVersions } from '../story/version.ts';
import { badParameter } from './errors.ts';
import { parseVersionParam } from './params.ts';
import { missingStoryError, missingVersionError } from './story-reads.ts';

/** The two versions a diff compares. */
export interface DiffPair {
  older: StoredVersion;
  newer: StoredVersion;
}

/** Reads one version; a 404 names what is missing ("no version v0.11 of story X"). */
export async function readStoryVersion(
  reader: StoryReader,
  storyId: string,
  label: string,
): Promise<StoredVersion> {
  const version = await reader.getVersion(storyId, label);
  // A retracted version answers 410 (SPEC §6), any other missing one 404.
  if (!version) throw await missingVersionError(reader, storyId, label);
  return version;
}

/**
 * Resolves `?from=&to=` of a diff (the JSON route and the changes page alike): `to` defaults to the
 * head, `from` to the version just below `to`. Throws a 404 naming a missing story or version, and
 * a 400 when `to` is the story's first version and no `from` is given (there is nothing before it
 * to compare with: an empty diff would wrongly say nothing changed).
 */
export async function resolveDiffPair(
  reader: StoryReader,
  storyId: string,
  query: Record<string, string>,
): Promise<DiffPair> {
  const toLabel = query.to === undefined ? undefined : parseVersionParam(query.to, 'to');
  const fromLabel = query.from === undefined ? undefined : parseVersionParam(query.from, 'from');
  const labels = await reader.listVersionLabels(storyId);
  if (labels.length === 0) throw await missingStoryError(reader, storyId);
  const newer = await readStoryVersion(reader, storyId, toLabel ?? labels[0] ?? '');
  let olderLabel = fromLabel;
  if (olderLabel === undefined) {
    olderLabel = labels.find((label) => compareVersions(label, newer.version) < 0);
    if (olderLabel === undefined) {
      throw badParameter(
        `${newer.version} is the first version of story ${storyId}: there is no earlier version to compare it with`,
      );
    }
  }
  const older = await readStoryVersion(reader, storyId, olderLabel);
  return { older, newer };
}
