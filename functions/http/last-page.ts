import type { Page, PageRequest } from '../store/story-store.ts';

/**
 * Reads one page and drops its cursor when nothing follows it: DynamoDB hands back a continuation
 * whenever a Query stops at its Limit, so a page that ends exactly at the last item would otherwise
 * link to an empty page (SPEC §3: the last page has no next link). One read of a single item, only
 * for a full page that came with a cursor.
 */
export async function readPage<T>(
  request: PageRequest,
  read: (page: PageRequest) => Promise<Page<T>>,
): Promise<Page<T>> {
  const page = await read(request);
  if (page.cursor === null) return page;
  const after = await read({ limit: 1, cursor: page.cursor });
  return after.items.length === 0 ? { ...page, cursor: null } : page;
}
