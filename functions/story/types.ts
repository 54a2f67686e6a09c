/** The document of SPEC §2: everything extracted from one story file version. */
export interface StoryDocument {
  storyId: string;
  version: string;
  marker: string | null;
  title: string;
  publishedAt: string;
  paragraphs: Paragraph[];
  disclaimer: string | null;
  citations: CitationUse[];
  figures: Figure[];
  metrics: StoryMetrics;
  contentHash: string;
}

export interface Paragraph {
  index: number;
  text: string;
  citations: string[];
}

/** One cited source: how often it is cited and in which paragraphs, in order of first use. */
export interface CitationUse {
  id: string;
  count: number;
  paragraphs: number[];
}

export type FigureKind = 'currency' | 'percent' | 'count' | 'year' | 'duration';

/** The qualifiers SPEC §2 recognises directly before a number or its currency sign. */
export const QUALIFIERS = [
  'over',
  'more than',
  'nearly',
  'almost',
  'about',
  'around',
  'approximately',
  'up to',
  'at least',
  'less than',
  'under',
] as const;

export type Qualifier = (typeof QUALIFIERS)[number];

export interface Figure {
  text: string;
  value: number;
  kind: FigureKind;
  unit: string;
  qualifier: Qualifier | null;
  paragraph: number;
  citations: string[];
}

export interface StoryMetrics {
  words: number;
  sentences: number;
  paragraphs: number;
  characters: number;
  readingMinutes: number;
  citationCount: number;
  uniqueSources: number;
  uncitedParagraphs: number;
  citationsPer100Words: number;
}

/** The rejection codes of SPEC §1. */
export type StoryErrorCode =
  | 'too_large'
  | 'binary_content'
  | 'invalid_encoding'
  | 'missing_version'
  | 'missing_title'
  | 'invalid_timestamp'
  | 'empty_body'
  | 'invalid_story_id';

/** A story file that breaks SPEC §1; `message` tells the writer what to fix. */
export class StoryError extends Error {
  override readonly name = 'StoryError';
  constructor(
    readonly code: StoryErrorCode,
    message: string,
  ) {
    super(message);
  }
}
