import type { JSX } from 'hono/jsx/jsx-runtime';
import type { VersionDiff, WordChange } from '../story/diff-versions.ts';
import type { Figure } from '../story/types.ts';
import { formatDelta, formatFigureValue, formatNumber } from './format.ts';
import { Layout, renderDocument } from './layout.tsx';
import type { PageLinks } from './links.ts';
import { CitationLink, METRIC_LABELS } from './story-parts.tsx';

export interface ChangesPageModel {
  links: PageLinks;
  storyId: string;
  /** The title of the newer version. */
  title: string;
  diff: VersionDiff;
  /** Every version label of the story, highest first, for the compare form. */
  versions: string[];
}

function Words(props: { words: WordChange[] }): JSX.Element {
  return (
    <>
      {props.words.map((word) =>
        word.op === 'added' ? (
          <ins>{word.text}</ins>
        ) : word.op === 'removed' ? (
          <del>{word.text}</del>
        ) : (
          word.text
        ),
      )}
    </>
  );
}

function FigureCell(props: { figure: Figure }): JSX.Element {
  return (
    <>
      {props.figure.text} <span class="note">({formatFigureValue(props.figure)})</span>
    </>
  );
}

function VersionSelect(props: {
  name: string;
  label: string;
  versions: string[];
  selected: string;
}): JSX.Element {
  return (
    <label>
      {props.label}
      <select name={props.name}>
        {props.versions.map((version) => (
          <option value={version} selected={version === props.selected}>
            {version}
          </option>
        ))}
      </select>
    </label>
  );
}

function ParagraphChanges(props: { diff: VersionDiff }): JSX.Element {
  const { added, removed, changed } = props.diff.paragraphs;
  if (added.length + removed.length + changed.length === 0) {
    return <p class="note">The text of the paragraphs did not change.</p>;
  }
  return (
    <>
      {changed.map((paragraph) => (
        <div class="change">
          <p class="change-label">
            Paragraph {paragraph.toIndex + 1} changed
            {paragraph.fromIndex === paragraph.toIndex ? '' : ` (was paragraph ${paragraph.fromIndex + 1})`}
          </p>
          <p>
            <Words words={paragraph.words} />
          </p>
        </div>
      ))}
      {added.map((paragraph) => (
        <div class="change">
          <p class="change-label">Paragraph {paragraph.index + 1} added</p>
          <p>
            <ins>{paragraph.text}</ins>
          </p>
        </div>
      ))}
      {removed.map((paragraph) => (
        <div class="change">
          <p class="change-label">Paragraph {paragraph.index + 1} of the older version removed</p>
          <p>
            <del>{paragraph.text}</del>
          </p>
        </div>
      ))}
    </>
  );
}

function FigureChanges(props: { diff: VersionDiff }): JSX.Element {
  const { added, removed, changed } = props.diff.figures;
  if (added.length + removed.length + changed.length === 0) {
    return <p class="note">No figure changed.</p>;
  }
  return (
    <div class="table-wrap">
      <table>
        <caption>Figures changed, added and removed</caption>
        <thead>
          <tr>
            <th scope="col">Change</th>
            <th scope="col">Before</th>
            <th scope="col">After</th>
          </tr>
        </thead>
        <tbody>
          {changed.map((change) => (
            <tr>
              <td>changed</td>
              <td>
                <del>
                  <FigureCell figure={change.from} />
                </del>
              </td>
              <td>
                <ins>
                  <FigureCell figure={change.to} />
                </ins>
              </td>
            </tr>
          ))}
          {added.map((figure) => (
            <tr>
              <td>added</td>
              <td>—</td>
              <td>
                <ins>
                  <FigureCell figure={figure} />
                </ins>
              </td>
            </tr>
          ))}
          {removed.map((figure) => (
            <tr>
              <td>removed</td>
              <td>
                <del>
                  <FigureCell figure={figure} />
                </del>
              </td>
              <td>—</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function CitationChanges(props: { diff: VersionDiff; links: PageLinks }): JSX.Element {
  const { added, removed } = props.diff.citations;
  if (added.length + removed.length === 0) return <p class="note">The same sources are cited.</p>;
  return (
    <ul>
      {added.map((id) => (
        <li>
          Added: <CitationLink id={id} links={props.links} />
        </li>
      ))}
      {removed.map((id) => (
        <li>
          Removed: <CitationLink id={id} links={props.links} />
        </li>
      ))}
    </ul>
  );
}

function MetricChanges(props: { diff: VersionDiff }): JSX.Element {
  const { diff } = props;
  return (
    <div class="table-wrap">
      <table>
        <caption>
          Metrics of {diff.from} and {diff.to}
        </caption>
        <thead>
          <tr>
            <th scope="col">Metric</th>
            <th scope="col" class="num">
              {diff.from}
            </th>
            <th scope="col" class="num">
              {diff.to}
            </th>
            <th scope="col" class="num">
              Change
            </th>
          </tr>
        </thead>
        <tbody>
          {METRIC_LABELS.map(([key, label]) => (
            <tr>
              <th scope="row">{label}</th>
              <td class="num">{formatNumber(diff.metrics[key].from)}</td>
              <td class="num">{formatNumber(diff.metrics[key].to)}</td>
              <td class="num">{formatDelta(diff.metrics[key].delta)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * Renders `GET /read/{storyId}/changes`: paragraphs added, removed and changed with word marks
 * that keep numbers whole, figures changed (old → new), citations added and removed, metric deltas.
 */
export function renderChangesPage(model: ChangesPageModel): string {
  const { links, diff, storyId } = model;
  return renderDocument(
    <Layout
      title={`${model.title}: changes from ${diff.from} to ${diff.to}`}
      links={links}
      feeds={[{ path: `/stories/${storyId}/feed`, title: `${model.title}: every version` }]}
    >
      <h1>{model.title}</h1>
      <p class="meta">
        <span>
          Changes from <a href={links.version(storyId, diff.from)}>{diff.from}</a> to{' '}
          <a href={links.version(storyId, diff.to)}>{diff.to}</a>
        </span>
      </p>
      <form class="compare" method="get" action={links.changes(storyId)}>
        <VersionSelect name="from" label="From" versions={model.versions} selected={diff.from} />
        <VersionSelect name="to" label="To" versions={model.versions} selected={diff.to} />
        <button type="submit">Compare</button>
      </form>
      <ul class="actions">
        <li>
          <a href={links.story(storyId)}>Read the latest version</a>
        </li>
        <li>
          <a
            href={`${links.storyJson(storyId)}/diff?${new URLSearchParams({ from: diff.from, to: diff.to })}`}
          >
            These changes as JSON
          </a>
        </li>
      </ul>
      <section aria-labelledby="paragraphs">
        <h2 id="paragraphs">Text</h2>
        <ParagraphChanges diff={diff} />
      </section>
      <section aria-labelledby="figures">
        <h2 id="figures">Figures</h2>
        <FigureChanges diff={diff} />
      </section>
      <section aria-labelledby="citations">
        <h2 id="citations">Sources</h2>
        <CitationChanges diff={diff} links={links} />
      </section>
      <section aria-labelledby="metrics">
        <h2 id="metrics">Metrics</h2>
        <MetricChanges diff={diff} />
      </section>
    </Layout>,
  );
}
