import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { BUCKET, TABLE } from '../../functions/store/table-definition.ts';
import { NONCURRENT_VERSION_DAYS } from '../../infra/constructs/story-storage.ts';
import { INGEST_TIMEOUT } from '../../infra/storyfeed-stack.ts';
import {
  arnOf,
  denyInsecureTransport,
  describeSynthesized,
  logicalIdOf,
  objectsOf,
  refOf,
  type SynthesizedStoryfeed,
} from './synthesize-storyfeed.ts';

/** Registers the storage: buckets, queues, table, removal policy assertions on the synthesized default stack (one synth per test file). */
export function describeStorage(getSynth: () => SynthesizedStoryfeed): void {
  describeSynthesized('storage: buckets, queues, table, removal policy', getSynth, (stack) => {
    describe('stories bucket', () => {
      it('is versioned, SSE-encrypted, blocks all public access and logs access to the log bucket', () => {
        const { bucket, logBucket } = stack.synth.stack.storage;
        const props = stack.resourceOf('AWS::S3::Bucket', logicalIdOf(bucket)).Properties;
        expect(props.VersioningConfiguration).toEqual({ Status: 'Enabled' });
        expect(props.BucketEncryption).toEqual({
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        });
        expect(props.PublicAccessBlockConfiguration).toEqual({
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        });
        expect(props.LoggingConfiguration).toEqual({
          DestinationBucketName: refOf(logBucket),
          LogFilePrefix: 'stories-bucket/',
        });
      });

      it('expires only rejected uploads once noncurrent (30 days), oversized answers after a day, and lone delete markers', () => {
        const props = stack.resourceOf(
          'AWS::S3::Bucket',
          logicalIdOf(stack.synth.stack.storage.bucket),
        ).Properties;
        expect(props.LifecycleConfiguration).toEqual({
          Rules: [
            {
              AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
              ExpiredObjectDeleteMarker: true,
              Status: 'Enabled',
            },
            {
              NoncurrentVersionExpiration: { NoncurrentDays: NONCURRENT_VERSION_DAYS },
              TagFilters: [{ Key: BUCKET.discardedTag.key, Value: BUCKET.discardedTag.value }],
              Status: 'Enabled',
            },
            {
              ExpirationInDays: 1,
              NoncurrentVersionExpiration: { NoncurrentDays: 1 },
              Prefix: `${BUCKET.archivePrefix}responses/`,
              Status: 'Enabled',
            },
          ],
        });
      });

      /** Asserts the stories bucket's policy has a Deny of `actions` on `objects` for all but `exempt`. */
      const expectDenyExceptFor = (sid: string, actions: string[], objects: string, exempt: unknown[]) => {
        const { bucket } = stack.synth.stack.storage;
        stack.synth.template.hasResourceProperties('AWS::S3::BucketPolicy', {
          Bucket: refOf(bucket),
          PolicyDocument: {
            Statement: Match.arrayWith([
              {
                Sid: sid,
                Effect: 'Deny',
                Principal: { AWS: '*' },
                Action: actions,
                Resource: objectsOf(bucket, objects),
                Condition: { ArnNotEquals: { 'aws:PrincipalArn': exempt } },
              },
            ]),
          },
        });
      };

      it('denies erasing or tagging any object version to every principal but the ingest role (the versions are the originals)', () => {
        expectDenyExceptFor(
          'OnlyIngestErasesOrTagsOriginals',
          ['s3:DeleteObjectVersion', 's3:PutObjectTagging', 's3:PutObjectVersionTagging'],
          '/*',
          [arnOf(stack.synth.stack.ingest.role)],
        );
      });

      it('denies writing or deleting archive objects to every principal but the ingest and API roles (the API only writes oversized answers)', () => {
        expectDenyExceptFor(
          'OnlyThePipelineWritesTheArchive',
          ['s3:DeleteObject', 's3:DeleteObjectVersion', 's3:PutObject'],
          `/${BUCKET.archivePrefix}*`,
          [arnOf(stack.synth.stack.ingest.role), arnOf(stack.synth.stack.api.role)],
        );
      });

      it('refuses requests without TLS', () => {
        const { bucket } = stack.synth.stack.storage;
        stack.synth.template.hasResourceProperties('AWS::S3::BucketPolicy', {
          Bucket: refOf(bucket),
          PolicyDocument: {
            Statement: Match.arrayWith([denyInsecureTransport([arnOf(bucket), objectsOf(bucket, '/*')])]),
          },
        });
      });

      it('sends uploads and deletes (plain or delete marker) of .txt .md .TXT .MD keys, and only those, to the ingest queue', () => {
        const { bucket, queue } = stack.synth.stack.storage;
        const notifications = Object.values(
          stack.synth.template.findResources('Custom::S3BucketNotifications'),
        );
        expect(notifications).toHaveLength(1);
        const props = notifications[0]?.Properties;
        expect(props.BucketName).toEqual(refOf(bucket));
        expect(BUCKET.storySuffixes).toEqual(['.txt', '.md']);
        const expected = ['s3:ObjectCreated:*', 's3:ObjectRemoved:*'].flatMap((event) =>
          ['.txt', '.TXT', '.md', '.MD'].map((suffix) => ({
            Events: [event],
            Filter: { Key: { FilterRules: [{ Name: 'suffix', Value: suffix }] } },
            QueueArn: arnOf(queue),
          })),
        );
        const configurations = props.NotificationConfiguration.QueueConfigurations as unknown[];
        expect(configurations).toHaveLength(expected.length);
        expect(configurations).toEqual(expect.arrayContaining(expected));
        expect(props.NotificationConfiguration.LambdaFunctionConfigurations).toBeUndefined();
        expect(props.NotificationConfiguration.TopicConfigurations).toBeUndefined();
      });

      it('lets only S3, for this bucket in this account, send to the queue', () => {
        const { bucket, queue } = stack.synth.stack.storage;
        const [policy, ...others] = Object.values(
          stack.synth.template.findResources('AWS::SQS::QueuePolicy'),
        ).filter((resource) => JSON.stringify(resource.Properties.Queues) === JSON.stringify([refOf(queue)]));
        expect(others).toEqual([]);
        if (!policy) throw new Error('the ingest queue has no policy');
        const allows = (policy.Properties.PolicyDocument.Statement as Array<{ Effect: string }>).filter(
          (statement) => statement.Effect === 'Allow',
        );
        expect(allows).toEqual([
          {
            Sid: 'BucketEventsFromThisAccount',
            Effect: 'Allow',
            Principal: { Service: 's3.amazonaws.com' },
            Action: 'sqs:SendMessage',
            Condition: {
              ArnLike: { 'aws:SourceArn': arnOf(bucket) },
              StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
            },
            Resource: arnOf(queue),
          },
        ]);
      });
    });

    describe('access-log bucket', () => {
      it('is encrypted, private, TLS-only, and expires logs', () => {
        const { logBucket } = stack.synth.stack.storage;
        const props = stack.resourceOf('AWS::S3::Bucket', logicalIdOf(logBucket)).Properties;
        expect(props.BucketEncryption).toEqual({
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        });
        expect(props.PublicAccessBlockConfiguration).toMatchObject({
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
        });
        expect(props.LifecycleConfiguration).toEqual({
          Rules: [{ ExpirationInDays: 90, Status: 'Enabled' }],
        });
        stack.synth.template.hasResourceProperties('AWS::S3::BucketPolicy', {
          Bucket: refOf(logBucket),
          PolicyDocument: {
            Statement: Match.arrayWith([
              denyInsecureTransport([arnOf(logBucket), objectsOf(logBucket, '/*')]),
              Match.objectLike({
                Effect: 'Allow',
                Principal: { Service: 'logging.s3.amazonaws.com' },
                Action: 's3:PutObject',
              }),
            ]),
          },
        });
      });
    });

    describe('ingest queue', () => {
      it('is SQS-encrypted, hides a message for 6 × the ingest timeout, and dead-letters after 5 receives', () => {
        const { queue, deadLetterQueue } = stack.synth.stack.storage;
        const props = stack.resourceOf('AWS::SQS::Queue', logicalIdOf(queue)).Properties;
        expect(props.SqsManagedSseEnabled).toBe(true);
        expect(props.VisibilityTimeout).toBe(6 * INGEST_TIMEOUT.toSeconds());
        expect(props.RedrivePolicy).toEqual({
          deadLetterTargetArn: arnOf(deadLetterQueue),
          maxReceiveCount: 5,
        });
        const ingestTimeout = stack.resourceOf(
          'AWS::Lambda::Function',
          logicalIdOf(stack.synth.stack.ingest.function),
        ).Properties.Timeout;
        expect(props.VisibilityTimeout).toBeGreaterThanOrEqual(6 * Number(ingestTimeout));
      });

      it('has an encrypted dead-letter queue that keeps messages 14 days', () => {
        const props = stack.resourceOf(
          'AWS::SQS::Queue',
          logicalIdOf(stack.synth.stack.storage.deadLetterQueue),
        ).Properties;
        expect(props.SqsManagedSseEnabled).toBe(true);
        expect(props.MessageRetentionPeriod).toBe(14 * 24 * 3600);
      });

      it('refuses requests without TLS, on both queues', () => {
        for (const queue of [stack.synth.stack.storage.queue, stack.synth.stack.storage.deadLetterQueue]) {
          stack.synth.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
            Queues: [refOf(queue)],
            PolicyDocument: { Statement: Match.arrayWith([denyInsecureTransport(arnOf(queue))]) },
          });
        }
      });
    });

    describe('table', () => {
      it('is built from the shared definition: string keys, the byUpdated index (ALL), on demand', () => {
        const props = stack.resourceOf(
          'AWS::DynamoDB::Table',
          logicalIdOf(stack.synth.stack.storage.table),
        ).Properties;
        const index = TABLE.indexes.byUpdated;
        expect(props.BillingMode).toBe('PAY_PER_REQUEST');
        expect(props.KeySchema).toEqual([
          { AttributeName: TABLE.partitionKey, KeyType: 'HASH' },
          { AttributeName: TABLE.sortKey, KeyType: 'RANGE' },
        ]);
        expect(props.AttributeDefinitions).toEqual(
          [TABLE.partitionKey, TABLE.sortKey, index.partitionKey, index.sortKey].map((name) => ({
            AttributeName: name,
            AttributeType: 'S',
          })),
        );
        expect(props.GlobalSecondaryIndexes).toEqual([
          {
            IndexName: index.name,
            KeySchema: [
              { AttributeName: index.partitionKey, KeyType: 'HASH' },
              { AttributeName: index.sortKey, KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ]);
      });

      it('has point-in-time recovery and, by default, deletion protection', () => {
        const props = stack.resourceOf(
          'AWS::DynamoDB::Table',
          logicalIdOf(stack.synth.stack.storage.table),
        ).Properties;
        expect(props.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
        expect(props.DeletionProtectionEnabled).toBe(true);
      });

      it('lets DynamoDB delete items whose expiresAt has passed (ingest errors, tombstones)', () => {
        const props = stack.resourceOf(
          'AWS::DynamoDB::Table',
          logicalIdOf(stack.synth.stack.storage.table),
        ).Properties;
        expect(TABLE.ttlAttribute).toBe('expiresAt');
        expect(props.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
      });
    });

    describe('removal policy retain (the default)', () => {
      it('keeps both buckets, both queues, the table, the alarm key and every log group when the stack is deleted', () => {
        const { bucket, logBucket, table, queue, deadLetterQueue } = stack.synth.stack.storage;
        const kept = [
          stack.resourceOf('AWS::S3::Bucket', logicalIdOf(bucket)),
          stack.resourceOf('AWS::S3::Bucket', logicalIdOf(logBucket)),
          stack.resourceOf('AWS::SQS::Queue', logicalIdOf(queue)),
          stack.resourceOf('AWS::SQS::Queue', logicalIdOf(deadLetterQueue)),
          stack.resourceOf('AWS::DynamoDB::Table', logicalIdOf(table)),
          stack.resourceOf('AWS::KMS::Key', logicalIdOf(stack.synth.stack.alarms.topicKey)),
          ...Object.values(stack.synth.template.findResources('AWS::Logs::LogGroup')),
        ];
        expect(kept).toHaveLength(9);
        for (const resource of kept) {
          expect(resource.DeletionPolicy).toBe('Retain');
          expect(resource.UpdateReplacePolicy).toBe('Retain');
        }
        stack.synth.template.resourceCountIs('Custom::S3AutoDeleteObjects', 0);
      });
    });
  });
}
