import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { StoryReader } from '../store/story-store.ts';
import { toApiGatewayResult, toHttpRequest } from './api-gateway-adapter.ts';
import { handleHttpRequest } from './handle-http-request.ts';

export interface ApiHandlerDeps {
  reader: StoryReader;
  cursorSecret: string;
  publicBaseUrl?: string | undefined;
  websubHub?: string | undefined;
  log?: (error: unknown, path: string) => void;
}

/** Builds the API Gateway HTTP API (payload 2.0) handler over a StoryReader. */
export function createApiHandler(deps: ApiHandlerDeps) {
  return async function handleApiEvent(
    event: APIGatewayProxyEventV2,
  ): Promise<APIGatewayProxyStructuredResultV2> {
    const request = toHttpRequest(event, deps.publicBaseUrl);
    const response = await handleHttpRequest(request, {
      reader: deps.reader,
      cursorSecret: deps.cursorSecret,
      websubHub: deps.websubHub,
      log: (error) => deps.log?.(error, request.path),
    });
    return toApiGatewayResult(response);
  };
}
