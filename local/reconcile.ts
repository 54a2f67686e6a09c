import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { S3EventRecord } from 'aws-lambda';
import { isStoryKey } from '../functions/store/table-definition.ts';
import type { EventPump } from './event-pump.ts';
import type { IngestLedger } from './ledger.ts';

/**
 * Lists the whole bucket (paged ListObjectsV2) and feeds to the pump every story object whose
 * ETag the ledger has not seen (uploads S3 accepted but the pump never finished, e.g. because the
 * process was killed), and a delete for every key the ledger saw uploaded that the bucket no longer
 * holds (deleted while the server was down). Returns how many events were fed.
 */
export async function reconcileBucket(
  s3: S3Client,
  bucket: string,
  ledger: IngestLedger,
  pump: EventPump,
  pageSize = 1000,
): Promise<number> {
  let fed = 0;
  const listed = new Set<string>();
  let continuationToken: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, MaxKeys: pageSize, ContinuationToken: continuationToken }),
    );
    for (const object of page.Contents ?? []) {
      if (object.Key) listed.add(object.Key);
      if (!object.Key || !object.ETag || !isStoryKey(object.Key) || ledger.has(object.Key, object.ETag))
        continue;
      pump.accept({
        Records: [toCreatedRecord(bucket, object.Key, object.ETag, object.Size, object.LastModified)],
      });
      fed += 1;
    }
    continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (continuationToken);
  const now = new Date();
  for (const key of ledger.uploadedKeys()) {
    if (listed.has(key) || !isStoryKey(key)) continue;
    pump.accept({ Records: [toRemovedRecord(bucket, key, now)] });
    fed += 1;
  }
  return fed;
}

/**
 * An ObjectRemoved:Delete record for a key that vanished while the server was down. Its sequencer is
 * the time of this start-up, later than every event of the key the ledger saw.
 */
function toRemovedRecord(bucket: string, key: string, time: Date): S3EventRecord {
  // The type wants an ETag; an empty one stands for none, as the handler reads it.
  return { ...toCreatedRecord(bucket, key, '', 0, time), eventName: 'ObjectRemoved:Delete' };
}

/** An ObjectCreated:Put record for an object found in a listing, shaped as s3rver emits them (key un-encoded). */
function toCreatedRecord(
  bucket: string,
  key: string,
  eTag: string,
  size: number | undefined,
  lastModified: Date | undefined,
): S3EventRecord {
  const time = lastModified ?? new Date();
  return {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: 'us-east-1',
    eventTime: time.toISOString(),
    eventName: 'ObjectCreated:Put',
    userIdentity: { principalId: 'storyfeed-reconcile' },
    requestParameters: { sourceIPAddress: '127.0.0.1' },
    responseElements: { 'x-amz-request-id': 'reconcile', 'x-amz-id-2': 'reconcile' },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: 'storyfeed-reconcile',
      bucket: { name: bucket, ownerIdentity: { principalId: 'storyfeed' }, arn: `arn:aws:s3:::${bucket}` },
      object: {
        key,
        size: size ?? 0,
        eTag: eTag.replace(/"/g, ''),
        sequencer: time.getTime().toString(16).toUpperCase(),
      },
    },
  };
}
