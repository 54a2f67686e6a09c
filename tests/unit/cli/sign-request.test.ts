import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import { createStatusClient } from '../../../local/commands/ingest-status.ts';
import { fetchHeaders, regionOfApiUrl, signApiGet } from '../../../local/commands/sign-request.ts';

// Documentation example credentials (AWS SigV4 docs), never a real key.
const credentials = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
} as const;
const signingDate = new Date('2024-05-01T10:20:30.000Z');
const region = 'eu-west-1';
const statusUrl = new URL(
  'https://abc123.execute-api.eu-west-1.amazonaws.com/ingest/status?key=stories%2Fmarket-wrap%2Fv0.3.txt',
);

const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');
const hmac = (key: Buffer | string, text: string) => createHmac('sha256', key).update(text).digest();

/** The SigV4 signature (fixed credentials, region and time) by the algorithm as AWS documents it, with node:crypto. */
function documentedSignature(canonicalRequest: string) {
  const [date, longDate, secret] = ['20240501', '20240501T102030Z', credentials.secretAccessKey];
  const scope = `${date}/${region}/execute-api/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', longDate, scope, sha256Hex(canonicalRequest)].join('\n');
  const key = ['execute-api', 'aws4_request'].reduce(
    (signingKey, part) => hmac(signingKey, part),
    hmac(hmac(`AWS4${secret}`, date), region),
  );
  return createHmac('sha256', key).update(stringToSign).digest('hex');
}

describe('signApiGet (the signed /ingest/status request)', () => {
  it('carries the Authorization header the SDK signer computes for the same credentials and time', async () => {
    const signed = await signApiGet(statusUrl, { credentials, region, signingDate });
    const expected = await new SignatureV4({
      service: 'execute-api',
      region,
      credentials,
      sha256: Sha256,
    }).sign(
      {
        method: 'GET',
        protocol: 'https:',
        hostname: statusUrl.hostname,
        path: '/ingest/status',
        query: { key: 'stories/market-wrap/v0.3.txt' },
        headers: { host: statusUrl.host },
      },
      { signingDate },
    );
    expect(signed.headers.authorization).toBe(expected.headers.authorization);
    expect(signed.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20240501\/eu-west-1\/execute-api\/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=[0-9a-f]{64}$/,
    );
  });

  it('signs the canonical request of SigV4: method, path, encoded query, host, date and payload hash', async () => {
    const signed = await signApiGet(statusUrl, { credentials, region, signingDate });
    const emptyHash = sha256Hex('');
    expect(signed.headers).toMatchObject({
      host: 'abc123.execute-api.eu-west-1.amazonaws.com',
      'x-amz-date': '20240501T102030Z',
      'x-amz-content-sha256': emptyHash,
    });
    const canonicalRequest = [
      'GET',
      '/ingest/status',
      'key=stories%2Fmarket-wrap%2Fv0.3.txt',
      'host:abc123.execute-api.eu-west-1.amazonaws.com',
      `x-amz-content-sha256:${emptyHash}`,
      'x-amz-date:20240501T102030Z',
      '',
      'host;x-amz-content-sha256;x-amz-date',
      emptyHash,
    ].join('\n');
    const signature = documentedSignature(canonicalRequest);
    expect(signed.headers.authorization).toContain(`Signature=${signature}`);
  });

  it('signs a session token and a non-default port too, and leaves host for fetch to send', async () => {
    const url = new URL('https://api.example.test:8443/prod/ingest/status?key=a.txt');
    const signed = await signApiGet(url, {
      credentials: { ...credentials, sessionToken: 'session-token-example' },
      region,
      signingDate,
    });
    expect(signed.headers.host).toBe('api.example.test:8443');
    expect(signed.headers['x-amz-security-token']).toBe('session-token-example');
    expect(signed.headers.authorization).toContain(
      'SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token',
    );
    const headers = fetchHeaders(signed);
    expect(headers.host).toBeUndefined();
    expect(headers.authorization).toBe(signed.headers.authorization);
  });
});

describe('createStatusClient with signing', () => {
  it('sends a request whose received headers verify as a SigV4 signature of what arrived', async () => {
    const received: { url?: string; headers?: IncomingHttpHeaders } = {};
    const server = createServer((request, response) => {
      received.url = request.url;
      received.headers = request.headers;
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end('{"error":{"code":"unknown_key","message":"not yet"}}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const client = createStatusClient(`http://127.0.0.1:${port}/`, async () => ({
        credentials,
        region,
        signingDate,
      }));
      expect(await client.fetchStatus('drafts/mw v2.txt')).toEqual({ kind: 'unknown' });
    } finally {
      server.close();
    }
    const headers = received.headers ?? {};
    expect(received.url).toBe('/ingest/status?key=drafts%2Fmw%20v2.txt');
    expect(headers.host).toBe(`127.0.0.1:${port}`);
    const canonicalRequest = [
      'GET',
      '/ingest/status',
      'key=drafts%2Fmw%20v2.txt',
      `host:${headers.host}`,
      `x-amz-content-sha256:${headers['x-amz-content-sha256']}`,
      `x-amz-date:${headers['x-amz-date']}`,
      '',
      'host;x-amz-content-sha256;x-amz-date',
      sha256Hex(''),
    ].join('\n');
    const signature = documentedSignature(canonicalRequest);
    expect(headers.authorization).toContain(`Signature=${signature}`);
  });
});

describe('regionOfApiUrl', () => {
  it('reads the region of an execute-api host, and none of a custom domain', () => {
    expect(regionOfApiUrl(statusUrl)).toBe('eu-west-1');
    expect(regionOfApiUrl(new URL('https://news.example.com/'))).toBeUndefined();
  });
});
