import type { Figure, StoryDocument, StoryMetrics } from '../story/types.ts';
import { escapeHtml } from './xml.ts';

const METRIC_LABELS: ReadonlyArray<[keyof StoryMetrics, string]> = [
  ['words', 'Words'],
  ['sentences', 'Sentences'],
  ['paragraphs', 'Paragraphs'],
  ['characters', 'Characters'],
  ['readingMinutes', 'Reading minutes'],
  ['citationCount', 'Citations'],
  ['uniqueSources', 'Unique sources'],
  ['uncitedParagraphs', 'Uncited paragraphs'],
  ['citationsPer100Words', 'Citations per 100 words'],
];

/** The version line shown under the content: label, marker and timestamp. */
function describeVersion(document: StoryDocument): string {
  const marker = document.marker === null ? '' : ` ${document.marker}`;
  return `Version ${document.version}${marker}, published ${document.publishedAt}`;
}

/** One figure as a line of text: its span, kind, value with unit, and qualifier when there is one. */
function describeFigure(figure: Figure): string {
  const value = figure.value.toLocaleString('en-US', {
    maximumFractionDigits: 6,
    useGrouping: figure.kind !== 'year',
  });
  const qualifier = figure.qualifier === null ? '' : `, qualifier: ${figure.qualifier}`;
  return `${figure.text}: ${figure.kind}, ${value} ${figure.unit}${qualifier}`;
}

function sourceUrl(baseUrl: string, id: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/sources/${encodeURIComponent(id)}`;
}

/**
 * Renders a story version as an HTML fragment: its paragraphs with citations as links to `{baseUrl}/sources/{id}`,
 * its figures, its metrics, its version line and its disclaimer. All document text is HTML-escaped.
 */
export function renderContentHtml(document: StoryDocument, baseUrl: string): string {
  const parts = document.paragraphs.map((paragraph) => {
    const links = paragraph.citations.map(
      (id) => ` <a href="${escapeHtml(sourceUrl(baseUrl, id))}">[${escapeHtml(id)}]</a>`,
    );
    return `<p>${escapeHtml(paragraph.text)}${links.join('')}</p>`;
  });
  if (document.figures.length > 0) {
    const items = document.figures.map((figure) => `<li>${escapeHtml(describeFigure(figure))}</li>`);
    parts.push(`<h3>Figures</h3><ul>${items.join('')}</ul>`);
  }
  const metrics = METRIC_LABELS.map(([key, label]) => `<li>${label}: ${document.metrics[key]}</li>`);
  parts.push(`<h3>Metrics</h3><ul>${metrics.join('')}</ul>`);
  parts.push(`<p><small>${escapeHtml(describeVersion(document))}</small></p>`);
  if (document.disclaimer !== null) {
    parts.push(`<p><small>${escapeHtml(document.disclaimer)}</small></p>`);
  }
  return parts.join('\n');
}

/** Renders the same content as renderContentHtml as plain text: citations as `[id]`, lists as `- ` lines. */
export function renderContentText(document: StoryDocument): string {
  const parts = document.paragraphs.map((paragraph) =>
    [paragraph.text, ...paragraph.citations.map((id) => `[${id}]`)].join(' '),
  );
  if (document.figures.length > 0) {
    parts.push(['Figures:', ...document.figures.map((figure) => `- ${describeFigure(figure)}`)].join('\n'));
  }
  parts.push(
    ['Metrics:', ...METRIC_LABELS.map(([key, label]) => `- ${label}: ${document.metrics[key]}`)].join('\n'),
  );
  parts.push(describeVersion(document));
  if (document.disclaimer !== null) {
    parts.push(document.disclaimer);
  }
  return parts.join('\n\n');
}

/** The summary of a story version: its first paragraph's text. */
export function renderSummary(document: StoryDocument): string {
  return document.paragraphs[0]?.text ?? '';
}
