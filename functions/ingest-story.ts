import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';

/** Lambda entry point: SQS-wrapped S3 ObjectCreated events → stored story versions. (being written) */
export async function handler(event: SQSEvent): Promise<SQSBatchResponse> {
  return { batchItemFailures: event.Records.map((record) => ({ itemIdentifier: record.messageId })) };
}
