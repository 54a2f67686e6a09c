import { createHash } from 'node:crypto';

/**
 * The one stylesheet of every page: a calm news-article layout, system fonts only, light and dark
 * by prefers-color-scheme, no horizontal scroll at 375 px. Served by the API function itself.
 */
export const STYLESHEET_CSS = `
:root {
  color-scheme: light dark;
  --text: #1d1d1f;
  --muted: #5b5b62;
  --paper: #fdfcf9;
  --rule: #dedbd2;
  --accent: #1a5a96;
  --added-bg: #dcf2df;
  --added-text: #0f4d1a;
  --removed-bg: #fbe1e1;
  --removed-text: #7a1414;
  --chart-line: #1a5a96;
  --chart-grid: #dedbd2;
}
@media (prefers-color-scheme: dark) {
  :root {
    --text: #e8e6e1;
    --muted: #a9a7a0;
    --paper: #16171a;
    --rule: #34363b;
    --accent: #8cc4ff;
    --added-bg: #173a20;
    --added-text: #c6f0cf;
    --removed-bg: #471c1c;
    --removed-text: #ffd0d0;
    --chart-line: #8cc4ff;
    --chart-grid: #34363b;
  }
}
*, *::before, *::after { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body {
  margin: 0;
  background: var(--paper);
  color: var(--text);
  font: 1.0625rem/1.65 Georgia, "Iowan Old Style", "Times New Roman", serif;
  overflow-wrap: anywhere;
}
a { color: var(--accent); text-underline-offset: 0.15em; }
a:focus-visible, button:focus-visible, select:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.skip { position: absolute; left: -9999px; }
.skip:focus { left: 1rem; top: 0.5rem; background: var(--paper); padding: 0.25rem 0.5rem; }
.site-header, .site-footer, main { max-width: 42rem; margin: 0 auto; padding: 0 1.25rem; }
.site-header {
  display: flex; flex-wrap: wrap; align-items: baseline; justify-content: space-between; gap: 0.5rem 1rem;
  padding-top: 1rem; padding-bottom: 0.75rem; border-bottom: 1px solid var(--rule);
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
}
.site-name { font-weight: 700; font-size: 1.1rem; letter-spacing: 0.02em; color: var(--text); text-decoration: none; }
.site-header nav, .site-footer, .meta, .note, table, .chart figcaption, form, .pager, .story-list .meta, dl {
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
}
.site-header nav { font-size: 0.9rem; display: flex; flex-wrap: wrap; gap: 0.25rem 0.9rem; }
main { padding-top: 1.5rem; padding-bottom: 2rem; }
h1 { font-size: 1.9rem; line-height: 1.25; margin: 0.25rem 0 0.5rem; }
h2 { font-size: 1.25rem; line-height: 1.3; margin: 2.25rem 0 0.75rem; padding-top: 0.75rem; border-top: 1px solid var(--rule); }
h3 { font-size: 1.05rem; margin: 1.5rem 0 0.5rem; }
.meta { color: var(--muted); font-size: 0.9rem; margin: 0 0 1.25rem; }
.meta > * + *::before { content: " · "; }
.story p { margin: 0 0 1.1rem; }
.cite { font-family: system-ui, sans-serif; font-size: 0.75em; white-space: nowrap; text-decoration: none; }
.cite:hover { text-decoration: underline; }
.disclaimer { color: var(--muted); font-size: 0.9rem; font-style: italic; border-top: 1px solid var(--rule); padding-top: 0.75rem; }
.actions { display: flex; flex-wrap: wrap; gap: 0.5rem 1.25rem; font-family: system-ui, sans-serif; font-size: 0.95rem; margin: 1rem 0; padding: 0; list-style: none; }
.note { color: var(--muted); font-size: 0.9rem; }
.table-wrap { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; width: 100%; font-size: 0.88rem; margin: 0.5rem 0 1rem; }
caption { text-align: left; color: var(--muted); padding-bottom: 0.25rem; }
th, td { overflow-wrap: break-word; text-align: left; padding: 0.35rem 0.5rem 0.35rem 0; border-bottom: 1px solid var(--rule); vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; padding-right: 0; padding-left: 0.5rem; }
dl.metrics { display: grid; grid-template-columns: repeat(auto-fill, minmax(9.5rem, 1fr)); gap: 0.75rem 1rem; margin: 0; }
dl.metrics div { border-left: 3px solid var(--rule); padding-left: 0.6rem; }
dl.metrics dt { color: var(--muted); font-size: 0.8rem; }
dl.metrics dd { margin: 0; font-size: 1.15rem; font-variant-numeric: tabular-nums; }
.versions { padding-left: 1.25rem; font-family: system-ui, sans-serif; font-size: 0.95rem; }
.versions li { margin: 0.2rem 0; }
.chart { margin: 0.5rem 0 1rem; }
.chart svg { display: block; width: 100%; max-width: 32rem; height: auto; }
.chart .grid { stroke: var(--chart-grid); stroke-width: 1; }
.chart .line { fill: none; stroke: var(--chart-line); stroke-width: 2.5; stroke-linejoin: round; stroke-linecap: round; }
.chart .dot { fill: var(--chart-line); }
.chart text { fill: var(--muted); font: 13px system-ui, sans-serif; }
.chart text.label { fill: var(--text); font-weight: 600; }
.chart figcaption { color: var(--muted); font-size: 0.85rem; }
details { margin: 0.5rem 0 1rem; }
summary { cursor: pointer; font-family: system-ui, sans-serif; font-size: 0.9rem; color: var(--accent); }
.story-list { list-style: none; padding: 0; margin: 0; }
.story-list li { padding: 1rem 0 1.1rem; border-bottom: 1px solid var(--rule); }
.story-list h2 { border: 0; margin: 0 0 0.2rem; padding: 0; font-size: 1.3rem; }
.story-list h2 a { color: var(--text); text-decoration: none; }
.story-list h2 a:hover { text-decoration: underline; }
.story-list .meta { margin-bottom: 0.4rem; }
.story-list p { margin: 0; }
.pager { margin: 1.5rem 0; font-size: 0.95rem; }
blockquote { margin: 0.5rem 0 1rem; padding: 0 0 0 1rem; border-left: 3px solid var(--rule); }
ins, del { text-decoration: none; border-radius: 2px; padding: 0 0.1em; }
ins { background: var(--added-bg); color: var(--added-text); }
del + ins { margin-left: 0.2em; }
del { background: var(--removed-bg); color: var(--removed-text); text-decoration: line-through; text-decoration-thickness: 1px; }
.change { margin: 0 0 1.25rem; }
.change-label { font-family: system-ui, sans-serif; font-size: 0.8rem; color: var(--muted); margin: 0 0 0.2rem; }
.delta-up::before { content: "+"; }
form.compare { display: flex; flex-wrap: wrap; align-items: end; gap: 0.5rem 1rem; margin: 0.5rem 0 1.25rem; font-size: 0.95rem; }
form.compare label { display: flex; flex-direction: column; gap: 0.2rem; color: var(--muted); font-size: 0.85rem; }
select, button { font: inherit; font-size: 0.95rem; padding: 0.3rem 0.5rem; color: var(--text); background: var(--paper); border: 1px solid var(--muted); border-radius: 4px; }
button { cursor: pointer; }
.site-footer { border-top: 1px solid var(--rule); padding-top: 1rem; padding-bottom: 2rem; color: var(--muted); font-size: 0.85rem; }
.site-footer ul { list-style: none; padding: 0; margin: 0.25rem 0 0; display: flex; flex-wrap: wrap; gap: 0.25rem 1rem; }
.error-code { font-family: system-ui, sans-serif; color: var(--muted); font-size: 0.95rem; margin: 0; }
@media (max-width: 30rem) {
  body { font-size: 1rem; }
  h1 { font-size: 1.55rem; }
  .site-header, .site-footer, main { padding-left: 1rem; padding-right: 1rem; }
}
`.trimStart();

/** The stylesheet's URL path: its content hash in the name, so it can be cached for a year. */
export const STYLESHEET_PATH = `/assets/style.${createHash('sha256').update(STYLESHEET_CSS).digest('hex').slice(0, 16)}.css`;
