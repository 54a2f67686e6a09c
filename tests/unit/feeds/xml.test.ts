import { describe, expect, it } from 'vitest';
import {
  escapeHtml,
  escapeXmlAttribute,
  escapeXmlText,
  stripInvalidXmlChars,
} from '../../../functions/feeds/xml.ts';
import { createExactXmlParser, HOSTILE_TEXT, HOSTILE_TEXT_IN_XML } from '../../builders/feed-model.ts';

const parser = createExactXmlParser();

function roundTrip(value: string): { text: string; attribute: string } {
  const parsed = parser.parse(`<a b="${escapeXmlAttribute(value)}">${escapeXmlText(value)}</a>`);
  return { text: parsed.a['#text'] ?? '', attribute: parsed.a['@_b'] };
}

describe('stripInvalidXmlChars', () => {
  it('removes every C0 control except tab, LF and CR', () => {
    const c0 = Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).join('');
    expect(stripInvalidXmlChars(c0)).toBe('\t\n\r');
  });

  it('removes U+FFFE, U+FFFF and lone surrogates but keeps surrogate pairs', () => {
    expect(stripInvalidXmlChars('a\uFFFEb\uFFFFc\uD800d\uDC00e🌳\uFFFD')).toBe('abcde🌳\uFFFD');
  });

  it('keeps DEL, C1 controls, bidi controls and right-to-left text', () => {
    const kept = '\u007F\u0080\u0085\u009F \u202Eשלום مرحبا\u202C';
    expect(stripInvalidXmlChars(kept)).toBe(kept);
  });
});

describe('escapeXmlText and escapeXmlAttribute', () => {
  it('give hostile text back through an XML parser without what XML cannot carry', () => {
    expect(roundTrip(HOSTILE_TEXT)).toEqual({ text: HOSTILE_TEXT_IN_XML, attribute: HOSTILE_TEXT_IN_XML });
  });

  it('keep CR, LF and tabs through end-of-line and attribute normalisation', () => {
    expect(roundTrip('a\r\nb\tc\rd\ne')).toEqual({ text: 'a\r\nb\tc\rd\ne', attribute: 'a\r\nb\tc\rd\ne' });
  });

  it('escape an existing entity once more instead of trusting it', () => {
    expect(escapeXmlText('AT&amp;T <b>')).toBe('AT&amp;amp;T &lt;b&gt;');
    expect(roundTrip('AT&amp;T &#60;').text).toBe('AT&amp;T &#60;');
  });
});

describe('escapeHtml', () => {
  it('escapes the five HTML-significant characters and nothing else', () => {
    expect(escapeHtml(`<a href="x">'&'</a> 🌳`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt; 🌳',
    );
  });
});
