import type { Paragraph } from '../story/types.ts';
import { formatTime } from './format.ts';
import { Layout, renderDocument } from './layout.tsx';
import type { PageLinks } from './links.ts';
import { CitationLink } from './story-parts.tsx';

/** A story version that cites the source, with the paragraphs that do. */
export interface CitingVersion {
  storyId: string;
  version: string;
  title: string;
  publishedAt: string;
  paragraphs: Paragraph[];
}

export interface CitedPageModel {
  links: PageLinks;
  citationId: string;
  items: CitingVersion[];
  nextUrl: string | null;
}

/** Renders `GET /cited/{citationId}`: the story versions that cite the source, with the citing paragraphs. */
export function renderCitedPage(model: CitedPageModel): string {
  const { links, citationId } = model;
  return renderDocument(
    <Layout
      title={`Stories citing ${citationId}`}
      links={links}
      feeds={[{ path: `/sources/${citationId}/feed`, title: `storyfeed: stories citing ${citationId}` }]}
    >
      <h1>Stories citing source {citationId}</h1>
      <p class="meta">
        <span>Every story version that cites it, newest first, with the paragraphs that do.</span>
      </p>
      <ol class="story-list">
        {model.items.map((item) => (
          <li>
            <h2>
              <a href={links.version(item.storyId, item.version)}>{item.title}</a>
            </h2>
            <p class="meta">
              <span>Version {item.version}</span>
              <time datetime={item.publishedAt}>{formatTime(item.publishedAt)}</time>
            </p>
            {item.paragraphs.map((paragraph) => (
              <blockquote>
                <p>
                  {paragraph.text}
                  {paragraph.citations.map((id) => (
                    <> {id === citationId ? <mark>[{id}]</mark> : <CitationLink id={id} links={links} />}</>
                  ))}
                </p>
              </blockquote>
            ))}
          </li>
        ))}
      </ol>
      {model.nextUrl === null ? null : (
        <p class="pager">
          <a href={model.nextUrl} rel="next">
            More →
          </a>
        </p>
      )}
    </Layout>,
  );
}
