import { describe, expect, it } from 'vitest';
import { entryTextBudget, fitDocumentToFeed } from '../../../functions/http/feed-budget.ts';
import { buildFigure, buildParagraph, buildStoryDocument } from '../../builders/story-document.ts';
import { bodyText, createClient } from './http-harness.ts';

const FULL_URL = 'https://api.example.test/stories/big/versions/v1.0';

function buildBigDocument(storyId: string, paragraphs: number, charsEach: number) {
  return buildStoryDocument({
    storyId,
    paragraphs: Array.from({ length: paragraphs }, (_, index) =>
      buildParagraph(`${`Paragraph ${index} `.padEnd(charsEach - 1, 'x')}.`, ['25773905'], index),
    ),
    figures: Array.from({ length: paragraphs }, (_, index) => buildFigure({ paragraph: index })),
  });
}

describe('fitDocumentToFeed', () => {
  it('leaves a story of ordinary length untouched', () => {
    const document = buildStoryDocument();
    expect(fitDocumentToFeed(document, entryTextBudget(50), FULL_URL)).toBe(document);
  });

  it('keeps whole paragraphs within the budget, their figures, and says where the full version is', () => {
    const document = buildBigDocument('big', 100, 10_000);
    const fitted = fitDocumentToFeed(document, 25_000, FULL_URL);

    expect(fitted.paragraphs.map((paragraph) => paragraph.text.slice(0, 12))).toEqual([
      'Paragraph 0 ',
      'Paragraph 1 ',
      'This entry i',
    ]);
    expect(fitted.paragraphs.at(-1)?.text).toContain(FULL_URL);
    expect(fitted.figures.map((figure) => figure.paragraph)).toEqual([0, 1]);
    expect(fitted.metrics).toEqual(document.metrics);
  });

  it('cuts a first paragraph that alone is longer than the budget', () => {
    const fitted = fitDocumentToFeed(buildBigDocument('big', 1, 50_000), 20_000, FULL_URL);
    expect(fitted.paragraphs[0]?.text).toHaveLength(20_001);
  });
});

describe('feeds of very long stories', () => {
  it('stays well under the 6 MB Lambda response limit with fifty 1 MB stories', async () => {
    const client = createClient();
    for (let index = 0; index < 50; index += 1) {
      client.reader.addVersion(buildBigDocument(`big-${index}`, 100, 10_000));
    }
    for (const format of ['json', 'atom', 'rss']) {
      const response = await client.request(`/feeds/latest.${format}`);
      expect(response.status).toBe(200);
      expect(Buffer.byteLength(bodyText(response))).toBeLessThan(4_500_000);
    }
  });
});
