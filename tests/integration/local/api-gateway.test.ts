import { gzipSync } from 'node:zlib';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { type ApiGateway, type ApiHandler, startApiGateway } from '../../../local/api-gateway.ts';

let gateway: ApiGateway | undefined;

afterEach(async () => {
  await gateway?.stop();
  gateway = undefined;
});

/** Starts the gateway on a free port with `handler`; returns its base URL. */
async function serve(handler: ApiHandler): Promise<string> {
  gateway = await startApiGateway({ handler, port: 0 });
  return `http://127.0.0.1:${gateway.port}`;
}

/** A handler that answers with the event it received, as JSON. */
function echoEvents(seen: APIGatewayProxyEventV2[]): ApiHandler {
  return async (event) => {
    seen.push(event);
    return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: '{}' };
  };
}

describe('startApiGateway', () => {
  it('hands the handler an HTTP API 2.0 event built from the request', async () => {
    const seen: APIGatewayProxyEventV2[] = [];
    const base = await serve(echoEvents(seen));
    await fetch(`${base}/stories/a%20b?limit=5&tag=x&tag=y`, {
      headers: { 'X-Custom': 'One', cookie: 'a=1; b=2', 'user-agent': 'test-agent' },
    });
    const event = seen[0];
    expect(event?.version).toBe('2.0');
    expect(event?.routeKey).toBe('$default');
    expect(event?.rawPath).toBe('/stories/a b');
    expect(event?.rawQueryString).toBe('limit=5&tag=x&tag=y');
    expect(event?.queryStringParameters).toEqual({ limit: '5', tag: 'x,y' });
    expect(event?.headers['x-custom']).toBe('One');
    expect(event?.headers.cookie).toBeUndefined();
    expect(event?.cookies).toEqual(['a=1', 'b=2']);
    expect(event?.requestContext.http).toMatchObject({
      method: 'GET',
      path: '/stories/a b',
      protocol: 'HTTP/1.1',
      sourceIp: '127.0.0.1',
      userAgent: 'test-agent',
    });
    expect(event?.requestContext.stage).toBe('$default');
    expect(event?.requestContext.domainName).toBe(`127.0.0.1:${gateway?.port}`);
    expect(event?.requestContext.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(event?.requestContext.time).toMatch(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
    expect(Math.abs((event?.requestContext.timeEpoch ?? 0) - Date.now())).toBeLessThan(5_000);
    expect(event?.body).toBeUndefined();
    expect(event?.isBase64Encoded).toBe(false);
  });

  it('passes text bodies as strings and binary bodies base64-encoded', async () => {
    const seen: APIGatewayProxyEventV2[] = [];
    const base = await serve(echoEvents(seen));
    await fetch(`${base}/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a":1}',
    });
    const bytes = Buffer.from([0, 1, 2, 255]);
    await fetch(`${base}/blob`, {
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream' },
      body: bytes,
    });
    expect(seen[0]).toMatchObject({ body: '{"a":1}', isBase64Encoded: false });
    expect(seen[1]).toMatchObject({ body: bytes.toString('base64'), isBase64Encoded: true });
  });

  it('sends base64 results as bytes, so a gzip body arrives intact', async () => {
    const text = 'a feed '.repeat(500);
    const base = await serve(async () => ({
      statusCode: 200,
      headers: { 'content-type': 'text/plain', 'content-encoding': 'gzip' },
      body: gzipSync(text).toString('base64'),
      isBase64Encoded: true,
    }));
    const response = await fetch(`${base}/feeds/latest.json`);
    expect(response.headers.get('content-encoding')).toBe('gzip');
    expect(await response.text()).toBe(text);
  });

  it('turns cookies into set-cookie headers and keeps multi-value headers', async () => {
    const base = await serve(async () => ({
      statusCode: 201,
      headers: { 'X-Single': 'yes' },
      multiValueHeaders: { Vary: ['accept', 'accept-encoding'] },
      cookies: ['a=1; Path=/', 'b=2; HttpOnly'],
      body: 'made',
    }));
    const response = await fetch(`${base}/`);
    expect(response.status).toBe(201);
    expect(response.headers.get('x-single')).toBe('yes');
    expect(response.headers.get('vary')).toBe('accept, accept-encoding');
    expect(response.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2; HttpOnly']);
    expect(await response.text()).toBe('made');
  });

  it('answers HEAD with the headers and no body', async () => {
    const seen: string[] = [];
    const base = await serve(async (event) => {
      seen.push(event.requestContext.http.method);
      return { statusCode: 200, headers: { etag: '"x"' }, body: 'hello' };
    });
    const response = await fetch(`${base}/health`, { method: 'HEAD' });
    expect(seen).toEqual(['HEAD']);
    expect(response.status).toBe(200);
    expect(response.headers.get('etag')).toBe('"x"');
    expect(response.headers.get('content-length')).toBe('5');
    expect(await response.text()).toBe('');
  });

  it('tells each answer its own length when a handler hands the same header object again', async () => {
    // A prepared answer reuses one header object; the gateway keeps its Node header list per object.
    const shared = { etag: '"x"', 'content-type': 'text/plain' };
    const headOwn = { 'content-length': '42' };
    const bodies = ['a much longer body than the next one', 'short', ''];
    let call = 0;
    const base = await serve(async (event) => {
      if (event.requestContext.http.method === 'HEAD' && event.rawPath === '/own') {
        return { statusCode: 200, headers: headOwn, body: '' };
      }
      return { statusCode: 200, headers: shared, body: bodies[call++ % bodies.length] };
    });
    const lengths: (string | null)[] = [];
    const texts: string[] = [];
    for (const _ of bodies) {
      const response = await fetch(`${base}/x`);
      lengths.push(response.headers.get('content-length'));
      texts.push(await response.text());
    }
    expect(texts).toEqual(bodies);
    expect(lengths).toEqual(['36', '5', '0']);
    // HEAD after GET with the same object: the length of this answer, not the cached one of a GET.
    const head = await fetch(`${base}/x`, { method: 'HEAD' });
    expect(head.headers.get('content-length')).toBe(String(Buffer.byteLength(bodies[0] ?? '')));
    // A HEAD that names the length its GET would send keeps it.
    const own = await fetch(`${base}/own`, { method: 'HEAD' });
    expect(own.headers.get('content-length')).toBe('42');
    expect(shared).toEqual({ etag: '"x"', 'content-type': 'text/plain' });
  });

  it('answers 502 with a JSON error and no stack trace when the handler throws', async () => {
    const errors: unknown[] = [];
    gateway = await startApiGateway({
      port: 0,
      handler: async () => {
        throw new Error('secret internals');
      },
      onError: (error) => errors.push(error),
    });
    const response = await fetch(`http://127.0.0.1:${gateway.port}/stories`);
    expect(response.status).toBe(502);
    const body = await response.text();
    expect(JSON.parse(body)).toEqual({ error: { code: 'bad_gateway', message: 'the API handler failed' } });
    expect(body).not.toContain('secret');
    expect(errors).toHaveLength(1);
  });

  it('answers 200 with JSON when the handler returns a plain object, as HTTP APIs do', async () => {
    const base = await serve(async () => ({ ok: true }) as never);
    const response = await fetch(`${base}/health`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({ ok: true });
  });

  it('decodes the path once, as HTTP APIs do: %252D arrives as %2D, never as -', async () => {
    const seen: APIGatewayProxyEventV2[] = [];
    const base = await serve(echoEvents(seen));
    await fetch(`${base}/stories/other%252D1`);
    expect(seen[0]?.rawPath).toBe('/stories/other%2D1');
  });

  it('refuses a request body over the limit with 413 without reading it, and never calls the handler', async () => {
    const seen: APIGatewayProxyEventV2[] = [];
    gateway = await startApiGateway({ handler: echoEvents(seen), port: 0, maxBodyBytes: 1024 });
    const base = `http://127.0.0.1:${gateway.port}`;
    const declared = await fetch(`${base}/ingest`, { method: 'POST', body: 'x'.repeat(2048) });
    expect(declared.status).toBe(413);
    expect(((await declared.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');
    const chunks = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 8; i += 1) controller.enqueue(new TextEncoder().encode('y'.repeat(512)));
        controller.close();
      },
    });
    const streamed = await fetch(`${base}/ingest`, {
      method: 'POST',
      body: chunks,
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    const small = await fetch(`${base}/ingest`, { method: 'POST', body: 'z'.repeat(100) });
    expect(small.status).toBe(200);
    expect(seen.map((event) => event.body)).toEqual(['z'.repeat(100)]);
  });

  it('discards the body of a GET instead of passing it on', async () => {
    const seen: APIGatewayProxyEventV2[] = [];
    const base = await serve(echoEvents(seen));
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const call = request(
        `${base}/stories`,
        { method: 'GET', headers: { 'content-length': '5' } },
        (answer) => {
          answer.resume();
          resolve(answer.statusCode ?? 0);
        },
      );
      call.on('error', reject);
      call.end('hello');
    });
    expect(status).toBe(200);
    expect(seen[0]?.body).toBeUndefined();
  });

  it('names PORT when the port is taken', async () => {
    gateway = await startApiGateway({ handler: echoEvents([]), port: 0 });
    await expect(startApiGateway({ handler: echoEvents([]), port: gateway.port })).rejects.toThrow(/PORT/);
  });
});
