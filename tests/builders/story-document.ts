import { createHash } from 'node:crypto';
import type {
  CitationUse,
  Figure,
  Paragraph,
  StoryDocument,
  StoryMetrics,
} from '../../functions/story/types.ts';

const WORD = /[\p{L}\p{N}]+(?:['’\-.,][\p{L}\p{N}]+)*/gu;
const SENTENCE_END = /[.!?] (?=\p{Lu})/gu;

/** A paragraph with its text and the ids it cites (each once, in order); `index` is set by buildStoryDocument. */
export function buildParagraph(text: string, citations: string[] = [], index = 0): Paragraph {
  return { index, text, citations: [...new Set(citations)] };
}

/** A figure; `paragraph` says where it is, and buildStoryDocument copies that paragraph's citations into it. */
export function buildFigure(overrides: Partial<Figure> = {}): Figure {
  return {
    text: '80.3 billion yuan',
    value: 80_300_000_000,
    kind: 'currency',
    unit: 'CNY',
    qualifier: null,
    paragraph: 0,
    citations: [],
    ...overrides,
  };
}

/** Counts words roughly as SPEC §2 does (runs of letters or digits with inner punctuation). */
export function countWords(text: string): number {
  return text.match(WORD)?.length ?? 0;
}

/** The citations of a list of paragraphs, in order of first use, one mark per paragraph and id. */
export function deriveCitations(paragraphs: Paragraph[]): CitationUse[] {
  const uses = new Map<string, CitationUse>();
  for (const paragraph of paragraphs) {
    for (const id of paragraph.citations) {
      const use = uses.get(id) ?? { id, count: 0, paragraphs: [] };
      use.count += 1;
      use.paragraphs.push(paragraph.index);
      uses.set(id, use);
    }
  }
  return [...uses.values()];
}

/** The metrics of SPEC §2 computed from the paragraphs and citations of a document. */
export function deriveMetrics(paragraphs: Paragraph[], citations: CitationUse[]): StoryMetrics {
  const words = paragraphs.reduce((sum, p) => sum + countWords(p.text), 0);
  const sentences = paragraphs.reduce((sum, p) => sum + (p.text.match(SENTENCE_END)?.length ?? 0) + 1, 0);
  const citationCount = citations.reduce((sum, c) => sum + c.count, 0);
  return {
    words,
    sentences,
    paragraphs: paragraphs.length,
    characters: paragraphs.reduce((sum, p) => sum + p.text.length, 0),
    readingMinutes: Math.ceil(words / 238),
    citationCount,
    uniqueSources: citations.length,
    uncitedParagraphs: paragraphs.filter((p) => p.citations.length === 0).length,
    citationsPer100Words: words === 0 ? 0 : Math.round((citationCount / words) * 100 * 100) / 100,
  };
}

const DEFAULT_PARAGRAPHS: Paragraph[] = [
  buildParagraph(
    "China's plan to drive innovation is exemplified by Shenzhen. In 1980, Shenzhen was designated as a special economic zone.",
    ['25773905'],
  ),
  buildParagraph(
    'The district has invested 80.3 billion yuan, and over 30 percent of its firms now work on AI.',
    ['25773905', '934f7ccc'],
  ),
  buildParagraph('Xuhui plans to attract over 80 companies in the next 15 years.', ['5e0b0c8d']),
];

const DEFAULT_FIGURES: Figure[] = [
  buildFigure({ text: 'In 1980', value: 1980, kind: 'year', unit: 'year', paragraph: 0 }),
  buildFigure({
    text: '80.3 billion yuan',
    value: 80_300_000_000,
    kind: 'currency',
    unit: 'CNY',
    paragraph: 1,
  }),
  buildFigure({
    text: 'over 30 percent',
    value: 30,
    kind: 'percent',
    unit: '%',
    qualifier: 'over',
    paragraph: 1,
  }),
  buildFigure({
    text: 'over 80 companies',
    value: 80,
    kind: 'count',
    unit: 'companies',
    qualifier: 'over',
    paragraph: 2,
  }),
  buildFigure({ text: 'the next 15 years', value: 15, kind: 'duration', unit: 'years', paragraph: 2 }),
];

/**
 * A self-consistent StoryDocument: paragraphs are re-indexed by position, and unless overridden the citations,
 * metrics, figure citations and content hash are derived from the paragraphs. Figures whose paragraph no longer
 * exists are dropped.
 */
export function buildStoryDocument(overrides: Partial<StoryDocument> = {}): StoryDocument {
  const paragraphs = (overrides.paragraphs ?? DEFAULT_PARAGRAPHS).map((p, index) => ({
    ...p,
    index,
    citations: [...p.citations],
  }));
  const citations = overrides.citations ?? deriveCitations(paragraphs);
  const figures = (overrides.figures ?? (overrides.paragraphs ? [] : DEFAULT_FIGURES))
    .filter((figure) => figure.paragraph < paragraphs.length)
    .map((figure) => ({ ...figure, citations: [...(paragraphs[figure.paragraph]?.citations ?? [])] }));
  const base = {
    storyId: '8ac52d5236e3c6f4',
    version: 'v0.12',
    marker: '🌳',
    title: 'Shenzhen and Xuhui: Transforming into Global Tech and AI Hubs',
    publishedAt: '2024-07-05T15:33:01.103Z',
    disclaimer: 'Disclaimer: The story was generated from public sources and may contain errors.',
    ...overrides,
    paragraphs,
    citations,
    figures,
  };
  const metrics = overrides.metrics ?? deriveMetrics(paragraphs, citations);
  const hash = createHash('sha256')
    .update(
      JSON.stringify([base.version, base.marker, base.title, base.publishedAt, paragraphs, base.disclaimer]),
    )
    .digest('hex');
  return { ...base, metrics, contentHash: overrides.contentHash ?? `sha256:${hash}` };
}

/** A copy of `document` with paragraph `index` replaced by `text` (citations kept unless given), re-derived. */
export function withParagraph(
  document: StoryDocument,
  index: number,
  text: string,
  citations?: string[],
): StoryDocument {
  const paragraphs = document.paragraphs.map((p) =>
    p.index === index ? buildParagraph(text, citations ?? p.citations, index) : p,
  );
  return rebuild(document, paragraphs, document.figures);
}

/** A copy of `document` with a paragraph inserted at `position`; later figures move with their paragraphs. */
export function withInsertedParagraph(
  document: StoryDocument,
  position: number,
  paragraph: Paragraph,
): StoryDocument {
  const paragraphs = [...document.paragraphs];
  paragraphs.splice(position, 0, paragraph);
  const figures = document.figures.map((f) =>
    f.paragraph >= position ? { ...f, paragraph: f.paragraph + 1 } : f,
  );
  return rebuild(document, paragraphs, figures);
}

function rebuild(document: StoryDocument, paragraphs: Paragraph[], figures: Figure[]): StoryDocument {
  const { citations: _citations, metrics: _metrics, contentHash: _hash, ...rest } = document;
  return buildStoryDocument({ ...rest, paragraphs, figures });
}
