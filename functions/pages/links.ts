/** The URLs of the pages for people (SPEC §5) and of the JSON and feeds they link, from the API's base URL. */
export interface PageLinks {
  home(): string;
  story(storyId: string): string;
  version(storyId: string, version: string): string;
  changes(storyId: string, from?: string, to?: string): string;
  cited(citationId: string): string;
  raw(storyId: string, version: string): string;
  storyJson(storyId: string): string;
  versionJson(storyId: string, version: string): string;
  /** The feed of `/feeds/latest`, `/stories/{id}/feed` or `/sources/{id}/feed` in one format. */
  feed(path: string, format: 'json' | 'atom' | 'rss'): string;
  stylesheet(): string;
}

const segment = encodeURIComponent;

/** Page links under `baseUrl` (absolute, no trailing slash); `stylesheetPath` is the hashed `/assets/…` path. */
export function createPageLinks(baseUrl: string, stylesheetPath: string): PageLinks {
  const base = baseUrl.replace(/\/+$/, '');
  return {
    home: () => `${base}/`,
    story: (storyId) => `${base}/read/${segment(storyId)}`,
    version: (storyId, version) => `${base}/read/${segment(storyId)}/${segment(version)}`,
    changes: (storyId, from, to) => {
      const query = new URLSearchParams();
      if (from !== undefined) query.set('from', from);
      if (to !== undefined) query.set('to', to);
      const search = query.toString();
      return `${base}/read/${segment(storyId)}/changes${search ? `?${search}` : ''}`;
    },
    cited: (citationId) => `${base}/cited/${segment(citationId)}`,
    raw: (storyId, version) => `${base}/stories/${segment(storyId)}/versions/${segment(version)}/raw`,
    storyJson: (storyId) => `${base}/stories/${segment(storyId)}`,
    versionJson: (storyId, version) => `${base}/stories/${segment(storyId)}/versions/${segment(version)}`,
    feed: (path, format) => `${base}${path}.${format}`,
    stylesheet: () => `${base}${stylesheetPath}`,
  };
}
