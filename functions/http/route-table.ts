import { PAGE_ROUTES } from './page-routes.ts';
import type { Route } from './route-context.ts';
import { ROUTES } from './routes.ts';

/** Every route the API function answers: the JSON API and feeds of SPEC §3, then the pages of SPEC §5. */
export const ALL_ROUTES: readonly Route[] = [...ROUTES, ...PAGE_ROUTES];

/** The first path segments of the pages (`read`, `cited`, and `` for `/`): an unknown path below them is a page 404. */
const PAGE_PREFIXES = new Set(
  PAGE_ROUTES.filter((route) => route.page).map((route) => route.pattern.split('/')[1] ?? ''),
);

/** Whether a failure at these path segments should be answered with an HTML page. */
export function isPagePath(segments: string[]): boolean {
  const first = segments[0] ?? '';
  return first !== '' && PAGE_PREFIXES.has(first);
}
