import type { StoryDocument } from '../story/types.ts';
import { Layout, renderDocument } from './layout.tsx';
import type { PageLinks } from './links.ts';
import { StoryFacts, StoryText } from './story-parts.tsx';
import { type ChartPoint, VersionChart } from './version-chart.tsx';

export interface StoryPageModel {
  links: PageLinks;
  /** The head version's document. */
  head: StoryDocument;
  /** Every version label of the story, highest first. */
  versions: string[];
  /** The chart's points, oldest version first (the most recent versions when there are many). */
  chart: ChartPoint[];
}

/**
 * Renders `GET /read/{storyId}`: the head version to read, a chart of how it moved across
 * versions, its figures and metrics, the version history and a link to the latest changes.
 */
export function renderStoryPage(model: StoryPageModel): string {
  const { links, head } = model;
  const previous = model.versions[model.versions.indexOf(head.version) + 1];
  return renderDocument(
    <Layout
      title={head.title}
      description={head.paragraphs[0]?.text}
      links={links}
      feeds={[{ path: `/stories/${head.storyId}/feed`, title: `${head.title}: every version` }]}
    >
      <StoryText document={head} links={links} note="latest version" />
      <ul class="actions">
        {previous === undefined ? (
          <li class="note">This is the first version.</li>
        ) : (
          <li>
            <a href={links.changes(head.storyId, previous, head.version)}>What changed since {previous}</a>
          </li>
        )}
        <li>
          <a href={links.raw(head.storyId, head.version)}>Raw text</a>
        </li>
        <li>
          <a href={links.storyJson(head.storyId)}>JSON</a>
        </li>
      </ul>
      <section aria-labelledby="across-versions">
        <h2 id="across-versions">Across versions</h2>
        <VersionChart points={model.chart} id="version-chart" />
      </section>
      <StoryFacts document={head} versions={model.versions} links={links} />
    </Layout>,
  );
}
