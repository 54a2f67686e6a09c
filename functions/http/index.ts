export { handleHttpRequest } from './handle-http-request.ts';
export { buildOpenApiDocument } from './openapi.ts';
export type { ApiDeps, BaseUrlSource, HttpRequest, HttpResponse } from './types.ts';
export { resolveBaseUrl } from './types.ts';
