import { describe, expect, it } from 'vitest';
import { createApiHandler } from '../../../functions/http/api-handler.ts';
import { buildHttpApiEvent } from '../../builders/api-gateway-events.ts';
import { MemoryStoryReader } from './memory-reader.ts';

const OPERATOR = 'arn:aws:iam::000000000000:user/operator';

function handlerWith(operatorRoutesNeedIam: boolean) {
  return createApiHandler({ reader: new MemoryStoryReader(), cursorSecret: 'test', operatorRoutesNeedIam });
}

describe('operator routes on AWS (OPERATOR_ROUTES_NEED_IAM=true)', () => {
  it('answers 403 forbidden to /ingest/* when API Gateway let the request through without IAM', async () => {
    const handler = handlerWith(true);
    for (const target of ['/ingest/errors', '/ingest/status?key=a.txt']) {
      const result = await handler(buildHttpApiEvent(target));
      expect(result.statusCode).toBe(403);
      expect(JSON.parse(result.body ?? '')).toMatchObject({ error: { code: 'forbidden' } });
    }
  });

  it('serves /ingest/* to an IAM-authorized caller, and every other route to anyone', async () => {
    const handler = handlerWith(true);
    const signed = await handler(buildHttpApiEvent('/ingest/errors', { iamCaller: OPERATOR }));
    expect(signed.statusCode).toBe(200);
    expect((await handler(buildHttpApiEvent('/health'))).statusCode).toBe(200);
    expect((await handler(buildHttpApiEvent('/stories'))).statusCode).toBe(200);
  });

  it('leaves /ingest/* open where the setting is off (npm start, on 127.0.0.1)', async () => {
    const result = await handlerWith(false)(buildHttpApiEvent('/ingest/errors'));
    expect(result.statusCode).toBe(200);
  });
});
