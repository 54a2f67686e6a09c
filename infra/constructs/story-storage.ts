import { CustomResourceProviderBase, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { RESPONSE_PREFIX } from '../../functions/store/s3-response-store.ts';
import { BUCKET, TABLE } from '../../functions/store/table-definition.ts';
import { QueueFromBucketDestination } from './queue-from-bucket-destination.ts';

export interface StoryStorageProps {
  removalPolicy: 'retain' | 'destroy';
  /** The ingest function's timeout: the queue hides a message for 6 times as long (AWS's advice). */
  ingestTimeout: Duration;
  /** CloudFront standard logs need ACLs on the log bucket; only enabled when the CDN is on. */
  logBucketAcceptsCdnLogs: boolean;
}

/** How many receives a message gets before it moves to the dead-letter queue. */
export const MAX_RECEIVE_COUNT = 5;

/**
 * S3 suffix filters are case-sensitive, and the local pipeline ingests any case (isStoryKey): the
 * stack subscribes the lower- and upper-case spelling of each story suffix (`.Txt` stays unmatched).
 */
export const NOTIFIED_SUFFIXES = BUCKET.storySuffixes.flatMap((suffix) => [suffix, suffix.toUpperCase()]);

/** The bucket events that reach the ingest queue: uploads, and deletes (plain or a delete marker) that retract. */
export const NOTIFIED_EVENTS = [s3.EventType.OBJECT_CREATED, s3.EventType.OBJECT_REMOVED] as const;

/**
 * How long an overwritten or deleted upload that ingest rejected (tagged BUCKET.discardedTag) stays
 * as a noncurrent version: past the DLQ's 14-day retention, so a late redelivery still finds it.
 * Every other object version may be a published original (ingest records the upload's version id
 * instead of copying it: issue 14), so it never expires.
 */
export const NONCURRENT_VERSION_DAYS = 30;

/** Object actions nobody but the pipeline may take on the archive prefix. */
export const ARCHIVE_WRITE_ACTIONS = ['s3:DeleteObject', 's3:DeleteObjectVersion', 's3:PutObject'] as const;

/**
 * Object actions nobody but the ingest function may take anywhere in the bucket: erasing a version
 * (a published original), or tagging one (the discarded tag lets the lifecycle expire it).
 */
export const ORIGINAL_GUARD_ACTIONS = [
  's3:DeleteObjectVersion',
  's3:PutObjectTagging',
  's3:PutObjectVersionTagging',
] as const;

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
      lifecycleRules: [
        { abortIncompleteMultipartUploadAfter: Duration.days(7), expiredObjectDeleteMarker: true },
        {
          // S3 allows no delete-marker or multipart clause beside a tag filter: a rule of its own.
          tagFilters: { [BUCKET.discardedTag.key]: BUCKET.discardedTag.value },
          noncurrentVersionExpiration: Duration.days(NONCURRENT_VERSION_DAYS),
        },
        {
          // Answers over 6 MB are copied here for a 5-minute presigned redirect: a day is plenty.
          prefix: RESPONSE_PREFIX,
          expiration: Duration.days(1),
          noncurrentVersionExpiration: Duration.days(1),
        },
      ],
      removalPolicy,
      autoDeleteObjects: destroy,
    });

    this.deadLetterQueue = new sqs.Queue(this, 'IngestDeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy,
    });
    this.queue = new sqs.Queue(this, 'IngestQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(props.ingestTimeout.toSeconds() * 6),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: MAX_RECEIVE_COUNT },
      removalPolicy,
    });
    // S3 filters match a prefix and a suffix, never "not under _archive/": the archive keys end in
    // .raw / .json.gz, and the ingest code skips _archive/ keys as well (isStoryKey).
    const destination = new QueueFromBucketDestination(this.queue);
    for (const event of NOTIFIED_EVENTS) {
      for (const suffix of NOTIFIED_SUFFIXES)
        this.bucket.addEventNotification(event, destination, { suffix });
    }

    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: TABLE.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: TABLE.sortKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode[TABLE.billing],
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: TABLE.ttlAttribute,
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

  /**
   * Denies every principal except `writers` (and, with removalPolicy=destroy, CDK's bucket-emptying
   * function) writing or deleting under the archive prefix. An explicit Deny in the bucket policy
   * beats any Allow an uploader's own IAM policy has (`s3:*` included).
   */
  protectArchive(writers: iam.IRole[]): void {
    this.denyAllBut(
      writers,
      'OnlyThePipelineWritesTheArchive',
      ARCHIVE_WRITE_ACTIONS,
      `${BUCKET.archivePrefix}*`,
    );
  }

  /**
   * Denies every principal except `ingest` (and CDK's bucket-emptying function) erasing an object
   * version or tagging one: the versions are the published originals, and the discarded tag lets
   * them expire. A legal takedown of the bytes is an operator's change to this policy.
   */
  protectOriginals(ingest: iam.IRole): void {
    this.denyAllBut([ingest], 'OnlyIngestErasesOrTagsOriginals', ORIGINAL_GUARD_ACTIONS, '*');
  }

  /**
   * A bucket-policy Deny of `actions` on the objects matching `keys` to every principal but `roles`
   * and the auto-delete function's role, when removalPolicy=destroy made one.
   */
  private denyAllBut(roles: iam.IRole[], sid: string, actions: readonly string[], keys: string): void {
    const exempt = roles.map((role) => role.roleArn);
    const emptier = Stack.of(this).node.tryFindChild('Custom::S3AutoDeleteObjectsCustomResourceProvider');
    if (emptier instanceof CustomResourceProviderBase) exempt.push(emptier.roleArn);
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid,
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: [...actions],
        resources: [this.bucket.arnForObjects(keys)],
        conditions: { ArnNotEquals: { 'aws:PrincipalArn': exempt } },
      }),
    );
  }
}
