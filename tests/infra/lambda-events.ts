import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, S3Event, SQSEvent } from 'aws-lambda';
import { encodeS3Key } from '../../functions/ingest/s3-notification.ts';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';

/** The S3 ObjectCreated:Put notification for one object, as S3 sends it to SQS. */
export function buildS3PutEvent(object: {
  bucket: string;
  key: string;
  size: number;
  eTag: string;
  versionId?: string | undefined;
  time: Date;
}): S3Event {
  return {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: REGION,
        eventTime: object.time.toISOString(),
        eventName: 'ObjectCreated:Put',
        userIdentity: { principalId: 'AWS:AIDAEXAMPLE' },
        requestParameters: { sourceIPAddress: '203.0.113.7' },
        responseElements: {
          'x-amz-request-id': 'C3D13FE58DE4C810',
          'x-amz-id-2': 'FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD',
        },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: 'storyfeed-ingest',
          bucket: {
            name: object.bucket,
            ownerIdentity: { principalId: 'A3NL1KOZZKExample' },
            arn: `arn:aws:s3:::${object.bucket}`,
          },
          object: {
            key: encodeS3Key(object.key),
            size: object.size,
            eTag: object.eTag.replace(/"/g, ''),
            ...(object.versionId ? { versionId: object.versionId } : {}),
            sequencer: object.time.getTime().toString(16).toUpperCase().padStart(18, '0'),
          },
        },
      },
    ],
  };
}

/** The SQS batch the event source mapping hands the ingest function, one message per S3 event. */
export function buildSqsEvent(bodies: S3Event[], queueName = 'storyfeed-IngestQueue'): SQSEvent {
  return {
    Records: bodies.map((body) => {
      const now = Date.now().toString();
      return {
        messageId: randomUUID(),
        receiptHandle: `AQEB${randomUUID()}`,
        body: JSON.stringify(body),
        attributes: {
          ApproximateReceiveCount: '1',
          SentTimestamp: now,
          SenderId: 'AIDAIENQZJOLO23YVJ4VO',
          ApproximateFirstReceiveTimestamp: now,
        },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: `arn:aws:sqs:${REGION}:${ACCOUNT}:${queueName}`,
        awsRegion: REGION,
      };
    }),
  };
}

/** An HTTP API (payload 2.0) GET as API Gateway hands it to the function on the `$default` stage. */
export function buildHttpApiGet(
  path: string,
  routeKey: string,
  headers: Record<string, string> = {},
): APIGatewayProxyEventV2 {
  const domainName = 'a1b2c3d4e5.execute-api.us-east-1.amazonaws.com';
  const now = new Date();
  return {
    version: '2.0',
    routeKey,
    rawPath: path,
    rawQueryString: '',
    headers: {
      accept: '*/*',
      host: domainName,
      'user-agent': 'curl/8.5.0',
      'x-forwarded-for': '203.0.113.7',
      'x-forwarded-port': '443',
      'x-forwarded-proto': 'https',
      ...headers,
    },
    requestContext: {
      accountId: ACCOUNT,
      apiId: 'a1b2c3d4e5',
      domainName,
      domainPrefix: 'a1b2c3d4e5',
      http: { method: 'GET', path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'curl/8.5.0' },
      requestId: 'JKJaXmPLvHcESHA=',
      routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    isBase64Encoded: false,
  };
}
