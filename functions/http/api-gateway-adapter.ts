import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { type HttpRequest, type HttpResponse, resolveBaseUrl } from './types.ts';

/**
 * Turns an API Gateway HTTP API (payload 2.0) event into an HttpRequest: lower-case headers, the
 * stage prefix taken off the path, the base URL from PUBLIC_BASE_URL or the request.
 */
export function toHttpRequest(event: APIGatewayProxyEventV2, publicBaseUrl?: string): HttpRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (value !== undefined) headers[name.toLowerCase()] = value;
  }
  if (event.cookies?.length) headers.cookie = event.cookies.join('; ');
  const stage = event.requestContext.stage;
  const stagePrefix = stage && stage !== '$default' ? `/${stage}` : '';
  const rawPath = event.rawPath || '/';
  const path =
    stagePrefix && (rawPath === stagePrefix || rawPath.startsWith(`${stagePrefix}/`))
      ? rawPath.slice(stagePrefix.length) || '/'
      : rawPath;
  const query: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.queryStringParameters ?? {})) {
    if (value !== undefined) query[name] = value;
  }
  return {
    method: event.requestContext.http.method.toUpperCase(),
    path,
    query,
    headers,
    baseUrl: resolveBaseUrl({ publicBaseUrl, headers, stage }),
  };
}

/** Turns an HttpResponse into the structured API Gateway result; binary bodies travel base64-encoded. */
export function toApiGatewayResult(response: HttpResponse): APIGatewayProxyStructuredResultV2 {
  const binary = typeof response.body !== 'string';
  return {
    statusCode: response.status,
    headers: response.headers,
    body: binary ? Buffer.from(response.body).toString('base64') : (response.body as string),
    isBase64Encoded: binary,
  };
}
