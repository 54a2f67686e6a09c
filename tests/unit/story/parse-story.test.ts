import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { normaliseStoryText } from '../../../functions/story/normalise-text.ts';
import { parseStory } from '../../../functions/story/parse-story.ts';
import { StoryError, type StoryErrorCode } from '../../../functions/story/types.ts';

const SEED_PATH = join(import.meta.dirname, '../../../seeds/000_8ac52d5236e3c6f4.txt');
const SEED = readFileSync(SEED_PATH);
const HEADER = 'v1.0\nA Title\n2024-01-01 00:00:00\n\n';

function codeOf(action: () => unknown): StoryErrorCode | 'no error' {
  try {
    action();
  } catch (error) {
    if (error instanceof StoryError) return error.code;
    throw error;
  }
  return 'no error';
}

/** A valid story of exactly `size` bytes: a header, then one long body line padded with ASCII words. */
function storyOfSize(size: number): Uint8Array {
  const header = Buffer.from(`${HEADER}Body `);
  const padding = Buffer.alloc(size - header.length, 'a');
  return Buffer.concat([header, padding]);
}

describe('parseStory on the seed', () => {
  const document = parseStory(SEED, { key: 'seeds/000_8ac52d5236e3c6f4.txt' });

  it('reads the header fields', () => {
    expect(document.storyId).toBe('8ac52d5236e3c6f4');
    expect(document.version).toBe('v0.12');
    expect(document.marker).toBe('🌳');
    expect(document.title).toBe('Shenzhen and Xuhui: Transforming into Global Tech and AI Hubs');
    expect(document.publishedAt).toBe('2024-07-05T15:33:01.103Z');
    expect(document.disclaimer).toMatch(/^Disclaimer: The story curated .* use your own discretion\.$/);
  });

  it('computes the metrics of SPEC §2', () => {
    expect(document.metrics).toEqual({
      words: 823,
      sentences: 35,
      paragraphs: 6,
      characters: 5535,
      readingMinutes: 4,
      citationCount: 9,
      uniqueSources: 6,
      uncitedParagraphs: 0,
      citationsPer100Words: 1.09,
    });
  });

  it('lists citations in order of first use with counts and paragraphs', () => {
    expect(document.citations).toEqual([
      { id: '25773905', count: 3, paragraphs: [0, 1, 5] },
      { id: '934f7ccc', count: 1, paragraphs: [1] },
      { id: '19e843d7', count: 2, paragraphs: [2, 3] },
      { id: '069da79a', count: 1, paragraphs: [3] },
      { id: 'e050f846', count: 1, paragraphs: [4] },
      { id: '24137fc4', count: 1, paragraphs: [4] },
    ]);
    expect(document.paragraphs[1]?.citations).toEqual(['25773905', '934f7ccc']);
  });

  it('removes citation brackets from the paragraph text', () => {
    expect(document.paragraphs[0]?.text.endsWith('from across the country.')).toBe(true);
    expect(document.paragraphs[1]?.text.endsWith('services for AI foundation models.')).toBe(true);
    expect(document.paragraphs.map((paragraph) => paragraph.index)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('extracts the figures of the seed', () => {
    const brief = document.figures.map(({ text, value, kind, unit, qualifier, paragraph }) => ({
      text,
      value,
      kind,
      unit,
      qualifier,
      paragraph,
    }));
    expect(brief).toEqual([
      { text: 'In 1980', value: 1980, kind: 'year', unit: 'year', qualifier: null, paragraph: 0 },
      { text: 'since 1978', value: 1978, kind: 'year', unit: 'year', qualifier: null, paragraph: 0 },
      {
        text: '80.3 billion yuan',
        value: 80300000000,
        kind: 'currency',
        unit: 'CNY',
        qualifier: null,
        paragraph: 1,
      },
      { text: 'over 30 percent', value: 30, kind: 'percent', unit: '%', qualifier: 'over', paragraph: 1 },
      {
        text: 'the past five years',
        value: 5,
        kind: 'duration',
        unit: 'years',
        qualifier: null,
        paragraph: 1,
      },
      {
        text: 'over 80 companies',
        value: 80,
        kind: 'count',
        unit: 'companies',
        qualifier: 'over',
        paragraph: 1,
      },
      { text: 'by 2035', value: 2035, kind: 'year', unit: 'year', qualifier: null, paragraph: 2 },
      {
        text: '887,000 5G stations',
        value: 887000,
        kind: 'count',
        unit: '5G stations',
        qualifier: null,
        paragraph: 2,
      },
      {
        text: '$40 trillion',
        value: 40000000000000,
        kind: 'currency',
        unit: 'USD',
        qualifier: null,
        paragraph: 2,
      },
      {
        text: 'the next 15 years',
        value: 15,
        kind: 'duration',
        unit: 'years',
        qualifier: null,
        paragraph: 2,
      },
      { text: '50%', value: 50, kind: 'percent', unit: '%', qualifier: null, paragraph: 3 },
      { text: 'by 2025', value: 2025, kind: 'year', unit: 'year', qualifier: null, paragraph: 3 },
      { text: '5.2%', value: 5.2, kind: 'percent', unit: '%', qualifier: null, paragraph: 3 },
      { text: 'in 2023', value: 2023, kind: 'year', unit: 'year', qualifier: null, paragraph: 3 },
    ]);
    expect(document.figures[2]?.citations).toEqual(['25773905', '934f7ccc']);
  });

  it('hashes the normalised text', () => {
    const hex = createHash('sha256').update(SEED).digest('hex');
    expect(document.contentHash).toBe(`sha256:${hex}`);
  });

  it('gives the same document for the text with CRLF line endings and a BOM', () => {
    const crlf = Buffer.from(`\uFEFF${SEED.toString('utf8').replaceAll('\n', '\r\n')}`);
    expect(parseStory(crlf, { key: 'seeds/000_8ac52d5236e3c6f4.txt' })).toEqual(document);
    expect(parseStory(SEED.toString('utf8'), { key: 'x/000_8ac52d5236e3c6f4.txt' })).toEqual(document);
  });
});

describe('parseStory rejections', () => {
  it('accepts exactly 1 MiB and rejects one byte more as too_large', () => {
    expect(parseStory(storyOfSize(1_048_576), { key: 'big.txt' }).metrics.words).toBe(2);
    expect(codeOf(() => parseStory(storyOfSize(1_048_577), { key: 'big.txt' }))).toBe('too_large');
    expect(codeOf(() => parseStory('é'.repeat(524_289), { key: 'big.txt' }))).toBe('too_large');
  });

  it('rejects a NUL byte as binary_content', () => {
    expect(codeOf(() => parseStory(Buffer.from(`${HEADER}Body\0text.`), { key: 'a.txt' }))).toBe(
      'binary_content',
    );
    expect(codeOf(() => parseStory(`${HEADER}Body\0`, { key: 'a.txt' }))).toBe('binary_content');
  });

  it('rejects bytes that are not UTF-8 as invalid_encoding', () => {
    const latin1 = Buffer.from(`${HEADER}Caf\xe9 au lait.`, 'latin1');
    expect(codeOf(() => parseStory(latin1, { key: 'a.txt' }))).toBe('invalid_encoding');
    const truncated = Buffer.concat([Buffer.from(HEADER), Buffer.from([0xf0, 0x9f, 0x8c])]);
    expect(codeOf(() => parseStory(truncated, { key: 'a.txt' }))).toBe('invalid_encoding');
    expect(codeOf(() => parseStory(`${HEADER}\uD800 lone surrogate`, { key: 'a.txt' }))).toBe(
      'invalid_encoding',
    );
  });

  it('checks size, then NUL, then encoding, then story id, then the layout', () => {
    const everythingWrong = Buffer.concat([Buffer.from([0xff, 0]), Buffer.alloc(1_048_576, 'x')]);
    expect(codeOf(() => parseStory(everythingWrong, { key: '-bad.txt' }))).toBe('too_large');
    expect(codeOf(() => parseStory(Buffer.from([0xff, 0]), { key: '-bad.txt' }))).toBe('binary_content');
    expect(codeOf(() => parseStory(Buffer.from([0xff]), { key: '-bad.txt' }))).toBe('invalid_encoding');
    expect(codeOf(() => parseStory('', { key: '-bad.txt' }))).toBe('invalid_story_id');
    expect(codeOf(() => parseStory('', { key: 'good.txt' }))).toBe('missing_version');
  });

  it('takes a timestamp line as the title only when a timestamp follows it', () => {
    const document = parseStory('v0.1\n2024-07-05 15:33:01\n2024-07-05 15:33:02\n\nBody.', { key: 'a.txt' });
    expect([document.title, document.publishedAt]).toEqual([
      '2024-07-05 15:33:01',
      '2024-07-05T15:33:02.000Z',
    ]);
    expect(() => parseStory('v0.1\n2024-07-05 15:33:01\n\nBody.', { key: 'a.txt' })).toThrow(
      expect.objectContaining({ code: 'missing_title' }),
    );
  });

  it('names the line to fix in layout errors', () => {
    const text = 'v1.0\nTitle\n\n\n2023-02-29 10:00:00\n\nBody.';
    expect(() => parseStory(text, { key: 'a.txt' })).toThrow(/line 5/);
    expect(() => parseStory('\n\nnot a version\n', { key: 'a.txt' })).toThrow(/line 3/);
  });
});

describe('normaliseStoryText', () => {
  it('drops the BOM and reads CRLF and lone CR as LF', () => {
    expect(normaliseStoryText(Buffer.from('\uFEFFa\r\nb\rc\n'))).toBe('a\nb\nc\n');
    expect(normaliseStoryText('\uFEFFa\r\r\nb')).toBe('a\n\nb');
  });
});

describe('parseStory on adversarial input', () => {
  it('parses a 1 MiB line of digits, brackets and figures', () => {
    const size = 1_048_576 - HEADER.length;
    const digits = '9'.repeat(size);
    expect(parseStory(HEADER + digits, { key: 'a.txt' }).figures).toEqual([]);
    const brackets = `[${'ab12'.repeat(size / 4 - 1)}`.slice(0, size);
    expect(parseStory(HEADER + brackets, { key: 'a.txt' }).citations).toEqual([]);
    const ids = '[deadbeef deadbeef '.repeat(Math.floor(size / 19));
    expect(parseStory(HEADER + ids, { key: 'a.txt' }).citations).toEqual([]);
    const longList = `[${'deadbeef '.repeat(Math.floor(size / 9) - 1)}zz]`;
    expect(parseStory(HEADER + longList, { key: 'a.txt' }).metrics.citationCount).toBe(0);
    const figures = 'over $5.2bn and 80 companies in 2024 '.repeat(Math.floor(size / 37));
    expect(parseStory(HEADER + figures, { key: 'a.txt' }).figures.length).toBe(Math.floor(size / 37) * 3);
    const openers = '[[[[1,1,1.1.1-1-1 5G G20 '.repeat(Math.floor(size / 25));
    expect(parseStory(HEADER + openers, { key: 'a.txt' }).metrics.paragraphs).toBe(1);
    const cited = '[deadbeef] 5%\n\n'.repeat(Math.floor(size / 15));
    const many = parseStory(HEADER + cited, { key: 'a.txt' });
    expect(many.citations[0]?.paragraphs.length).toBe(Math.floor(size / 15));
    expect(many.metrics.citationCount).toBe(Math.floor(size / 15));
    const spaces = `x${' \u00a0'.repeat(Math.floor(size / 3) - 1)}y`;
    expect(parseStory(HEADER + spaces, { key: 'a.txt' }).paragraphs[0]?.text).toBe('x y');
  });
});
