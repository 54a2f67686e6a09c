import { Validations } from 'aws-cdk-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUCKET } from '../../functions/store/table-definition.ts';
import { describeCompute } from './stack-compute-cases.ts';
import { describeEdge } from './stack-edge-cases.ts';
import { describeOperations } from './stack-operations-cases.ts';
import { describeStorage } from './stack-storage-cases.ts';
import {
  canOrderResources,
  logicalIdOf,
  type SynthesizedStoryfeed,
  synthesizeStoryfeed,
} from './synthesize-storyfeed.ts';

let synth: SynthesizedStoryfeed;

beforeAll(() => {
  synth = synthesizeStoryfeed({ bundle: false });
});

describe('storyfeed stack with default settings', () => {
  describeStorage(() => synth);
  describeCompute(() => synth);
  describeEdge(() => synth);
  describeOperations(() => synth);

  describe('checks', () => {
    it('runs the AwsSolutions, NIST 800-53 R5 and Serverless packs and leaves no finding unacknowledged', () => {
      expect(synth.plugins).toEqual(['AwsSolutions', 'NIST.800.53.R5', 'Serverless']);
      expect(synth.findings).toEqual([]);
    });

    it('acknowledges only the findings this design accepts, each where it arises, with a written reason', () => {
      const bucketArn = `<${logicalIdOf(synth.stack.storage.bucket)}.Arn>`;
      const acknowledged = synth.acknowledged.map(
        ({ rule, acknowledgedAt }) => `${rule} @ ${acknowledgedAt.replace(/^Storyfeed\//, '')}`,
      );
      const perFunction = (rule: string) => [`${rule} @ Ingest/Function`, `${rule} @ Api/Function`];
      expect([...new Set(acknowledged)].sort()).toEqual(
        [
          'AwsSolutions-APIG4 @ FeedApi/HttpApi',
          'AwsSolutions-CFR1 @ FeedApi/Cdn',
          'AwsSolutions-CFR2 @ FeedApi/Cdn',
          'AwsSolutions-CFR4 @ FeedApi/Cdn',
          'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole] @ BucketNotificationsHandler050a0587b7544547bf325f094a3db834',
          `AwsSolutions-IAM5[Resource::${bucketArn}/${BUCKET.archivePrefix}*] @ Api/Role`,
          `AwsSolutions-IAM5[Resource::${bucketArn}/${BUCKET.archivePrefix}responses/*] @ Api/Role`,
          `AwsSolutions-IAM5[Resource::${bucketArn}/*] @ Api/Role`,
          `AwsSolutions-IAM5[Resource::${bucketArn}/${BUCKET.archivePrefix}*] @ Ingest/Role`,
          `AwsSolutions-IAM5[Resource::${bucketArn}/*] @ Ingest/Role`,
          'NIST.800.53.R5-CloudWatchLogGroupEncrypted @ Api/Logs',
          'NIST.800.53.R5-CloudWatchLogGroupEncrypted @ Ingest/Logs',
          'NIST.800.53.R5-CloudWatchLogGroupEncrypted @ FeedApi/AccessLogs',
          'NIST.800.53.R5-DynamoDBInBackupPlan @ Storage/Table',
          'NIST.800.53.R5-IAMNoInlinePolicy @ Api/Role',
          'NIST.800.53.R5-IAMNoInlinePolicy @ Ingest/Role',
          'NIST.800.53.R5-IAMNoInlinePolicy @ Storage/StoriesBucket/Notifications',
          ...perFunction('NIST.800.53.R5-LambdaConcurrency'),
          ...perFunction('NIST.800.53.R5-LambdaDLQ'),
          ...perFunction('NIST.800.53.R5-LambdaInsideVPC'),
          'NIST.800.53.R5-S3BucketReplicationEnabled @ Storage/StoriesBucket',
          'NIST.800.53.R5-S3BucketReplicationEnabled @ Storage/AccessLogBucket',
          'NIST.800.53.R5-S3BucketVersioningEnabled @ Storage/AccessLogBucket',
          'NIST.800.53.R5-S3DefaultEncryptionKMS @ Storage/StoriesBucket',
          'NIST.800.53.R5-S3DefaultEncryptionKMS @ Storage/AccessLogBucket',
          ...perFunction('Serverless-LambdaDLQ'),
          ...perFunction('Serverless-LambdaTracing'),
          'Serverless-LambdaEventSourceMappingDestination @ Ingest/Function/SqsEventSource:StoryfeedStorageIngestQueueA7691BDF',
          'Serverless-SQSRedrivePolicy @ Storage/IngestDeadLetterQueue',
        ].sort(),
      );
      for (const { reason } of synth.acknowledged)
        expect(reason.split(' ').length).toBeGreaterThanOrEqual(12);
    });

    it('has no acknowledgement that suppresses nothing', () => {
      const made = synth.stack.node.findAll().flatMap((construct) =>
        construct.node.metadata
          .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
          .flatMap((entry) => Object.keys(entry.data as Record<string, string>))
          .map((id) => `${id} @ ${construct.node.path}`),
      );
      const used = new Set(synth.acknowledged.map((a) => `${a.acknowledgedId} @ ${a.acknowledgedAt}`));
      expect(made.filter((entry) => !used.has(entry))).toEqual([]);
    });

    it('can be ordered by CloudFormation: no dependency cycle', () => {
      expect(canOrderResources(synth.template)).toBe(true);
    });
  });
});
