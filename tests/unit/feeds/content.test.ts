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
  it('renders each paragraph with its citations as links to the source page /cited/{id}', () => {
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
        { '#text': '[25773905]', '@_href': `${BASE_URL}/cited/25773905` },
        { '#text': '[934f7ccc]', '@_href': `${BASE_URL}/cited/934f7ccc` },
      ],
    });
    expect(typeof first === 'object' ? first['#text']?.trim() : first).toBe('First claim.');
    expect(second).toBe('Uncited claim.');
  });

  it('holds the story only: no figures, metrics or version line', () => {
    const document = buildStoryDocument();
    const html = renderContentHtml(document, BASE_URL);
    const fragment = parseFragment(html);
    expect(fragment.h3).toBeUndefined();
    expect(fragment.ul).toBeUndefined();
    expect(html).not.toContain('Words');
    expect(html).not.toContain(document.publishedAt);
    expect(fragment.p).toHaveLength(document.paragraphs.length + 1);
  });

  it('ends with the disclaimer in small print', () => {
    const document = buildStoryDocument({ disclaimer: 'Disclaimer: <b>not</b> advice & so on.' });
    expect(parseFragment(renderContentHtml(document, BASE_URL)).p.at(-1)).toEqual({
      small: 'Disclaimer: <b>not</b> advice & so on.',
    });
  });

  it('leaves out the disclaimer when there is none', () => {
    const document = buildStoryDocument({ paragraphs: [buildParagraph('Plain.')], disclaimer: null });
    expect(parseFragment(renderContentHtml(document, BASE_URL)).p).toEqual(['Plain.']);
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
    expect(renderContentText(document).split('\n\n')).toEqual([
      'First <claim> & more. [25773905]',
      'Second.',
      document.disclaimer,
    ]);
  });
});
