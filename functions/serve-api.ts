import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/** Lambda entry point: API Gateway HTTP API (payload 2.0) → SPEC §3. (being written) */
export async function handler(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  return {
    statusCode: 503,
    body: JSON.stringify({ error: { code: 'unavailable', message: event.rawPath } }),
  };
}
