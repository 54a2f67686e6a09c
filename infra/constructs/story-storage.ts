import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { BUCKET, TABLE } from '../../functions/store/table-definition.ts';

export interface StoryStorageProps {
  removalPolicy: 'retain' | 'destroy';
  /** The ingest function's timeout: the queue hides a message for 6 times as long (AWS's advice). */
  ingestTimeout: Duration;
  /** CloudFront standard logs need ACLs on the log bucket; only enabled when the CDN is on. */
  logBucketAcceptsCdnLogs: boolean;
}

/** How many receives a message gets before it moves to the dead-letter queue. */
export const MAX_RECEIVE_COUNT = 5;

/** The stateful part: the stories bucket (and its access-log bucket), the ingest queue and DLQ, the table. */
export class StoryStorage extends Construct {
  readonly bucket: s3.Bucket;
  readonly logBucket: s3.Bucket;
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: StoryStorageProps) {
    super(scope, id);
    const destroy = props.removalPolicy === 'destroy';
    const removalPolicy = destroy ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;

    // Not access-logged itself: it is the log destination (cdk-nag S1 knows and does not ask).
    this.logBucket = new s3.Bucket(this, 'AccessLogBucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: props.logBucketAcceptsCdnLogs
        ? s3.ObjectOwnership.BUCKET_OWNER_PREFERRED
        : s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy,
      autoDeleteObjects: destroy,
    });

    this.bucket = new s3.Bucket(this, 'StoriesBucket', {
      versioned: true,
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      serverAccessLogsBucket: this.logBucket,
      serverAccessLogsPrefix: 'stories-bucket/',
      lifecycleRules: [{ abortIncompleteMultipartUploadAfter: Duration.days(7) }],
      removalPolicy,
      autoDeleteObjects: destroy,
    });

    this.deadLetterQueue = new sqs.Queue(this, 'IngestDeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.queue = new sqs.Queue(this, 'IngestQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(props.ingestTimeout.toSeconds() * 6),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: MAX_RECEIVE_COUNT },
    });
    // S3 filters match a prefix and a suffix, never "not under _archive/": the archive keys end in
    // .raw / .json.gz, and the ingest code skips _archive/ keys as well (isStoryKey).
    for (const suffix of BUCKET.storySuffixes) {
      this.bucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.SqsDestination(this.queue), {
        suffix,
      });
    }

    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: TABLE.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: TABLE.sortKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode[TABLE.billing],
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: !destroy,
      removalPolicy,
    });
    const index = TABLE.indexes.byUpdated;
    this.table.addGlobalSecondaryIndex({
      indexName: index.name,
      partitionKey: { name: index.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: index.sortKey, type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.ALL,
    });
  }
}
