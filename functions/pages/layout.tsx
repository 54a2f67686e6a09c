import type { Child } from 'hono/jsx';
import type { JSX } from 'hono/jsx/jsx-runtime';
import type { PageLinks } from './links.ts';

/** A feed a page names in `<link rel="alternate">`: its path without extension and its title. */
export interface FeedAutodiscovery {
  /** `/feeds/latest`, `/stories/{id}/feed` or `/sources/{id}/feed`. */
  path: string;
  title: string;
}

export interface LayoutProps {
  title: string;
  links: PageLinks;
  feeds: FeedAutodiscovery[];
  /** A one-line description for the page's `<meta name="description">`. */
  description?: string;
  children?: Child;
}

const FEED_TYPES = [
  ['atom', 'application/atom+xml', 'Atom'],
  ['rss', 'application/rss+xml', 'RSS'],
  ['json', 'application/feed+json', 'JSON Feed'],
] as const;

/** The frame of every page: head with the stylesheet and feed autodiscovery, site header, main, footer. */
export function Layout(props: LayoutProps): JSX.Element {
  const { links, feeds } = props;
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} · storyfeed`}</title>
        {props.description === undefined ? null : <meta name="description" content={props.description} />}
        <meta name="color-scheme" content="light dark" />
        <link rel="stylesheet" href={links.stylesheet()} />
        {feeds.flatMap((feed) =>
          FEED_TYPES.map(([format, type, name]) => (
            <link
              rel="alternate"
              type={type}
              title={`${feed.title} (${name})`}
              href={links.feed(feed.path, format)}
            />
          )),
        )}
      </head>
      <body>
        <a class="skip" href="#content">
          Skip to the story
        </a>
        <header class="site-header">
          <a class="site-name" href={links.home()}>
            storyfeed
          </a>
          <nav aria-label="Site">
            <a href={links.home()}>Latest stories</a>
            <a href={links.feed('/feeds/latest', 'atom')}>Atom</a>
            <a href={links.feed('/feeds/latest', 'rss')}>RSS</a>
            <a href={links.feed('/feeds/latest', 'json')}>JSON Feed</a>
          </nav>
        </header>
        <main id="content">{props.children}</main>
        <footer class="site-footer">
          {feeds.length === 0 ? null : (
            <>
              Follow this page:
              <ul>
                {feeds.flatMap((feed) =>
                  FEED_TYPES.map(([format, , name]) => (
                    <li>
                      <a href={links.feed(feed.path, format)}>{`${feed.title} (${name})`}</a>
                    </li>
                  )),
                )}
              </ul>
            </>
          )}
        </footer>
      </body>
    </html>
  );
}

/** Renders a page element to a complete HTML5 document string (the renderer escapes every text). */
export function renderDocument(element: JSX.Element): string {
  if (element instanceof Promise) throw new Error('pages render synchronously');
  const html = element.toString();
  if (typeof html !== 'string') throw new Error('pages render synchronously');
  return `<!DOCTYPE html>${html}`;
}
