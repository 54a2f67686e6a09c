import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, HttpRequest } from '@smithy/types';

/** What a SigV4 signature for API Gateway needs besides the request. */
export interface ApiSigning {
  credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  region: string;
  /** The time to sign for (now when absent). */
  signingDate?: Date;
}

/** The service name IAM-authorized API Gateway routes are signed for. */
export const API_GATEWAY_SERVICE = 'execute-api';

/**
 * The SigV4 request the SDK's own signer makes of a body-less GET of `url`: every query parameter,
 * the host (with a non-default port), x-amz-date, x-amz-content-sha256 and, with session credentials,
 * x-amz-security-token, plus the Authorization header. `Sha256` is the hash the SDK clients use.
 */
export async function signApiGet(url: URL, signing: ApiSigning): Promise<HttpRequest> {
  const signer = new SignatureV4({
    service: API_GATEWAY_SERVICE,
    region: signing.region,
    credentials: signing.credentials,
    sha256: Sha256,
  });
  const query: Record<string, string | string[]> = {};
  for (const [name, value] of url.searchParams) {
    const previous = query[name];
    query[name] = previous === undefined ? value : [...[previous].flat(), value];
  }
  const request: HttpRequest = {
    method: 'GET',
    protocol: url.protocol,
    hostname: url.hostname,
    ...(url.port ? { port: Number(url.port) } : {}),
    path: url.pathname,
    query,
    headers: { host: url.host },
  };
  return signer.sign(request, signing.signingDate ? { signingDate: signing.signingDate } : {});
}

/** The headers to send with fetch() for a signed request (fetch sets `host` itself, from the URL). */
export function fetchHeaders(signed: HttpRequest): Record<string, string> {
  const { host: _host, ...headers } = signed.headers;
  return headers;
}

/** The region in an API Gateway URL (`https://<id>.execute-api.<region>.amazonaws.com/`), if it has one. */
export function regionOfApiUrl(url: URL): string | undefined {
  return /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/.exec(url.hostname)?.[1];
}
