/**
 * Characters that XML 1.0 cannot carry at all, not even as character references: most C0 controls, U+FFFE,
 * U+FFFF and lone surrogates (the `u` flag makes a lone surrogate one code point outside every allowed range).
 */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

const TEXT_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  // A literal CR would be read back as LF (XML end-of-line handling); a reference survives.
  '\r': '&#13;',
};

const ATTRIBUTE_ESCAPES: Record<string, string> = {
  ...TEXT_ESCAPES,
  // Attribute-value normalisation turns literal tabs and newlines into spaces; references survive.
  '\t': '&#9;',
  '\n': '&#10;',
};

/** Removes the characters XML 1.0 cannot represent; everything else is kept as is. */
export function stripInvalidXmlChars(value: string): string {
  return value.replace(NOT_XML_CHAR, '');
}

/** Escapes a string for XML character data: strips what XML cannot carry, then escapes & < > " ' and CR. */
export function escapeXmlText(value: string): string {
  return stripInvalidXmlChars(value).replace(/[&<>"'\r]/g, (c) => TEXT_ESCAPES[c] ?? c);
}

/** Escapes a string for a double- or single-quoted XML attribute value, keeping tabs and newlines intact. */
export function escapeXmlAttribute(value: string): string {
  return stripInvalidXmlChars(value).replace(/[&<>"'\r\n\t]/g, (c) => ATTRIBUTE_ESCAPES[c] ?? c);
}

/** Renders `<name attr="…">text</name>` with the attributes and text escaped; `null` attributes are left out. */
export function renderXmlElement(
  name: string,
  text: string | null,
  attributes: Record<string, string | null> = {},
): string {
  const rendered = Object.entries(attributes)
    .filter((entry): entry is [string, string] => entry[1] !== null)
    .map(([key, value]) => ` ${key}="${escapeXmlAttribute(value)}"`)
    .join('');
  return text === null ? `<${name}${rendered}/>` : `<${name}${rendered}>${escapeXmlText(text)}</${name}>`;
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML (element content and quoted attributes): & < > " '. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}
