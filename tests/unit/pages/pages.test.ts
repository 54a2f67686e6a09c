import { XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import {
  createPageLinks,
  renderChangesPage,
  renderCitedPage,
  renderErrorPage,
  renderHomePage,
  renderStoryPage,
  renderVersionPage,
  STYLESHEET_PATH,
} from '../../../functions/pages/index.ts';
import { diffVersions } from '../../../functions/story/diff-versions.ts';
import { buildFigure, buildParagraph, buildStoryDocument } from '../../builders/story-document.ts';

const BASE = 'https://news.example.test/prod';
const links = createPageLinks(BASE, STYLESHEET_PATH);

/** Texts that break naive HTML writers: markup, an attribute break-out, CDATA end, an entity, RTL, emoji. */
const HOSTILE = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "' onmouseover='alert(2)",
  ']]>',
  'AT&amp;T',
  'مرحبا بالعالم שלום',
  '🌳👩🏽‍💻',
];
const HOSTILE_TEXT = HOSTILE.join(' ');

/** How a text must appear in element content: with & < > " ' escaped. */
function escaped(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** Every attribute name in the markup (values are quoted and never hold a raw quote). */
function attributeNames(html: string): string[] {
  const tags = html.match(/<[a-zA-Z][\w-]*(?:\s+[\w:-]+(?:="[^"]*")?)*\s*\/?>/g) ?? [];
  return tags.flatMap((tag) => [...tag.matchAll(/\s([\w:-]+)(?:="[^"]*")?/g)].map((match) => match[1] ?? ''));
}

/** Asserts a page is one well-formed document with no injected markup and the hostile text shown escaped. */
function expectSafe(html: string): void {
  expect(html.startsWith('<!DOCTYPE html><html lang="en">')).toBe(true);
  expect(XMLValidator.validate(html.slice('<!DOCTYPE html>'.length))).toBe(true);
  expect(html).not.toContain('<script');
  expect(html).not.toContain('<img');
  expect(html).not.toContain("='alert");
  expect(attributeNames(html).filter((name) => name.startsWith('on'))).toEqual([]);
  expect(html).toContain(escaped(HOSTILE_TEXT));
}

const hostile = buildStoryDocument({
  storyId: 'hostile',
  version: 'v0.2',
  title: HOSTILE_TEXT,
  paragraphs: [buildParagraph(HOSTILE_TEXT, ['25773905']), buildParagraph('Plain second paragraph.')],
  disclaimer: `Disclaimer: ${HOSTILE_TEXT}`,
  figures: [buildFigure({ text: '80.3 billion yuan', paragraph: 0 })],
});
const hostileOlder = buildStoryDocument({
  storyId: 'hostile',
  title: HOSTILE_TEXT,
  version: 'v0.1',
  paragraphs: [buildParagraph('GDP grew to 80.3 in May.', []), buildParagraph('Plain second paragraph.')],
  figures: [buildFigure({ text: '80.3 billion yuan', paragraph: 0 })],
});

describe('renderStoryPage', () => {
  const html = renderStoryPage({
    links,
    head: hostile,
    versions: ['v0.2', 'v0.1'],
    chart: [
      { version: 'v0.1', words: 40, citations: 1, uncitedParagraphs: 1 },
      { version: 'v0.2', words: 52, citations: 3, uncitedParagraphs: 0 },
    ],
  });

  it('escapes hostile titles, paragraphs and disclaimers', () => {
    expectSafe(html);
    expect(html).toContain(`<title>${escaped(HOSTILE_TEXT)} · storyfeed</title>`);
    expect(html).toContain(`<h1>${escaped(HOSTILE_TEXT)}</h1>`);
  });

  it('links the stylesheet by its hashed path and names the story feeds for autodiscovery', () => {
    expect(STYLESHEET_PATH).toMatch(/^\/assets\/style\.[0-9a-f]{16}\.css$/);
    expect(html).toContain(`<link rel="stylesheet" href="${BASE}${STYLESHEET_PATH}"/>`);
    const feeds: Array<[string, string]> = [
      ['atom', 'application/atom+xml'],
      ['rss', 'application/rss+xml'],
      ['json', 'application/feed+json'],
    ];
    for (const [format, type] of feeds) {
      expect(html).toMatch(
        new RegExp(
          `<link rel="alternate" type="${type.replace('+', '\\+')}" title="[^"]*" href="${BASE}/stories/hostile/feed\\.${format}"/>`,
        ),
      );
    }
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1"/>');
  });

  it('links citations to the source page, versions to their pages and the changes from the version before', () => {
    expect(html).toContain(`href="${BASE}/cited/25773905"`);
    expect(html).toContain(`<a href="${BASE}/read/hostile/v0.1">v0.1</a>`);
    expect(html).toContain(`href="${BASE}/read/hostile/changes?from=v0.1&amp;to=v0.2"`);
    expect(html).toContain(`href="${BASE}/stories/hostile/versions/v0.2/raw"`);
  });

  it('draws words, citations and uncited paragraphs per version as inline SVG with a table as text alternative', () => {
    expect(html).toMatch(
      /<svg viewBox="0 0 400 \d+" role="img" aria-labelledby="version-chart-title version-chart-desc"/,
    );
    expect(html).toContain('<polyline class="line"');
    expect(html).toContain('From v0.1 to v0.2: words 40 → 52, citations 1 → 3, uncited paragraphs 1 → 0.');
    expect(html).toContain(
      '<th scope="row">v0.1</th><td class="num">40</td><td class="num">1</td><td class="num">1</td>',
    );
    expect(html).not.toContain('style=');
  });

  it('lists the figures and the metrics', () => {
    expect(html).toContain(
      '<td>80.3 billion yuan</td><td>currency</td><td class="num">80,300,000,000 CNY</td>',
    );
    expect(html).toContain(`<dt>Words</dt><dd>${hostile.metrics.words}</dd>`);
  });

  it('says so instead of linking changes when the head is the first version', () => {
    const single = renderStoryPage({ links, head: hostile, versions: ['v0.2'], chart: [] });
    expect(single).toContain('This is the first version.');
    expect(single).not.toContain('/changes');
  });
});

describe('renderVersionPage', () => {
  it('shows one version with links to its raw text, the changes before it and the latest version', () => {
    const html = renderVersionPage({
      links,
      document: { ...hostile, version: 'v0.2' },
      versions: ['v0.3', 'v0.2', 'v0.1'],
    });
    expectSafe(html);
    expect(html).toContain(`href="${BASE}/stories/hostile/versions/v0.2/raw"`);
    expect(html).toContain(`href="${BASE}/read/hostile/changes?from=v0.1&amp;to=v0.2"`);
    expect(html).toContain(`<a href="${BASE}/read/hostile">Latest version (v0.3)</a>`);
    expect(html).toContain('<li aria-current="page"><strong>v0.2</strong> (this page)</li>');
  });
});

describe('renderChangesPage', () => {
  const newer = buildStoryDocument({
    storyId: 'hostile',
    version: 'v0.2',
    title: HOSTILE_TEXT,
    paragraphs: [buildParagraph('GDP grew to 95.1 in May.', ['25773905']), ...hostile.paragraphs],
    figures: [buildFigure({ text: '95.1 billion yuan', value: 95.1e9, paragraph: 0 })],
  });
  const diff = diffVersions(hostileOlder, newer);
  const html = renderChangesPage({
    links,
    storyId: 'hostile',
    title: HOSTILE_TEXT,
    diff,
    versions: ['v0.2', 'v0.1'],
  });

  it('marks a changed number as one removed and one added word', () => {
    expectSafe(html);
    expect(html).toContain('GDP grew to <del>80.3</del><ins>95.1</ins> in May.');
  });

  it('shows added paragraphs, figures old → new, citations and metric deltas', () => {
    expect(html).toContain(`<ins>${escaped(HOSTILE_TEXT)}</ins>`);
    expect(html).toMatch(/<del>80\.3 billion yuan <span class="note">\(80,300,000,000 CNY\)<\/span><\/del>/);
    expect(html).toMatch(/<ins>95\.1 billion yuan <span class="note">\(95,100,000,000 CNY\)<\/span><\/ins>/);
    expect(html).toContain(`Added: <a class="cite" href="${BASE}/cited/25773905"`);
    expect(html).toContain(
      `<th scope="row">Paragraphs</th><td class="num">2</td><td class="num">3</td><td class="num">+1</td>`,
    );
  });

  it('offers a form to compare two other versions, without script', () => {
    expect(html).toContain(`<form class="compare" method="get" action="${BASE}/read/hostile/changes">`);
    expect(html).toContain('<option value="v0.1" selected="">v0.1</option>');
  });
});

describe('renderHomePage', () => {
  it('lists the latest stories with title, version, time and first paragraph, and the three feeds', () => {
    const html = renderHomePage({
      links,
      stories: [
        {
          storyId: 'hostile',
          title: HOSTILE_TEXT,
          version: 'v0.2',
          publishedAt: '2024-07-05T15:33:01.103Z',
          firstParagraph: HOSTILE_TEXT,
        },
      ],
      nextUrl: `${BASE}/?limit=1&cursor=abc`,
    });
    expectSafe(html);
    expect(html).toContain(`<a href="${BASE}/read/hostile">${escaped(HOSTILE_TEXT)}</a>`);
    expect(html).toContain('<time datetime="2024-07-05T15:33:01.103Z">2024-07-05 15:33 UTC</time>');
    expect(html).toContain(`<a href="${BASE}/?limit=1&amp;cursor=abc" rel="next">`);
    for (const format of ['atom', 'rss', 'json']) {
      expect(html).toContain(`href="${BASE}/feeds/latest.${format}"`);
    }
  });

  it('says there are no stories yet on an empty list', () => {
    expect(renderHomePage({ links, stories: [], nextUrl: null })).toContain('No stories yet.');
  });
});

describe('renderCitedPage', () => {
  it('lists the citing versions with the citing paragraphs and marks the source', () => {
    const html = renderCitedPage({
      links,
      citationId: '25773905',
      items: [
        {
          storyId: 'hostile',
          version: 'v0.2',
          title: HOSTILE_TEXT,
          publishedAt: '2024-07-05T15:33:01.103Z',
          paragraphs: [buildParagraph(HOSTILE_TEXT, ['25773905', '934f7ccc'])],
        },
      ],
      nextUrl: null,
    });
    expectSafe(html);
    expect(html).toContain(`<a href="${BASE}/read/hostile/v0.2">${escaped(HOSTILE_TEXT)}</a>`);
    expect(html).toContain('<mark>[25773905]</mark>');
    expect(html).toContain(`href="${BASE}/cited/934f7ccc"`);
    expect(html).toContain(`href="${BASE}/sources/25773905/feed.atom"`);
  });
});

describe('renderErrorPage', () => {
  it('tells a 410 as retracted and escapes the message', () => {
    const html = renderErrorPage({ links, status: 410, message: HOSTILE_TEXT });
    expectSafe(html);
    expect(html).toContain('<h1>Retracted</h1>');
    expect(html).toContain(`<a href="${BASE}/">Back to the latest stories</a>`);
  });
});
