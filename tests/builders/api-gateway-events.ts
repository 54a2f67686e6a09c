import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/** An API Gateway HTTP API (payload 2.0) event for a request to `target` (path and query string). */
export function buildHttpApiEvent(
  target: string,
  options: {
    method?: string;
    headers?: Record<string, string>;
    stage?: string;
    host?: string;
    /** The caller API Gateway's IAM authorizer let through (a SigV4-signed request), if any. */
    iamCaller?: string;
  } = {},
): APIGatewayProxyEventV2 {
  const { method = 'GET', stage = '$default', host = 'api.example.test' } = options;
  const mark = target.indexOf('?');
  const path = mark === -1 ? target : target.slice(0, mark);
  const rawQueryString = mark === -1 ? '' : target.slice(mark + 1);
  const query: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(rawQueryString)) {
    query[name] = query[name] === undefined ? value : `${query[name]},${value}`;
  }
  const rawPath = stage === '$default' ? path : `/${stage}${path}`;
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString,
    headers: { host, 'x-forwarded-proto': 'https', ...options.headers },
    ...(rawQueryString ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: host,
      domainPrefix: host.split('.')[0] ?? host,
      ...(options.iamCaller
        ? { authorizer: { iam: { userArn: options.iamCaller, accountId: '000000000000' } } }
        : {}),
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'vitest' },
      requestId: 'test',
      routeKey: '$default',
      stage,
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
    isBase64Encoded: false,
  };
}
