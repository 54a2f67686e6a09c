import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { LOCAL_HOST, PortInUseError } from './emulators.ts';
import { createLambdaContext } from './lambda-context.ts';

/** The API Lambda's signature (HTTP API, payload format 2.0). */
export type ApiHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2 | string | undefined>;

/** A handler result that may carry REST-style multi-value headers, which the gateway also honours. */
type HandlerResult = APIGatewayProxyStructuredResultV2 & {
  multiValueHeaders?: Record<string, (string | number | boolean)[]>;
};

export interface ApiGatewayOptions {
  handler: ApiHandler;
  /** 0 picks a free port. */
  port: number;
  /** Named in the error when the port is taken. */
  portVariable?: string;
  /** Called when the handler throws or returns something unusable (the client gets a 502). */
  onError?: (error: unknown) => void;
}

export interface ApiGateway {
  port: number;
  url: string;
  /** Stops taking connections and waits for open requests to finish. */
  stop(): Promise<void>;
}

const TEXT_TYPES = /^(text\/|application\/(json|xml|x-www-form-urlencoded|javascript|[\w.+-]+\+(json|xml)))/i;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * Serves HTTP on 127.0.0.1 by turning each request into an API Gateway v2 event for `handler` and
 * its result back into the response. Throws PortInUseError when the port is taken.
 */
export async function startApiGateway(options: ApiGatewayOptions): Promise<ApiGateway> {
  const server = createServer((request, response) => {
    void serveRequest(options, request, response);
  });
  server.keepAliveTimeout = 5_000;
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new PortInUseError(options.port, options.portVariable ?? 'PORT')
          : error,
      ),
    );
    server.listen(options.port, LOCAL_HOST, () => resolve((server.address() as AddressInfo).port));
  });
  return {
    port,
    url: `http://localhost:${port}`,
    stop: () => closeGracefully(server),
  };
}

async function serveRequest(options: ApiGatewayOptions, request: IncomingMessage, response: ServerResponse) {
  try {
    const body = await readBody(request);
    const event = toApiGatewayEvent(request, body);
    let result: unknown;
    try {
      result = await options.handler(event, createLambdaContext('storyfeed-api', 30_000));
    } catch (error) {
      options.onError?.(error);
      writeBadGateway(response, 'the API handler failed');
      return;
    }
    writeResult(response, result, options);
  } catch (error) {
    options.onError?.(error);
    if (!response.headersSent) writeBadGateway(response, 'the request could not be handled');
    else response.destroy();
  }
}

/** Builds the API Gateway HTTP API (payload 2.0) event for one Node request. */
export function toApiGatewayEvent(request: IncomingMessage, body: Buffer): APIGatewayProxyEventV2 {
  const url = request.url ?? '/';
  const queryAt = url.indexOf('?');
  // HTTP APIs hand the Lambda the path percent-decoded, in rawPath as in requestContext.http.path.
  const rawPath = safeDecodePath(queryAt === -1 ? url : url.slice(0, queryAt));
  const rawQueryString = queryAt === -1 ? '' : url.slice(queryAt + 1);
  const headers: Record<string, string> = {};
  let cookies: string[] | undefined;
  for (const [name, value] of Object.entries(request.headersDistinct)) {
    if (!value) continue;
    if (name === 'cookie') {
      // HTTP APIs move cookies out of the headers into their own field.
      cookies = value.flatMap((line) => line.split(/;\s*/)).filter((cookie) => cookie.length > 0);
      continue;
    }
    headers[name] = value.join(',');
  }
  const sourceIp = (request.socket.remoteAddress ?? LOCAL_HOST).replace(/^::ffff:/, '');
  const host = headers.host ?? `localhost:${request.socket.localPort ?? 0}`;
  headers['x-forwarded-for'] ??= sourceIp;
  headers['x-forwarded-proto'] ??= 'http';
  headers['x-forwarded-port'] ??= String(request.socket.localPort ?? '');
  const now = new Date();
  const method = request.method ?? 'GET';
  const contentType = headers['content-type'] ?? '';
  const isText = TEXT_TYPES.test(contentType);
  const queryStringParameters = parseQuery(rawQueryString);
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString,
    ...(cookies ? { cookies } : {}),
    headers,
    ...(queryStringParameters ? { queryStringParameters } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: host,
      domainPrefix: host.split('.')[0]?.split(':')[0] ?? host,
      http: {
        method,
        path: rawPath,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: formatRequestTime(now),
      timeEpoch: now.getTime(),
    },
    ...(body.length > 0
      ? { body: isText ? body.toString('utf8') : body.toString('base64'), isBase64Encoded: !isText }
      : { isBase64Encoded: false }),
  };
}

function writeResult(response: ServerResponse, result: unknown, options: ApiGatewayOptions) {
  if (typeof result !== 'object' || result === null || !('statusCode' in result)) {
    // Payload 2.0 without a statusCode: the gateway answers 200 with the result as JSON.
    const body = typeof result === 'string' ? result : JSON.stringify(result ?? null);
    response.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
    });
    response.end(body);
    return;
  }
  const structured = result as HandlerResult;
  if (typeof structured.statusCode !== 'number') {
    options.onError?.(new Error(`the API handler returned statusCode ${String(structured.statusCode)}`));
    writeBadGateway(response, 'the API handler returned an invalid response');
    return;
  }
  const headers: Record<string, string | string[]> = {};
  for (const [name, values] of Object.entries(structured.multiValueHeaders ?? {})) {
    headers[name.toLowerCase()] = values.map(String);
  }
  for (const [name, value] of Object.entries(structured.headers ?? {})) {
    headers[name.toLowerCase()] = String(value);
  }
  if (structured.cookies && structured.cookies.length > 0) {
    const existing = headers['set-cookie'];
    headers['set-cookie'] = [...(existing === undefined ? [] : [existing].flat()), ...structured.cookies];
  }
  const body =
    structured.body === undefined
      ? Buffer.alloc(0)
      : Buffer.from(structured.body, structured.isBase64Encoded ? 'base64' : 'utf8');
  delete headers['transfer-encoding'];
  if (!(response.req.method === 'HEAD' && 'content-length' in headers)) {
    headers['content-length'] = String(body.length);
  }
  response.writeHead(structured.statusCode, headers);
  // Node sends no body for HEAD, 204 and 304 on its own.
  response.end(body);
}

function writeBadGateway(response: ServerResponse, message: string) {
  const body = JSON.stringify({ error: { code: 'bad_gateway', message } });
  response.writeHead(502, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  response.end(body);
}

function parseQuery(rawQueryString: string): Record<string, string> | undefined {
  if (!rawQueryString) return undefined;
  const parameters: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(rawQueryString)) {
    // HTTP APIs join repeated parameters with commas.
    parameters[name] = name in parameters ? `${parameters[name]},${value}` : value;
  }
  return parameters;
}

function safeDecodePath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** `12/Mar/2020:19:03:58 +0000`, as API Gateway writes requestContext.time. */
function formatRequestTime(date: Date): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${pad(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function closeGracefully(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}
