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
  /** Largest request body passed on (default 10 MB, API Gateway's limit); larger ones get 413. */
  maxBodyBytes?: number;
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
  // A client that sends its headers or body too slowly is cut off instead of holding a socket for ever.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
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

/** API Gateway's payload limit: a larger request body is refused with 413, never read into memory. */
export const MAX_REQUEST_BODY_BYTES = 10 * 1024 * 1024;

/** A request body the gateway refuses (413), or a request that broke off while it was read. */
class RequestBodyError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function serveRequest(options: ApiGatewayOptions, request: IncomingMessage, response: ServerResponse) {
  try {
    const body = await readBody(request, options.maxBodyBytes ?? MAX_REQUEST_BODY_BYTES);
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
    if (error instanceof RequestBodyError) {
      writeError(
        response,
        error.status,
        error.status === 413 ? 'payload_too_large' : 'bad_request',
        error.message,
      );
      return;
    }
    options.onError?.(error);
    if (!response.headersSent) writeBadGateway(response, 'the request could not be handled');
    else response.destroy();
  }
}

/**
 * requestContext of the event: what API Gateway fills in, with the request id and the formatted
 * time made only when a handler reads them.
 */
class LocalRequestContext {
  readonly accountId = '000000000000';
  readonly apiId = 'local';
  readonly routeKey = '$default';
  readonly stage = '$default';
  private id: string | undefined;

  constructor(
    readonly domainName: string,
    readonly http: APIGatewayProxyEventV2['requestContext']['http'],
    readonly timeEpoch: number,
  ) {}

  get domainPrefix(): string {
    return this.domainName.split('.')[0]?.split(':')[0] ?? this.domainName;
  }

  get requestId(): string {
    this.id ??= randomUUID();
    return this.id;
  }

  get time(): string {
    return formatRequestTime(new Date(this.timeEpoch));
  }

  toJSON() {
    const { id: _id, ...fields } = this;
    return { ...fields, domainPrefix: this.domainPrefix, requestId: this.requestId, time: this.time };
  }
}

/** Builds the API Gateway HTTP API (payload 2.0) event for one Node request. */
export function toApiGatewayEvent(request: IncomingMessage, body: Buffer): APIGatewayProxyEventV2 {
  const url = request.url ?? '/';
  const queryAt = url.indexOf('?');
  // HTTP APIs hand the Lambda the path percent-decoded once, in rawPath as in requestContext.http.path.
  const rawPath = safeDecodePath(queryAt === -1 ? url : url.slice(0, queryAt));
  const rawQueryString = queryAt === -1 ? '' : url.slice(queryAt + 1);
  const headers: Record<string, string> = {};
  let cookies: string[] | undefined;
  const raw = request.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = (raw[i] as string).toLowerCase();
    const value = raw[i + 1] as string;
    if (name === 'cookie') {
      // HTTP APIs move cookies out of the headers into their own field.
      cookies ??= [];
      for (const cookie of value.split(/;\s*/)) if (cookie.length > 0) cookies.push(cookie);
      continue;
    }
    const previous = headers[name];
    headers[name] = previous === undefined ? value : `${previous},${value}`;
  }
  const socket = request.socket;
  const sourceIp = sourceIpOf(socket.remoteAddress);
  const host = headers.host ?? `localhost:${socket.localPort ?? 0}`;
  // The gateway is the proxy: what it says of the connection replaces what a client claims.
  headers['x-forwarded-for'] = headers['x-forwarded-for']
    ? `${headers['x-forwarded-for']}, ${sourceIp}`
    : sourceIp;
  headers['x-forwarded-proto'] = 'http';
  headers['x-forwarded-port'] = String(socket.localPort ?? '');
  const method = request.method ?? 'GET';
  const queryStringParameters = parseQuery(rawQueryString);
  const http = {
    method,
    path: rawPath,
    protocol: `HTTP/${request.httpVersion}`,
    sourceIp,
    userAgent: headers['user-agent'] ?? '',
  };
  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString,
    headers,
    requestContext: new LocalRequestContext(host, http, Date.now()),
    isBase64Encoded: false,
  };
  if (cookies) event.cookies = cookies;
  if (queryStringParameters) event.queryStringParameters = queryStringParameters;
  if (body.length > 0) {
    const isText = TEXT_TYPES.test(headers['content-type'] ?? '');
    event.body = isText ? body.toString('utf8') : body.toString('base64');
    event.isBase64Encoded = !isText;
  }
  return event;
}

/** Bytes of recent result bodies: a prepared answer hands the same string every time. */
const BODY_CACHE_ENTRIES = 32;
const bodyBytes = new Map<string, Buffer>();

