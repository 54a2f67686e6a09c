export { type ChangesPageModel, renderChangesPage } from './changes-page.tsx';
export { type CitedPageModel, type CitingVersion, renderCitedPage } from './cited-page.tsx';
export { type ErrorPageModel, renderErrorPage } from './error-page.tsx';
export { type HomePageModel, type HomeStory, renderHomePage } from './home-page.tsx';
export { createPageLinks, type PageLinks } from './links.ts';
export { renderStoryPage, type StoryPageModel } from './story-page.tsx';
export { STYLESHEET_CSS, STYLESHEET_PATH } from './stylesheet.ts';
export type { ChartPoint } from './version-chart.tsx';
export { renderVersionPage, type VersionPageModel } from './version-page.tsx';
