import type { JSX } from 'hono/jsx/jsx-runtime';
import { formatNumber } from './format.ts';

/** One version's numbers in the chart. */
export interface ChartPoint {
  version: string;
  words: number;
  citations: number;
  uncitedParagraphs: number;
}

const SERIES: ReadonlyArray<[keyof Omit<ChartPoint, 'version'>, string]> = [
  ['words', 'Words'],
  ['citations', 'Citations'],
  ['uncitedParagraphs', 'Uncited paragraphs'],
];
const WIDTH = 400;
const LEFT = 12;
const RIGHT = 12;
const PANEL = 86;
const PLOT = 42;
/** Space above each panel's plot for its label. */
const PLOT_TOP = 28;
const AXIS = 28;
const MAX_LABELS = 8;

function xOf(index: number, count: number): number {
  if (count <= 1) return WIDTH / 2;
  return LEFT + ((WIDTH - LEFT - RIGHT) * index) / (count - 1);
}

/** Which versions get a label under the axis: the first, the last and evenly spaced ones between. */
function labelledIndexes(count: number): Set<number> {
  if (count <= MAX_LABELS) return new Set(Array.from({ length: count }, (_, i) => i));
  const step = (count - 1) / (MAX_LABELS - 1);
  return new Set(Array.from({ length: MAX_LABELS }, (_, i) => Math.round(i * step)));
}

/**
 * How words, citations and uncited paragraphs moved across versions (oldest first): one small
 * panel per measure, each spanning its own lowest to highest value, as inline SVG (no script),
 * with a table as its text alternative.
 */
/** A dashed rule across the plot at height `y` (a panel's lowest or highest value). */
function GridLine(props: { y: number }) {
  return <line class="grid" x1={LEFT} x2={WIDTH - RIGHT} y1={props.y} y2={props.y} stroke-dasharray="3 4" />;
}

export function VersionChart(props: { points: ChartPoint[]; id: string }): JSX.Element {
  const { points } = props;
  const count = points.length;
  const height = PANEL * SERIES.length + AXIS;
  const labelled = labelledIndexes(count);
  const first = points[0];
  const last = points[count - 1];
  const summary =
    first && last
      ? `From ${first.version} to ${last.version}: words ${formatNumber(first.words)} → ${formatNumber(last.words)}, ` +
        `citations ${formatNumber(first.citations)} → ${formatNumber(last.citations)}, ` +
        `uncited paragraphs ${formatNumber(first.uncitedParagraphs)} → ${formatNumber(last.uncitedParagraphs)}.`
      : 'No versions.';
  return (
    <figure class="chart">
      <svg
        viewBox={`0 0 ${WIDTH} ${height}`}
        role="img"
        aria-labelledby={`${props.id}-title ${props.id}-desc`}
        xmlns="http://www.w3.org/2000/svg"
      >
        <title id={`${props.id}-title`}>Words, citations and uncited paragraphs per version</title>
        <desc id={`${props.id}-desc`}>{summary}</desc>
        {SERIES.map(([key, label], row) => {
          const top = row * PANEL;
          const values = points.map((point) => point[key]);
          const low = Math.min(...values, Number.POSITIVE_INFINITY);
          const high = Math.max(...values, Number.NEGATIVE_INFINITY);
          const span = high - low;
          // Each panel spans its own lowest to highest value (labelled), so small moves show.
          const yOf = (value: number): number =>
            span > 0 ? PLOT_TOP + top + PLOT - (PLOT * (value - low)) / span : PLOT_TOP + top + PLOT / 2;
          const latest = last === undefined ? 0 : last[key];
          const coordinates = points.map(
            (point, i) => `${xOf(i, count).toFixed(1)},${yOf(point[key]).toFixed(1)}`,
          );
          return (
            <g>
              <text class="label" x={LEFT} y={top + 16}>
                {`${label}: ${formatNumber(latest)}`}
              </text>
              <GridLine y={yOf(low)} />
              {span > 0 ? (
                <>
                  <GridLine y={yOf(high)} />
                  <text x={WIDTH - RIGHT} y={top + 16} text-anchor="end">
                    {`${formatNumber(low)} – ${formatNumber(high)}`}
                  </text>
                </>
              ) : null}
              {count > 1 ? <polyline class="line" points={coordinates.join(' ')} /> : null}
              {points.map((point, i) => (
                <circle class="dot" cx={xOf(i, count)} cy={yOf(point[key])} r="4">
                  <title>{`${point.version}: ${formatNumber(point[key])}`}</title>
                </circle>
              ))}
            </g>
          );
        })}
        {points.map((point, i) =>
          labelled.has(i) ? (
            <text
              x={xOf(i, count)}
              y={PANEL * SERIES.length + 16}
              text-anchor={count > 1 && i === 0 ? 'start' : count > 1 && i === count - 1 ? 'end' : 'middle'}
            >
              {point.version}
            </text>
          ) : null,
        )}
      </svg>
      <figcaption>{summary}</figcaption>
      <details>
        <summary>The numbers per version</summary>
        <div class="table-wrap">
          <table>
            <caption>Words, citations and uncited paragraphs per version, oldest first</caption>
            <thead>
              <tr>
                <th scope="col">Version</th>
                {SERIES.map(([, label]) => (
                  <th scope="col" class="num">
                    {label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {points.map((point) => (
                <tr>
                  <th scope="row">{point.version}</th>
                  {SERIES.map(([key]) => (
                    <td class="num">{formatNumber(point[key])}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