function bodyOf(result: HandlerResult): Buffer {
  const { body } = result;
  if (body === undefined || body === '') return EMPTY;
  const key = result.isBase64Encoded ? `b64:${body}` : body;
  // Base64 keys get a prefix and so are new strings; only text bodies are cached by identity.
  if (!result.isBase64Encoded) {
    const cached = bodyBytes.get(key);
    if (cached) return cached;
  }
  const bytes = Buffer.from(body, result.isBase64Encoded ? 'base64' : 'utf8');
  if (!result.isBase64Encoded && bytes.length >= 1024) {
    if (bodyBytes.size >= BODY_CACHE_ENTRIES) {
      const oldest = bodyBytes.keys().next();
      if (!oldest.done) bodyBytes.delete(oldest.value);
    }
    bodyBytes.set(key, bytes);
  }
  return bytes;
}

const EMPTY = Buffer.alloc(0);

/** The Node header list of one answer, with the length it was made for. */
interface NodeHeaders {
  headers: Record<string, string | string[]>;
  length: number;
  head: boolean;
}

/**
 * Node header lists per result header object: a prepared answer hands the same object every time,
 * so its list (Content-Length included) is built once and passed to writeHead as it is (calling
 * setHeader first would send every header through Node's slower progressive path).
 */
const preparedHeaders = new WeakMap<object, NodeHeaders>();

function headersOf(result: HandlerResult, length: number, head: boolean): Record<string, string | string[]> {
  const source = result.headers;
  const plain = !result.multiValueHeaders && !(result.cookies && result.cookies.length > 0);
  if (plain && source) {
    const cached = preparedHeaders.get(source);
    if (cached && cached.length === length && cached.head === head) return cached.headers;
  }
  const headers: Record<string, string | string[]> = {};
  for (const [name, values] of Object.entries(result.multiValueHeaders ?? {})) {
    headers[name.toLowerCase()] = values.map(String);
  }
  for (const [name, value] of Object.entries(source ?? {})) {
    headers[name.toLowerCase()] = String(value);
  }
  if (result.cookies && result.cookies.length > 0) {
    const existing = headers['set-cookie'];
    headers['set-cookie'] = [...(existing === undefined ? [] : [existing].flat()), ...result.cookies];
  }
  delete headers['transfer-encoding'];
  // A HEAD answer may tell the length GET would send; every other answer tells its own.
  if (!(head && 'content-length' in headers)) headers['content-length'] = String(length);
  if (plain && source) preparedHeaders.set(source, { headers, length, head });
  return headers;
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
  const body = bodyOf(structured);
  const headers = headersOf(structured, body.length, response.req.method === 'HEAD');
  response.writeHead(structured.statusCode, headers);
  // Node sends no body for HEAD, 204 and 304 on its own.
  response.end(body);
}

function writeBadGateway(response: ServerResponse, message: string) {
  writeError(response, 502, 'bad_gateway', message);
}

function writeError(response: ServerResponse, status: number, code: string, message: string) {
  const body = JSON.stringify({ error: { code, message } });
  if (response.headersSent) {
    response.destroy();
    return;
  }
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    ...(status === 413 ? { connection: 'close' } : {}),
  });
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

function sourceIpOf(address: string | undefined): string {
  if (address === undefined) return LOCAL_HOST;
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

function safeDecodePath(path: string): string {
  if (!path.includes('%')) return path;
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

/**
 * Reads a request body of at most `limit` bytes. GET and HEAD bodies are discarded (API Gateway does
 * not pass them on); a larger declared or sent body is refused with 413 and the connection closed
 * after the answer, so no client can make the gateway buffer without bound or wait forever.
 */
function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > limit) return Promise.reject(tooLarge(request, limit));
  const method = request.method ?? 'GET';
  if (method === 'GET' || method === 'HEAD') {
    if (!request.readableEnded) request.resume();
    return Promise.resolve(EMPTY);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        request.off('data', onData);
        reject(tooLarge(request, limit));
        return;
      }
      chunks.push(chunk);
    };
    request.on('data', onData);
    request.on('end', () => resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)));
    request.on('error', () => reject(new RequestBodyError(400, 'the request body broke off')));
    request.on('aborted', () => reject(new RequestBodyError(400, 'the request body broke off')));
  });
}

function tooLarge(request: IncomingMessage, limit: number): RequestBodyError {
  // The rest is never read: the answer closes the connection (writeError sends Connection: close).
  request.pause();
  return new RequestBodyError(413, `the request body is larger than ${limit} bytes`);
}

function closeGracefully(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}
