import { describe, expect, it } from 'vitest';
import { renderContentHtml, renderContentText } from '../../../functions/feeds/content.ts';
import { BASE_URL, createExactXmlParser, HOSTILE_TEXT } from '../../builders/feed-model.ts';
import { buildFigure, buildParagraph, buildStoryDocument } from '../../builders/story-document.ts';

const parser = createExactXmlParser(['p', 'a', 'li', 'ul', 'h3']);

interface Fragment {
  p: Array<string | { '#text'?: string; a?: Array<{ '#text': string; '@_href': string }>; small?: string }>;
  h3?: string[];
  ul?: Array<{ li: string[] }>;
  script?: unknown;
}

/** Parses an HTML fragment the way a strict reader would (it is well-formed markup). */
function parseFragment(html: string): Fragment {
  return parser.parse(`<div>${html}</div>`).div;
}

describe('renderContentHtml', () => {
  it('renders each paragraph with its citations as links to /sources/{id}', () => {
    const document = buildStoryDocument({
      paragraphs: [
        buildParagraph('First claim.', ['25773905', '934f7ccc']),
        buildParagraph('Uncited claim.'),
      ],
    });
    const fragment = parseFragment(renderContentHtml(document, BASE_URL));
    const [first, second] = fragment.p;
    expect(first).toMatchObject({
      a: [
        { '#text': '[25773905]', '@_href': `${BASE_URL}/sources/25773905` },
        { '#text': '[934f7ccc]', '@_href': `${BASE_URL}/sources/934f7ccc` },
      ],
    });
    expect(typeof first === 'object' ? first['#text']?.trim() : first).toBe('First claim.');
    expect(second).toBe('Uncited claim.');
  });

  it('lists every figure with its kind, value, unit and qualifier', () => {
    const document = buildStoryDocument();
    const fragment = parseFragment(renderContentHtml(document, BASE_URL));
    expect(fragment.h3).toEqual(['Figures', 'Metrics']);
    const figures = fragment.ul?.[0]?.li ?? [];
    expect(figures).toHaveLength(document.figures.length);
    expect(figures).toContain('80.3 billion yuan: currency, 80,300,000,000 CNY');
    expect(figures).toContain('over 30 percent: percent, 30 %, qualifier: over');
    expect(figures).toContain('In 1980: year, 1980 year');
  });

  it('lists the metrics with their values', () => {
    const document = buildStoryDocument();
    const metrics = parseFragment(renderContentHtml(document, BASE_URL)).ul?.[1]?.li ?? [];
    expect(metrics).toContain(`Words: ${document.metrics.words}`);
    expect(metrics).toContain(`Reading minutes: ${document.metrics.readingMinutes}`);
    expect(metrics).toContain(`Citations: ${document.metrics.citationCount}`);
    expect(metrics).toContain(`Unique sources: ${document.metrics.uniqueSources}`);
    expect(metrics).toContain(`Citations per 100 words: ${document.metrics.citationsPer100Words}`);
  });

  it('ends with the version line and the disclaimer in small print', () => {
    const document = buildStoryDocument({ disclaimer: 'Disclaimer: <b>not</b> advice & so on.' });
    const smalls = parseFragment(renderContentHtml(document, BASE_URL)).p.slice(-2);
    expect(smalls).toEqual([
      { small: 'Version v0.12 🌳, published 2024-07-05T15:33:01.103Z' },
      { small: 'Disclaimer: <b>not</b> advice & so on.' },
    ]);
  });

  it('leaves out the figures heading and the disclaimer when there are none', () => {
    const document = buildStoryDocument({
      paragraphs: [buildParagraph('Plain.')],
      figures: [],
      disclaimer: null,
    });
    const fragment = parseFragment(renderContentHtml(document, BASE_URL));
    expect(fragment.h3).toEqual(['Metrics']);
    expect(fragment.p).toHaveLength(2);
  });

  it('escapes hostile paragraph text so it reads back unchanged and injects no element', () => {
    const document = buildStoryDocument({ paragraphs: [buildParagraph(HOSTILE_TEXT)] });
    const html = renderContentHtml(document, BASE_URL);
    expect(html).not.toContain('<script>');
    const fragment = parseFragment(html);
    expect(fragment.p[0]).toBe(HOSTILE_TEXT);
    expect(fragment.script).toBeUndefined();
  });
});

describe('renderContentText', () => {
  it('gives the same content as plain text with citations in brackets', () => {
    const document = buildStoryDocument({
      paragraphs: [buildParagraph('First <claim> & more.', ['25773905']), buildParagraph('Second.')],
      figures: [buildFigure({ text: '5.2%', value: 5.2, kind: 'percent', unit: '%', paragraph: 1 })],
    });
    const blocks = renderContentText(document).split('\n\n');
    expect(blocks[0]).toBe('First <claim> & more. [25773905]');
    expect(blocks[1]).toBe('Second.');
    expect(blocks[2]).toBe('Figures:\n- 5.2%: percent, 5.2 %');
    expect(blocks[3]).toContain(`- Words: ${document.metrics.words}`);
    expect(blocks.at(-1)).toBe(document.disclaimer);
  });
});
