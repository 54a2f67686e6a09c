import { randomUUID } from 'node:crypto';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { encodeS3Key } from '../../functions/ingest/s3-notification.ts';

export interface UploadNotice {
  key: string;
  bucket?: string;
  eventTime?: string;
  sequencer?: string;
  eventName?: string;
  /** The object's ETag (S3 sends it bare for uploads, none for deletes). */
  eTag?: string;
  /** The object version a versioned bucket gave the upload (the emulator sends none). */
  versionId?: string;
}

let clock = Date.parse('2026-01-01T00:00:00.000Z');

/** An S3 ObjectCreated record as S3 sends it (key URL-encoded, real ARN); times increase per call. */
export function buildS3Record(notice: UploadNotice): Record<string, unknown> {
  clock += 1;
  const bucket = notice.bucket ?? 'stories';
  return {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: 'us-east-1',
    eventTime: notice.eventTime ?? new Date(clock).toISOString(),
    eventName: notice.eventName ?? 'ObjectCreated:Put',
    userIdentity: { principalId: 'AWS:EXAMPLE' },
    requestParameters: { sourceIPAddress: '127.0.0.1' },
    responseElements: { 'x-amz-request-id': 'EXAMPLE', 'x-amz-id-2': 'EXAMPLE' },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: 'ingest',
      bucket: { name: bucket, ownerIdentity: { principalId: 'EXAMPLE' }, arn: `arn:aws:s3:::${bucket}` },
      object: {
        key: encodeS3Key(notice.key),
        size: 1,
        ...(notice.eTag ? { eTag: notice.eTag } : {}),
        ...(notice.versionId ? { versionId: notice.versionId } : {}),
        sequencer: (notice.sequencer ?? clock.toString(16)).toUpperCase(),
      },
    },
  };
}

/** An SQS record whose body is an S3 notification with the given S3 records. */
export function buildSqsRecord(s3Records: Record<string, unknown>[], receiveCount = 1): SQSRecord {
  return {
    messageId: randomUUID(),
    receiptHandle: randomUUID(),
    body: JSON.stringify({ Records: s3Records }),
    attributes: {
      ApproximateReceiveCount: String(receiveCount),
      SentTimestamp: String(Date.now()),
      SenderId: 'EXAMPLE',
      ApproximateFirstReceiveTimestamp: String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:storyfeed-ingest',
    awsRegion: 'us-east-1',
  };
}

/** An SQS event with one message per upload notice. */
export function buildUploadEvent(...notices: UploadNotice[]): SQSEvent {
  return { Records: notices.map((notice) => buildSqsRecord([buildS3Record(notice)])) };
}
