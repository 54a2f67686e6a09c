import type { JSX } from 'hono/jsx/jsx-runtime';
import type { Figure, StoryDocument, StoryMetrics } from '../story/types.ts';
import { formatFigureValue, formatNumber, formatTime } from './format.ts';
import type { PageLinks } from './links.ts';

/** The metrics of SPEC §2 with the names a reader sees, in the order a reader wants them. */
export const METRIC_LABELS: ReadonlyArray<[keyof StoryMetrics, string]> = [
  ['words', 'Words'],
  ['readingMinutes', 'Reading minutes'],
  ['paragraphs', 'Paragraphs'],
  ['sentences', 'Sentences'],
  ['characters', 'Characters'],
  ['citationCount', 'Citations'],
  ['uniqueSources', 'Unique sources'],
  ['uncitedParagraphs', 'Uncited paragraphs'],
  ['citationsPer100Words', 'Citations per 100 words'],
];

/** A citation mark linked to the page of its source. */
export function CitationLink(props: { id: string; links: PageLinks }): JSX.Element {
  return (
    <a class="cite" href={props.links.cited(props.id)} aria-label={`Source ${props.id}`}>
      [{props.id}]
    </a>
  );
}

/** The line under a title: version, marker and time. */
export function VersionMeta(props: { document: StoryDocument; extra?: string }): JSX.Element {
  const { document } = props;
  return (
    <p class="meta">
      <span>
        Version {document.version}
        {document.marker === null ? '' : ` ${document.marker}`}
      </span>
      <time datetime={document.publishedAt}>{formatTime(document.publishedAt)}</time>
      {props.extra === undefined ? null : <span>{props.extra}</span>}
    </p>
  );
}

/** The story as it reads: title, version line, paragraphs with linked citations, disclaimer. */
export function StoryText(props: { document: StoryDocument; links: PageLinks; note?: string }): JSX.Element {
  const { document, links } = props;
  return (
    <article class="story">
      <h1>{document.title}</h1>
      <VersionMeta document={document} extra={props.note} />
      {document.paragraphs.map((paragraph) => (
        <p>
          {paragraph.text}
          {paragraph.citations.map((id) => (
            <>
              {' '}
              <CitationLink id={id} links={links} />
            </>
          ))}
        </p>
      ))}
      {document.disclaimer === null ? null : <p class="disclaimer">{document.disclaimer}</p>}
    </article>
  );
}

/** The figures of a version as a table: text, kind, value, qualifier, paragraph. */
export function FigureTable(props: { figures: Figure[] }): JSX.Element {
  if (props.figures.length === 0) return <p class="note">No figures in this version.</p>;
  return (
    <div class="table-wrap">
      <table>
        <caption>Numeric facts found in the text</caption>
        <thead>
          <tr>
            <th scope="col">Figure</th>
            <th scope="col">Kind</th>
            <th scope="col" class="num">
              Value
            </th>
            <th scope="col" class="num">
              ¶
            </th>
          </tr>
        </thead>
        <tbody>
          {props.figures.map((figure) => (
            <tr>
              <td>{figure.text}</td>
              <td>{figure.qualifier === null ? figure.kind : `${figure.kind} (${figure.qualifier})`}</td>
              <td class="num">{formatFigureValue(figure)}</td>
              <td class="num">{figure.paragraph + 1}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The metrics of a version as a list of labelled values. */
export function MetricList(props: { metrics: StoryMetrics }): JSX.Element {
  return (
    <dl class="metrics">
      {METRIC_LABELS.map(([key, label]) => (
        <div>
          <dt>{label}</dt>
          <dd>{formatNumber(props.metrics[key])}</dd>
        </div>
      ))}
    </dl>
  );
}

/** Every version of a story, highest first, each linked; the one shown is marked. */
export function VersionHistory(props: {
  storyId: string;
  versions: string[];
  current: string;
  links: PageLinks;
}): JSX.Element {
  const { storyId, links } = props;
  return (
    <ol class="versions" reversed>
      {props.versions.map((version) =>
        version === props.current ? (
          <li aria-current="page">
            <strong>{version}</strong> (this page)
          </li>
        ) : (
          <li>
            <a href={links.version(storyId, version)}>{version}</a>
          </li>
        ),
      )}
    </ol>
  );
}

/** The sections under a story: its figures, its metrics and its version history. */
export function StoryFacts(props: {
  document: StoryDocument;
  versions: string[];
  links: PageLinks;
}): JSX.Element {
  const { document } = props;
  return (
    <>
      <section aria-labelledby="figures">
        <h2 id="figures">Figures</h2>
        <FigureTable figures={document.figures} />
      </section>
      <section aria-labelledby="metrics">
        <h2 id="metrics">Metrics</h2>
        <MetricList metrics={document.metrics} />
      </section>
      <section aria-labelledby="history">
        <h2 id="history">Version history</h2>
        <VersionHistory
          storyId={document.storyId}
          versions={props.versions}
          current={document.version}
          links={props.links}
        />
      </section>
    </>
  );
}
