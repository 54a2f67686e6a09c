import type { IngestWarning, NeighbourVersions } from '../store/story-store.ts';
import type { StoryDocument } from '../story/types.ts';

/**
 * `timestamp_not_later` warnings for a stored version: a higher version must be published later than
 * the version below it, or feed readers that sort by time miss it. Checks both neighbours.
 */
export function findTimestampWarnings(
  document: StoryDocument,
  neighbours: NeighbourVersions,
): IngestWarning[] {
  const warnings: IngestWarning[] = [];
  const { below, above } = neighbours;
  const published = Date.parse(document.publishedAt);
  if (below && published <= Date.parse(below.publishedAt)) {
    warnings.push({
      code: 'timestamp_not_later',
      message: `${document.version} (${document.publishedAt}) is not later than ${below.version} (${below.publishedAt}) below it`,
    });
  }
  if (above && Date.parse(above.publishedAt) <= published) {
    warnings.push({
      code: 'timestamp_not_later',
      message: `${above.version} (${above.publishedAt}) above it is not later than ${document.version} (${document.publishedAt})`,
    });
  }
  return warnings;
}
