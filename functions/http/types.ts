import type { StoryReader } from '../store/story-store.ts';
import { HeaderMemo } from './header-memo.ts';
import type { RepresentationCache } from './representation-cache.ts';

/** A request as the HTTP layer sees it: no AWS types; the adapter fills it in. */
export interface HttpRequest {
  method: string;
  /**
   * The path as API Gateway hands it, without the stage prefix: HTTP APIs percent-decode rawPath
   * once, so `/stories/other%252D1` arrives as `/stories/other%2D1` and is never decoded again.
   */
  path: string;
  /** Decoded query parameters (a repeated name arrives comma-joined, as API Gateway sends it). */
  query: Record<string, string>;
  /** Header names in lower case. */
  headers: Record<string, string>;
  /** Absolute base URL of the API without a trailing slash, e.g. `https://api.example.com/prod`. */
  baseUrl: string;
  /** True when API Gateway authorized the caller by IAM (a SigV4-signed request to an operator route). */
  iamCaller?: boolean;
}

/** The answer: `body` is empty for HEAD and 304; a compressed body is a Uint8Array. */
export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array | string;
}

/** Keeps an answer too large to send inline (over 6 MB) and returns a short-lived URL that serves it. */
export interface LargeAnswerStore {
  publish(name: string, body: Uint8Array, contentType: string): Promise<string>;
}

/** What the HTTP layer needs from outside. */
export interface ApiDeps {
  /** Every route reads through it. */
  reader: StoryReader;
  /**
   * OPERATOR_ROUTES_NEED_IAM=true (set by the stack): `/ingest/*` answers 403 unless API Gateway
   * authorized the caller by IAM. The gateway's route authorizer already does; this is a second lock
   * should a route ever be added without it. Locally unset: the routes stay open on 127.0.0.1.
   */
  operatorRoutesNeedIam?: boolean | undefined;
  /** HMAC key for paging cursors; cursors signed with another key are rejected. */
  cursorSecret: string;
  /** WEBSUB_HUB: feeds name it as their `rel="hub"` when set. */
  websubHub?: string | undefined;
  now?: () => Date;
  /** Where answers over the response limit go; they are answered 303 See Other to its URL. */
  largeAnswers?: LargeAnswerStore | undefined;
  /** Prepared answers kept per data generation; without it every request reads and renders. */
  representations?: RepresentationCache | undefined;
  /** Receives unexpected errors (the client only sees `internal error`) and the path that met them. */
  log?: ((error: unknown, path: string) => void) | undefined;
}

export interface BaseUrlSource {
  /** PUBLIC_BASE_URL; wins when set and non-empty. */
  publicBaseUrl?: string | undefined;
  /** Request headers with lower-case names. */
  headers: Record<string, string | undefined>;
  /** The API Gateway stage; appended as a path prefix unless it is `$default`. */
  stage?: string | undefined;
  /**
   * True only where the deployment says a proxy of its own sets X-Forwarded-Host (TRUST_FORWARDED_HOST);
   * otherwise any client could choose the host of the links in cacheable answers.
   */
  trustForwardedHost?: boolean | undefined;
}

const HOST_PATTERN = /^[A-Za-z0-9.-]+(?::\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](?::\d{1,5})?$/;
const STAGE_PATTERN = /^[A-Za-z0-9._-]{1,128}$/;

/**
 * Computes the absolute base URL of the API (no trailing slash): PUBLIC_BASE_URL when set, else
 * X-Forwarded-Proto with Host (X-Forwarded-Host instead only when `trustForwardedHost`), with the
 * stage appended when it is not `$default`.
 * A malformed host header falls back to `localhost`, so a client cannot inject text into feed links.
 */
export function resolveBaseUrl(source: BaseUrlSource): string {
  const configured = source.publicBaseUrl?.trim();
  if (configured) return configured.replace(/\/+$/, '');
  const { headers, stage } = source;
  const forwardedProto = headers['x-forwarded-proto'];
  const host = (source.trustForwardedHost ? headers['x-forwarded-host'] : undefined) ?? headers.host;
  // Clients send a handful of distinct header values: the URL made of them is remembered.
  const memoKey = `${forwardedProto ?? '\0'}\n${host ?? '\0'}\n${stage ?? '\0'}\n${source.trustForwardedHost === true}`;
  return baseUrlMemo.get(memoKey) ?? baseUrlMemo.remember(memoKey, computeBaseUrl(source));
}

const baseUrlMemo = new HeaderMemo<string>();

function firstValue(value: string | undefined): string | undefined {
  const first = value?.split(',')[0]?.trim();
  return first ? first : undefined;
}

function computeBaseUrl(source: BaseUrlSource): string {
  const { headers } = source;
  const forwardedProto = firstValue(headers['x-forwarded-proto'])?.toLowerCase();
  const proto = forwardedProto === 'https' || forwardedProto === 'http' ? forwardedProto : 'http';
  const candidate =
    (source.trustForwardedHost ? firstValue(headers['x-forwarded-host']) : undefined) ??
    firstValue(headers.host);
  const host = candidate && HOST_PATTERN.test(candidate) ? candidate.toLowerCase() : 'localhost';
  const stage = source.stage;
  const prefix = stage && stage !== '$default' && STAGE_PATTERN.test(stage) ? `/${stage}` : '';
  return `${proto}://${host}${prefix}`;
}
