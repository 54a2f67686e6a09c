import { extractCitations, summariseCitations, tidyWhitespace, uniqueInOrder } from './citations.ts';
import { addParagraphFigures } from './figures.ts';
import { computeMetrics } from './metrics.ts';
import { hashStoryFile, hashStoryText, normaliseStoryText } from './normalise-text.ts';
import { scanText } from './scan-text.ts';
import { deriveStoryId, type StorySource } from './story-id.ts';
import { StoryLines } from './story-lines.ts';
import { parseTimestamp } from './timestamp.ts';
import { type Figure, type Paragraph, type StoryDocument, StoryError } from './types.ts';
import { parseVersionLabel } from './version.ts';

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
  const lines = new StoryLines(text);
  const versionAt = nextNonBlank(lines, 0);
  const { version, marker } = readVersionLine(lines, versionAt);
  const titleAt = nextNonBlank(lines, versionAt + 1);
  const title = lines.line(titleAt)?.trim();
  if (title === undefined)
    throw new StoryError('missing_title', 'the file ends after the version line; add a title line');
  const timestampAt = nextNonBlank(lines, titleAt + 1);
  // A timestamp where the title belongs is the timestamp of a file with no title, unless a timestamp follows it.
  if (parseTimestamp(title).ok && !parseTimestamp(lines.line(timestampAt)?.trim() ?? '').ok) {
    throw new StoryError('missing_title', `line ${titleAt + 1} is the timestamp; put a title line before it`);
  }
  const publishedAt = readTimestampLine(lines, timestampAt);
  const { body, disclaimer } = splitBody(lines, timestampAt + 1);

  const marks: string[][] = [];
  const paragraphs: Paragraph[] = [];
  for (let index = 0; index < body.length; index += 1) {
    const cited = extractCitations(body[index] ?? '');
    marks.push(cited.marks);
    paragraphs.push({ index, text: cited.text, citations: uniqueInOrder(cited.marks) });
  }
  const citations = summariseCitations(paragraphs, marks);
  // One scan of each paragraph serves the figures and the word and sentence counts.
  const figures: Figure[] = [];
  const counts = { words: 0, sentences: 0 };
  for (const paragraph of paragraphs) {
    const scan = scanText(paragraph.text);
    counts.words += scan.words;
    counts.sentences += scan.sentences;
    addParagraphFigures(figures, paragraph, scan);
  }
  return {
    storyId,
    version,
    marker,
    title,
    publishedAt,
    paragraphs,
    disclaimer,
    citations,
    figures,
    metrics: computeMetrics(paragraphs, citations, counts),
    contentHash: typeof input === 'string' ? hashStoryText(text) : hashStoryFile(input, text),
  };
}

/** The index of the first line from `from` on that is not blank, or `lines.length`. */
function nextNonBlank(lines: StoryLines, from: number): number {
  let at = from;
  while (at < lines.count && lines.isBlank(at)) at += 1;
  return at;
}

function readVersionLine(lines: StoryLines, at: number): VersionLine {
  const line = lines.line(at);
  if (line === undefined)
    throw new StoryError('missing_version', 'the file is empty; the first line must be a version like v0.12');
  const text = line.trim();
  const prefix = VERSION_PREFIX.exec(text)?.[0] ?? '';
  const rest = text.slice(prefix.length);
  // The label ends at whitespace or at a symbol such as an emoji (`v0.12🌳`), never inside `v0.12a` or `v0.12.x`.
  const labelEnds = rest === '' || /^\s/u.test(rest) || /^[^\p{L}\p{N}\p{M}\p{ASCII}]/u.test(rest);
  const parsed = labelEnds ? parseVersionLabel(prefix) : null;
  if (!parsed) {
    throw new StoryError(
      'missing_version',
      `line ${at + 1} should start with a version like v0.12 or v1.2.3, found "${clip(text)}"`,
    );
  }
  const marker = rest.trim();
  return { version: parsed.label, marker: marker === '' ? null : marker };
}

function readTimestampLine(lines: StoryLines, at: number): string {
  const line = lines.line(at);
  if (line === undefined) {
    throw new StoryError(
      'invalid_timestamp',
      'the timestamp line is missing; add one like 2024-07-05 15:33:01 after the title',
    );
  }
  const text = line.trim();
  const result = parseTimestamp(text);
  if (!result.ok)
    throw new StoryError('invalid_timestamp', `line ${at + 1}: "${clip(text)}": ${result.reason}`);
  return result.iso;
}

/** The body paragraphs (runs of non-blank lines from `from` on) and the closing disclaimer, if any. */
function splitBody(lines: StoryLines, from: number): { body: string[]; disclaimer: string | null } {
  const paragraphs: string[] = [];
  let first = -1; // the first line of the paragraph being read
  for (let at = from; at <= lines.count; at += 1) {
    const blank = at === lines.count || lines.isBlank(at);
    if (!blank && first === -1) first = at;
    else if (blank && first !== -1) {
      paragraphs.push(lines.join(first, at));
      first = -1;
    }
  }
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
