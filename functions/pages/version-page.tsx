import type { StoryDocument } from '../story/types.ts';
import { Layout, renderDocument } from './layout.tsx';
import type { PageLinks } from './links.ts';
import { StoryFacts, StoryText } from './story-parts.tsx';

export interface VersionPageModel {
  links: PageLinks;
  document: StoryDocument;
  /** Every version label of the story, highest first. */
  versions: string[];
}

/** Renders `GET /read/{storyId}/{version}`: one version, with its raw text and the changes from the version before. */
export function renderVersionPage(model: VersionPageModel): string {
  const { links, document } = model;
  const { storyId, version } = document;
  const at = model.versions.indexOf(version);
  const previous = at === -1 ? undefined : model.versions[at + 1];
  const head = model.versions[0];
  return renderDocument(
    <Layout
      title={`${document.title} (${version})`}
      description={document.paragraphs[0]?.text}
      links={links}
      feeds={[{ path: `/stories/${storyId}/feed`, title: `${document.title}: every version` }]}
    >
      <StoryText document={document} links={links} note={head === version ? 'latest version' : undefined} />
      <ul class="actions">
        {previous === undefined ? (
          <li class="note">This is the first version.</li>
        ) : (
          <li>
            <a href={links.changes(storyId, previous, version)}>What changed since {previous}</a>
          </li>
        )}
        <li>
          <a href={links.raw(storyId, version)}>Raw text</a>
        </li>
        <li>
          <a href={links.versionJson(storyId, version)}>JSON</a>
        </li>
        {head === undefined || head === version ? null : (
          <li>
            <a href={links.story(storyId)}>Latest version ({head})</a>
          </li>
        )}
      </ul>
      <StoryFacts document={document} versions={model.versions} links={links} />
    </Layout>,
  );
}
