import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { StoryReader } from '../store/story-store.ts';
import { toApiGatewayResult, toHttpRequest } from './api-gateway-adapter.ts';
import { handleHttpRequest } from './handle-http-request.ts';
import type { RepresentationCache } from './representation-cache.ts';
import type { ApiDeps, LargeAnswerStore } from './types.ts';

export interface ApiHandlerDeps {
  reader: StoryReader;
  cursorSecret: string;
  publicBaseUrl?: string | undefined;
  websubHub?: string | undefined;
  /** OPERATOR_ROUTES_NEED_IAM=true: `/ingest/*` only for IAM-authorized callers (see ApiDeps). */
  operatorRoutesNeedIam?: boolean | undefined;
  /** TRUST_FORWARDED_HOST=true only where a proxy of the deployment sets X-Forwarded-Host. */
  trustForwardedHost?: boolean | undefined;
  /** Prepared answers kept per data generation (see RepresentationCache). */
  representations?: RepresentationCache | undefined;
  /** Where answers over the response limit are kept (answered 303 to a short-lived URL). */
  largeAnswers?: LargeAnswerStore | undefined;
  log?: (error: unknown, path: string) => void;
}

/** Builds the API Gateway HTTP API (payload 2.0) handler over a StoryReader. */
export function createApiHandler(deps: ApiHandlerDeps) {
  const options = { publicBaseUrl: deps.publicBaseUrl, trustForwardedHost: deps.trustForwardedHost };
  const apiDeps: ApiDeps = {
    reader: deps.reader,
    cursorSecret: deps.cursorSecret,
    operatorRoutesNeedIam: deps.operatorRoutesNeedIam,
    websubHub: deps.websubHub,
    representations: deps.representations,
    largeAnswers: deps.largeAnswers,
    log: deps.log,
  };
  return async function handleApiEvent(
    event: APIGatewayProxyEventV2,
  ): Promise<APIGatewayProxyStructuredResultV2> {
    return toApiGatewayResult(await handleHttpRequest(toHttpRequest(event, options), apiDeps));
  };
}
