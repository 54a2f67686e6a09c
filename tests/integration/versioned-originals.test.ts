import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIngestHandler } from '../../functions/ingest/ingest-handler.ts';
import { DynamoStoryStore } from '../../functions/store/dynamo-story-store.ts';
import { BUCKET } from '../../functions/store/table-definition.ts';
import { buildUploadEvent } from '../builders/s3-events.ts';
import { buildStoryFile } from '../builders/story-file.ts';
import { VersionedBucket } from '../builders/versioned-bucket.ts';
import { startTestPipeline, type TestPipeline } from './pipeline.ts';

/**
 * On AWS the stories bucket is versioned and every event names the upload's version: ingest keeps
 * that version as the original instead of copying it under _archive/ (issue 14: one S3 PUT less per
 * story version). The table is the real one (dynalite); the bucket is a versioned one in memory,
 * because the embedded S3 has no versioning (its events carry no version id: the copy path).
 */
describe('originals kept as S3 object versions', () => {
  let pipeline: TestPipeline;
  let bucket: VersionedBucket;
  let store: DynamoStoryStore;
  let ingest: ReturnType<typeof createIngestHandler>;

  beforeAll(async () => {
    pipeline = await startTestPipeline();
    bucket = new VersionedBucket();
    store = new DynamoStoryStore(pipeline.clients.dynamo, pipeline.emulators.tableName, bucket);
    ingest = createIngestHandler({
      blobs: bucket,
      store,
      logger: new Logger({ serviceName: 'test', logLevel: 'SILENT' }),
      metrics: new Metrics({ namespace: 'test', serviceName: 'test' }),
    });
  });
  afterAll(async () => {
    await pipeline.stop();
  });

  it('serves each version from the upload it came from, after the key was overwritten, with no archive copy', async () => {
    const key = 'drafts/market-wrap.txt';
    const first = buildStoryFile({ version: 'v0.1', paragraphs: ['Shares rose 5% [25773905].'] });
    const second = buildStoryFile({ version: 'v0.2', paragraphs: ['Shares rose 7% [25773905].'] });
    const firstId = bucket.upload(key, first);
    expect((await ingest(buildUploadEvent({ key, versionId: firstId }))).batchItemFailures).toEqual([]);
    const secondId = bucket.upload(key, second);
    expect((await ingest(buildUploadEvent({ key, versionId: secondId }))).batchItemFailures).toEqual([]);

    expect(await store.getRawText('market-wrap', 'v0.1')).toBe(first);
    expect(await store.getRawText('market-wrap', 'v0.2')).toBe(second);
    expect(bucket.pipelineWrites.filter((written) => written.endsWith('.raw'))).toEqual([]);
    const revisions = await store.listRevisions('market-wrap', 'v0.1');
    expect(revisions).toEqual([expect.objectContaining({ rawKey: key, rawVersionId: firstId })]);
  });

  it('tags a rejected upload so the lifecycle may expire it, and leaves the published versions untagged', async () => {
    const key = 'stories/tagged/v1.0.txt';
    const publishedId = bucket.upload(key, buildStoryFile({ version: 'v1.0' }));
    await ingest(buildUploadEvent({ key, versionId: publishedId }));
    const rejectedId = bucket.upload(key, 'no version line here\n');
    expect((await ingest(buildUploadEvent({ key, versionId: rejectedId }))).batchItemFailures).toEqual([]);

    expect(bucket.tagsOf(key, rejectedId)).toEqual({ [BUCKET.discardedTag.key]: BUCKET.discardedTag.value });
    expect(bucket.tagsOf(key, publishedId)).toEqual({});
    expect(await store.getRawText('tagged', 'v1.0')).toBe(buildStoryFile({ version: 'v1.0' }));
    expect((await store.readIngestStatus(key))?.status).toMatchObject({ outcome: 'rejected' });
  });

  it('still checks an original against its hash: a version that does not match is archive_corrupt, not served', async () => {
    const key = 'stories/checked/v1.0.txt';
    const versionId = bucket.upload(key, buildStoryFile({ version: 'v1.0', paragraphs: ['True text.'] }));
    await ingest(buildUploadEvent({ key, versionId }));
    // S3 versions are immutable; a bucket that answered other bytes for the id must not be believed.
    const altered = await bucket.getObject(key, { versionId });
    altered?.bytes.set(new TextEncoder().encode('X'), altered.bytes.length - 3);

    await expect(store.getRawText('checked', 'v1.0')).rejects.toMatchObject({ name: 'ArchiveCorruptError' });
  });
});
