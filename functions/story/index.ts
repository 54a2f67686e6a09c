export { extractCitations, summariseCitations } from './citations.ts';
export { extractFigures } from './figures.ts';
export { computeMetrics, countSentences, countWords } from './metrics.ts';
export { hashStoryText, MAX_STORY_BYTES, normaliseStoryText } from './normalise-text.ts';
export { parseStory } from './parse-story.ts';
export { deriveStoryId, type StorySource } from './story-id.ts';
export { parseTimestamp } from './timestamp.ts';
export * from './types.ts';
export { compareVersions, parseVersionLabel, versionSortKey } from './version.ts';
