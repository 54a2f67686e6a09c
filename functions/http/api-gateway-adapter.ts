import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { type HttpRequest, type HttpResponse, resolveBaseUrl } from './types.ts';

export interface RequestOptions {
  /** PUBLIC_BASE_URL: wins over anything in the request. */
  publicBaseUrl?: string | undefined;
  /** TRUST_FORWARDED_HOST=true: X-Forwarded-Host names the public host (set only behind a proxy of ours). */
  trustForwardedHost?: boolean | undefined;
}

const NO_QUERY: Record<string, string> = Object.freeze({}) as Record<string, string>;
const UPPER_CASE = /[A-Z]/;
/** Base64 text of prepared compressed bodies, so a hot body is encoded once, not per request. */
const base64Bodies = new WeakMap<Uint8Array, string>();

function lowerCaseHeaders(source: Record<string, string | undefined>): Record<string, string> {
  for (const name in source) {
    if (UPPER_CASE.test(name) || source[name] === undefined) {
      const headers: Record<string, string> = {};
      for (const [key, value] of Object.entries(source))
        if (value !== undefined) headers[key.toLowerCase()] = value;
      return headers;
    }
  }
  // API Gateway HTTP APIs send header names in lower case: use them as they are.
  return source as Record<string, string>;
}

/**
 * Turns an API Gateway HTTP API (payload 2.0) event into an HttpRequest: lower-case headers, the
 * stage prefix taken off the path (which HTTP APIs hand over percent-decoded once), the base URL
 * from PUBLIC_BASE_URL or the request.
 */
export function toHttpRequest(event: APIGatewayProxyEventV2, options: RequestOptions = {}): HttpRequest {
  let headers = lowerCaseHeaders(event.headers ?? {});
  if (event.cookies?.length) headers = { ...headers, cookie: event.cookies.join('; ') };
  const stage = event.requestContext.stage;
  const stagePrefix = stage && stage !== '$default' ? `/${stage}` : '';
  const rawPath = event.rawPath || '/';
  const path =
    stagePrefix && (rawPath === stagePrefix || rawPath.startsWith(`${stagePrefix}/`))
      ? rawPath.slice(stagePrefix.length) || '/'
      : rawPath;
  let query = NO_QUERY;
  const parameters = event.queryStringParameters;
  if (parameters) {
    query = {};
    for (const [name, value] of Object.entries(parameters)) if (value !== undefined) query[name] = value;
  }
  const authorizer = (event.requestContext as { authorizer?: { iam?: unknown } }).authorizer;
  return {
    method: event.requestContext.http.method.toUpperCase(),
    iamCaller: authorizer?.iam !== undefined,
    path,
    query,
    headers,
    baseUrl: resolveBaseUrl({
      publicBaseUrl: options.publicBaseUrl,
      trustForwardedHost: options.trustForwardedHost,
      headers,
      stage,
    }),
  };
}

/** Turns an HttpResponse into the structured API Gateway result; binary bodies travel base64-encoded. */
export function toApiGatewayResult(response: HttpResponse): APIGatewayProxyStructuredResultV2 {
  const { body } = response;
  if (typeof body === 'string') {
    return { statusCode: response.status, headers: response.headers, body, isBase64Encoded: false };
  }
  let encoded = base64Bodies.get(body);
  if (encoded === undefined) {
    encoded = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('base64');
    base64Bodies.set(body, encoded);
  }
  return { statusCode: response.status, headers: response.headers, body: encoded, isBase64Encoded: true };
}
