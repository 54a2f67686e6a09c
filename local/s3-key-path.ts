/** The part of a Koa context the key path rewrite reads and writes. */
interface PathContext {
  path: string;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * A Koa middleware for s3rver that keeps an object key whole however many slashes it has. s3rver
 * routes `/:bucket/:key*`, whose segments cannot be empty: the key `//x` (path `/stories///x`) or
 * `a//b` matched no object route. Encoding the key's slashes as `%2F` makes the key one route
 * segment, which the router decodes back to the exact key S3 was sent. Runs after s3rver's vhost
 * middleware, on path-style paths. The copy source header gets the same care: s3rver reads it with
 * decodeURI, which leaves `%2F`, `%3F`, `%23`… encoded, so a copied key holding them was not found.
 */
export function keepKeysWhole() {
  return async function keepKeysWhole(ctx: PathContext, next: () => Promise<unknown>) {
    ctx.path = wholeKeyPath(ctx.path);
    const copySource = ctx.headers['x-amz-copy-source'];
    if (typeof copySource === 'string') ctx.headers['x-amz-copy-source'] = forDecodeUri(copySource);
    await next();
  };
}

/** The copy source re-encoded so that decodeURI gives the source exactly as S3 decodes it. */
function forDecodeUri(copySource: string): string {
  try {
    return encodeURI(decodeURIComponent(copySource));
  } catch {
    return copySource;
  }
}

/** `/<bucket>/<key with slashes>` → `/<bucket>/<key with %2F>`; bucket paths are left as they are. */
export function wholeKeyPath(path: string): string {
  const match = /^(\/[^/]+\/)(.+)$/s.exec(path);
  if (!match) return path;
  const [, bucketPart, key] = match as unknown as [string, string, string];
  return `${bucketPart}${key.replaceAll('/', '%2F')}`;
}
