import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the receiver took. */
export interface ReceivedRequest {
  method: string;
  path: string;
  contentType: string;
  body: string;
  /** The status it answered with. */
  status: number;
}

/** A local HTTP endpoint (webhook receiver or WebSub hub) that records what it is sent. */
export interface HttpReceiver {
  url: string;
  /** Every request so far, in arrival order, failed ones included. */
  requests: ReceivedRequest[];
  /** The bodies of the requests answered 2xx. */
  accepted(): string[];
  /** Makes the next `count` requests fail with `status` (503 by default). */
  failNext(count: number, status?: number): void;
  stop(): Promise<void>;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/** Starts a receiver on 127.0.0.1 and a free port; it answers 204 unless told to fail. */
export async function startHttpReceiver(): Promise<HttpReceiver> {
  const requests: ReceivedRequest[] = [];
  let failures: { count: number; status: number } = { count: 0, status: 503 };
  const server = createServer(async (request, response) => {
    const body = await readBody(request);
    const status = failures.count > 0 ? failures.status : 204;
    if (failures.count > 0) failures = { ...failures, count: failures.count - 1 };
    requests.push({
      method: request.method ?? '',
      path: request.url ?? '',
      contentType: request.headers['content-type'] ?? '',
      body,
      status,
    });
    response.writeHead(status).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    requests,
    accepted: () => requests.filter((request) => request.status < 300).map((request) => request.body),
    failNext(count, status = 503) {
      failures = { count, status };
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
