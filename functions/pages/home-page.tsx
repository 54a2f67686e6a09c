import { formatTime } from './format.ts';
import { Layout, renderDocument } from './layout.tsx';
import type { PageLinks } from './links.ts';

/** One story in the list of the home page. */
export interface HomeStory {
  storyId: string;
  title: string;
  version: string;
  publishedAt: string;
  firstParagraph: string;
}

export interface HomePageModel {
  links: PageLinks;
  stories: HomeStory[];
  /** The next page of the list, or null on the last page. */
  nextUrl: string | null;
}

/** Renders `GET /`: the latest stories (title, version, time, first paragraph), paged, and the latest feeds. */
export function renderHomePage(model: HomePageModel): string {
  const { links } = model;
  return renderDocument(
    <Layout
      title="Latest stories"
      description="The latest stories, newest first."
      links={links}
      feeds={[{ path: '/feeds/latest', title: 'storyfeed: latest stories' }]}
    >
      <h1>Latest stories</h1>
      {model.stories.length === 0 ? (
        <p class="note">No stories yet. Upload a story file to the bucket and it appears here.</p>
      ) : (
        <ol class="story-list">
          {model.stories.map((story) => (
            <li>
              <h2>
                <a href={links.story(story.storyId)}>{story.title}</a>
              </h2>
              <p class="meta">
                <span>Version {story.version}</span>
                <time datetime={story.publishedAt}>{formatTime(story.publishedAt)}</time>
              </p>
              <p>{story.firstParagraph}</p>
            </li>
          ))}
        </ol>
      )}
      {model.nextUrl === null ? null : (
        <p class="pager">
          <a href={model.nextUrl} rel="next">
            Older stories →
          </a>
        </p>
      )}
      <ul class="actions" aria-label="Feeds of the latest stories">
        <li>
          <a href={links.feed('/feeds/latest', 'atom')}>Atom feed</a>
        </li>
        <li>
          <a href={links.feed('/feeds/latest', 'rss')}>RSS feed</a>
        </li>
        <li>
          <a href={links.feed('/feeds/latest', 'json')}>JSON Feed</a>
        </li>
      </ul>
    </Layout>,
  );
}
