import { extractCitations, summariseCitations, tidyWhitespace, uniqueInOrder } from './citations.ts';
import { extractFigures } from './figures.ts';
import { computeMetrics } from './metrics.ts';
import { hashStoryText, normaliseStoryText } from './normalise-text.ts';
import { deriveStoryId, type StorySource } from './story-id.ts';
import { parseTimestamp } from './timestamp.ts';
import { type Paragraph, type StoryDocument, StoryError } from './types.ts';
import { parseVersionLabel } from './version.ts';

/** One line of the normalised text with its 1-based line number. */
interface Line {
  number: number;
  text: string;
}

/** The version line read into its label and marker. */
interface VersionLine {
  version: string;
  marker: string | null;
}

const VERSION_PREFIX = /^[vV]\d+\.\d+(?:\.\d+)?/;
const DISCLAIMER = /^disclaimer:/i;

/**
 * Parses a story file (raw bytes or text) by SPEC §1 and extracts the §2 document.
 * Throws StoryError with a §1 code: too_large, binary_content, invalid_encoding, invalid_story_id,
 * then missing_version, missing_title, invalid_timestamp, empty_body in file order.
 */
export function parseStory(input: Uint8Array | string, source: StorySource): StoryDocument {
  const text = normaliseStoryText(input);
  const storyId = deriveStoryId(source);
  const lines = text.split('\n').map((line, i): Line => ({ number: i + 1, text: line }));
  let cursor = 0;
  const nextLine = (): Line | undefined => {
    while (cursor < lines.length && isBlank(lines[cursor]?.text ?? '')) cursor += 1;
    const line = lines[cursor];
    cursor += 1;
    return line;
  };

  const { version, marker } = readVersionLine(nextLine());
  const titleLine = nextLine();
  if (titleLine === undefined)
    throw new StoryError('missing_title', 'the file ends after the version line; add a title line');
  if (parseTimestamp(titleLine.text.trim()).ok) {
    throw new StoryError(
      'missing_title',
      `line ${titleLine.number} is the timestamp; put a title line before it`,
    );
  }
  const publishedAt = readTimestampLine(nextLine());
  const { body, disclaimer } = splitBody(lines.slice(cursor));

  const marks: string[][] = [];
  const paragraphs = body.map((raw, index): Paragraph => {
    const cited = extractCitations(raw);
    marks.push(cited.marks);
    return { index, text: cited.text, citations: uniqueInOrder(cited.marks) };
  });
  const citations = summariseCitations(paragraphs, marks);
  return {
    storyId,
    version,
    marker,
    title: titleLine.text.trim(),
    publishedAt,
    paragraphs,
    disclaimer,
    citations,
    figures: extractFigures(paragraphs),
    metrics: computeMetrics(paragraphs, citations),
    contentHash: hashStoryText(text),
  };
}

/** A line holding only whitespace, Unicode spaces such as U+00A0 included, is blank. */
function isBlank(text: string): boolean {
  return text.trim().length === 0;
}

function readVersionLine(line: Line | undefined): VersionLine {
  if (line === undefined)
    throw new StoryError('missing_version', 'the file is empty; the first line must be a version like v0.12');
  const text = line.text.trim();
  const prefix = VERSION_PREFIX.exec(text)?.[0] ?? '';
  const rest = text.slice(prefix.length);
  // The label ends at whitespace or at a symbol such as an emoji (`v0.12🌳`), never inside `v0.12a` or `v0.12.x`.
  const labelEnds = rest === '' || /^\s/u.test(rest) || /^[^\p{L}\p{N}\p{M}\p{ASCII}]/u.test(rest);
  const parsed = labelEnds ? parseVersionLabel(prefix) : null;
  if (!parsed) {
    throw new StoryError(
      'missing_version',
      `line ${line.number} should start with a version like v0.12 or v1.2.3, found "${clip(text)}"`,
    );
  }
  const marker = rest.trim();
  return { version: parsed.label, marker: marker === '' ? null : marker };
}

function readTimestampLine(line: Line | undefined): string {
  if (line === undefined) {
    throw new StoryError(
      'invalid_timestamp',
      'the timestamp line is missing; add one like 2024-07-05 15:33:01 after the title',
    );
  }
  const text = line.text.trim();
  const result = parseTimestamp(text);
  if (!result.ok)
    throw new StoryError('invalid_timestamp', `line ${line.number}: "${clip(text)}": ${result.reason}`);
  return result.iso;
}

function splitBody(lines: readonly Line[]): { body: string[]; disclaimer: string | null } {
  const paragraphs: string[] = [];
  let current: string[] = [];
  for (const line of lines) {
    if (isBlank(line.text)) {
      if (current.length > 0) paragraphs.push(current.join('\n'));
      current = [];
    } else {
      current.push(line.text);
    }
  }
  if (current.length > 0) paragraphs.push(current.join('\n'));
  const last = paragraphs[paragraphs.length - 1];
  const disclaimer = last !== undefined && DISCLAIMER.test(last.trim()) ? tidyWhitespace(last) : null;
  const body = disclaimer === null ? paragraphs : paragraphs.slice(0, -1);
  if (body.length === 0) {
    throw new StoryError(
      'empty_body',
      disclaimer === null
        ? 'the story has no body paragraph after the timestamp line'
        : 'the story has only a disclaimer after the timestamp line; add a body paragraph before it',
    );
  }
  return { body, disclaimer };
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

export type { StorySource } from './story-id.ts';
