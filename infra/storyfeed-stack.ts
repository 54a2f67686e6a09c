import { type CfnElement, CfnOutput, Duration, Fn, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { Construct } from 'constructs';
import { BUCKET, ENV, TABLE } from '../functions/store/table-definition.ts';
import { acknowledgeFinding } from './constructs/acknowledge-finding.ts';
import { FeedApi } from './constructs/feed-api.ts';
import { PipelineAlarms } from './constructs/pipeline-alarms.ts';
import { StoryStorage } from './constructs/story-storage.ts';
import { StoryfeedFunction } from './constructs/storyfeed-function.ts';
import type { StoryfeedSettings } from './settings.ts';

export const INGEST_TIMEOUT = Duration.seconds(30);
export const API_TIMEOUT = Duration.seconds(10);
export const INGEST_BATCH_SIZE = 10;
/** The HMAC key variable for paging cursors (API function only). */
export const CURSOR_SECRET_ENV = 'CURSOR_SECRET';

/** DynamoDB actions each function may call, on the table and its byUpdated index. */
export const TABLE_READ_ACTIONS = ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query'] as const;
export const TABLE_WRITE_ACTIONS = [
  'dynamodb:BatchWriteItem',
  'dynamodb:DeleteItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
] as const;

export interface StoryfeedStackProps extends StackProps {
  settings: StoryfeedSettings;
}

/**
 * The whole pipeline in one stack: bucket → queue → ingest function → table, and the HTTP API
 * (optionally behind CloudFront) → API function → table and archive objects.
 */
export class StoryfeedStack extends Stack {
  readonly storage: StoryStorage;
  readonly ingest: StoryfeedFunction;
  readonly api: StoryfeedFunction;
  readonly feedApi: FeedApi;
  readonly alarms: PipelineAlarms;

  constructor(scope: Construct, id: string, props: StoryfeedStackProps) {
    super(scope, id, props);
    const { settings } = props;
    const removalPolicy = settings.removalPolicy === 'destroy' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;

    this.storage = new StoryStorage(this, 'Storage', {
      removalPolicy: settings.removalPolicy,
      ingestTimeout: INGEST_TIMEOUT,
      logBucketAcceptsCdnLogs: settings.cdn,
    });
    const { bucket, table, queue } = this.storage;
    const names = { [ENV.tableName]: table.tableName, [ENV.bucketName]: bucket.bucketName };

    this.ingest = new StoryfeedFunction(this, 'Ingest', {
      entryFile: 'ingest-story.ts',
      description: 'storyfeed: S3 upload (via SQS) to parsed, stored story version',
      serviceName: 'storyfeed-ingest',
      timeout: INGEST_TIMEOUT,
      memorySize: 1024,
      environment: names,
      removalPolicy,
    });
    this.ingest.function.addEventSource(
      new SqsEventSource(queue, { batchSize: INGEST_BATCH_SIZE, reportBatchItemFailures: true }),
    );

    // Created before the API function, whose PUBLIC_BASE_URL may name the distribution. No cycle:
    // the distribution needs only the API's id, and the routes (which need the function) are
    // separate resources from the API itself.
    this.api = new StoryfeedFunction(this, 'Api', {
      entryFile: 'serve-api.ts',
      description: 'storyfeed: HTTP API (SPEC section 3) to feeds and story JSON',
      serviceName: 'storyfeed-api',
      timeout: API_TIMEOUT,
      memorySize: 1024,
      environment: {
        ...names,
        // The random part of the stack id: unguessable, stable for the stack's life, not in the repo.
        [CURSOR_SECRET_ENV]: Fn.select(2, Fn.split('/', this.stackId)),
      },
      removalPolicy,
    });
    this.feedApi = new FeedApi(this, 'FeedApi', {
      handler: this.api.function,
      throttleRate: settings.throttleRate,
      throttleBurst: settings.throttleBurst,
      removalPolicy,
      ...(settings.cdn ? { cdnLogBucket: this.storage.logBucket } : {}),
    });
    const distribution = this.feedApi.distribution;
    if (distribution) {
      this.api.function.addEnvironment(ENV.publicBaseUrl, `https://${distribution.distributionDomainName}`);
    }

    this.grantLeastPrivilege();
    this.acknowledgeFindings();

    this.alarms = new PipelineAlarms(this, 'Alarms', {
      deadLetterQueue: this.storage.deadLetterQueue,
      functions: { Ingest: this.ingest.function, Api: this.api.function },
      httpApi: this.feedApi.httpApi,
    });

    new CfnOutput(this, 'ApiUrl', { value: this.feedApi.url, description: 'The HTTP API (SPEC §3)' });
    if (distribution) {
      new CfnOutput(this, 'CdnUrl', {
        value: `https://${distribution.distributionDomainName}/`,
        description: 'The API through CloudFront',
      });
    }
    new CfnOutput(this, 'BucketName', { value: bucket.bucketName, description: 'Upload story files here' });
    new CfnOutput(this, 'TableName', { value: table.tableName });
    new CfnOutput(this, 'QueueUrl', { value: queue.queueUrl, description: 'The ingest queue' });
  }

  /** Table and bucket rights, written out action by action (the grant* helpers give more). */
  private grantLeastPrivilege(): void {
    const { bucket, table } = this.storage;
    const tableAndIndex = [table.tableArn, `${table.tableArn}/index/${TABLE.indexes.byUpdated.name}`];
    this.ingest.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadAndWriteStories',
        actions: [...TABLE_READ_ACTIONS, ...TABLE_WRITE_ACTIONS],
        resources: tableAndIndex,
      }),
    );
    this.ingest.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadUploads',
        actions: ['s3:GetObject', 's3:GetObjectVersion'],
        resources: [bucket.arnForObjects('*')],
      }),
    );
    // Without ListBucket, S3 answers 403 (not 404) for a key deleted before its event is handled, and
    // ingest could not tell a vanished upload from a denied one.
    this.ingest.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'TellMissingUploads',
        actions: ['s3:ListBucket'],
        resources: [bucket.bucketArn],
      }),
    );
    this.ingest.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'WriteArchive',
        actions: ['s3:PutObject'],
        resources: [bucket.arnForObjects(`${BUCKET.archivePrefix}*`)],
      }),
    );
    this.api.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadStories',
        actions: [...TABLE_READ_ACTIONS],
        resources: tableAndIndex,
      }),
    );
    this.api.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadArchive',
        actions: ['s3:GetObject'],
        resources: [bucket.arnForObjects(`${BUCKET.archivePrefix}*`)],
      }),
    );
  }

  /**
   * The cdk-nag findings this design accepts, each acknowledged on the construct that raises it and
   * by its exact finding id (a new wildcard elsewhere is still reported).
   */
  private acknowledgeFindings(): void {
    const bucketArn = `<${this.resolve(this.getLogicalId(this.storage.bucket.node.defaultChild as CfnElement))}.Arn>`;
    const xrayReason =
      'Only the X-Ray statement has Resource *: xray:PutTraceSegments and xray:PutTelemetryRecords support no ' +
      'resource-level permissions (CDK adds them for active tracing).';
    const archiveId = `AwsSolutions-IAM5[Resource::${bucketArn}/${BUCKET.archivePrefix}*]`;
    const archiveReason =
      `The pipeline's own copies live under ${BUCKET.archivePrefix} with content-addressed keys that cannot be ` +
      'listed in advance; the rights stop at that prefix.';
    for (const role of [this.ingest.role, this.api.role]) {
      acknowledgeFinding(role, 'AwsSolutions-IAM5[Resource::*]', xrayReason);
      acknowledgeFinding(role, archiveId, archiveReason);
    }
    acknowledgeFinding(
      this.ingest.role,
      `AwsSolutions-IAM5[Resource::${bucketArn}/*]`,
      'Ingest must read whatever story file a user uploads (any key, any folder), and only GetObject/' +
        'GetObjectVersion are granted on the objects: no delete, no write outside the archive.',
    );
    // CDK's singleton that applies the bucket notifications at deploy time (not at run time).
    for (const child of this.node.children) {
      if (!child.node.id.startsWith('BucketNotificationsHandler')) continue;
      acknowledgeFinding(
        child,
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        "CDK's BucketNotificationsHandler is a deploy-time custom resource that CDK owns; its role's managed " +
          'policy only lets it write its own logs, and its construct offers no way to replace it.',
      );
    }
  }
}
