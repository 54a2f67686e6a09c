import { CfnOutput, Duration, Fn, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { Construct } from 'constructs';
import { RESPONSE_PREFIX } from '../functions/store/s3-response-store.ts';
import { BUCKET, ENV, TABLE } from '../functions/store/table-definition.ts';
import { FeedApi } from './constructs/feed-api.ts';
import { PipelineAlarms } from './constructs/pipeline-alarms.ts';
import { PipelineDashboard } from './constructs/pipeline-dashboard.ts';
import { StoryStorage } from './constructs/story-storage.ts';
import { METRICS_NAMESPACE, StoryfeedFunction } from './constructs/storyfeed-function.ts';
import { acknowledgeStackFindings } from './nag-acknowledgements.ts';
import type { StoryfeedSettings } from './settings.ts';

export const INGEST_TIMEOUT = Duration.seconds(30);
export const API_TIMEOUT = Duration.seconds(10);
export const INGEST_BATCH_SIZE = 10;
/**
 * Ingest waits on S3 and DynamoDB for most of its ~90 ms; parsing even a 1 MiB story needs far less
 * than 512 MB. Half the memory halves the GB-seconds billed (README, What it costs).
 */
export const INGEST_MEMORY_MB = 512;
export const API_MEMORY_MB = 1024;
/** The HMAC key variable for paging cursors (API function only). */
export const CURSOR_SECRET_ENV = 'CURSOR_SECRET';
export const INGEST_SERVICE_NAME = 'storyfeed-ingest';
export const API_SERVICE_NAME = 'storyfeed-api';

/** DynamoDB actions on the table: the API reads (BatchGetItem for feeds, Query also on the index). */
export const TABLE_READ_ACTIONS = ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query'] as const;
/**
 * What the ingest code calls on the table (functions/store/dynamo-story-store.ts and the retraction
 * steps): single-item reads and conditional writes, and Query for the versions of a story. No
 * batch calls and no index: conditional writes cannot be batched.
 */
export const INGEST_TABLE_ACTIONS = [
  'dynamodb:DeleteItem',
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:Query',
  'dynamodb:UpdateItem',
] as const;

export interface StoryfeedStackProps extends StackProps {
  settings: StoryfeedSettings;
}

/**
 * The whole pipeline in one stack: bucket → queue → ingest function → table and event bus, and
 * the HTTP API (behind CloudFront unless cdn=false) → API function → table and archive objects;
 * alarms to an SNS topic, and a dashboard.
 */
export class StoryfeedStack extends Stack {
  readonly storage: StoryStorage;
  readonly eventBus: events.EventBus;
  readonly ingest: StoryfeedFunction;
  readonly api: StoryfeedFunction;
  readonly feedApi: FeedApi;
  readonly alarms: PipelineAlarms;
  readonly dashboard: PipelineDashboard;
  /** The base of absolute URLs in feeds and events: the custom domain, the CDN or the API. */
  readonly publicBaseUrl: string;

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
    const hub: Record<string, string> = settings.websubHub ? { [ENV.websubHub]: settings.websubHub } : {};
    const functionSettings = { removalPolicy, tracing: settings.tracing, logLevel: settings.logLevel };

    this.eventBus = new events.EventBus(this, 'EventBus', {
      // Named after the stack: bus names are unique per account and region, and two stacks may share one.
      eventBusName: `${this.stackName}-events`,
      description: 'storyfeed: Story Version Published and Story Retracted events (SPEC §7)',
    });

    this.ingest = new StoryfeedFunction(this, 'Ingest', {
      entryFile: 'ingest-story.ts',
      description: 'storyfeed: S3 upload or delete (via SQS) to stored or retracted story versions',
      serviceName: INGEST_SERVICE_NAME,
      timeout: INGEST_TIMEOUT,
      memorySize: INGEST_MEMORY_MB,
      environment: { ...names, [ENV.eventBusName]: this.eventBus.eventBusName, ...hub },
      ...functionSettings,
    });
    this.ingest.function.addEventSource(
      new SqsEventSource(queue, {
        batchSize: INGEST_BATCH_SIZE,
        reportBatchItemFailures: true,
        maxConcurrency: settings.ingestConcurrency,
      }),
    );

    // Created before the API function's environment is complete: PUBLIC_BASE_URL may name the
    // distribution. No cycle: the distribution needs only the API's id, and the routes (which
    // need the function) are separate resources from the API itself.
    this.api = new StoryfeedFunction(this, 'Api', {
      entryFile: 'serve-api.ts',
      description: 'storyfeed: HTTP API (SPEC sections 3 and 5) to feeds, story JSON and pages',
      serviceName: API_SERVICE_NAME,
      timeout: API_TIMEOUT,
      memorySize: API_MEMORY_MB,
      environment: {
        ...names,
        // The random part of the stack id: unguessable, stable for the stack's life, not in the repo.
        [CURSOR_SECRET_ENV]: Fn.select(2, Fn.split('/', this.stackId)),
        [ENV.operatorRoutesNeedIam]: 'true',
        ...hub,
      },
      reservedConcurrentExecutions: settings.apiReservedConcurrency,
      ...functionSettings,
    });
    this.feedApi = new FeedApi(this, 'FeedApi', {
      handler: this.api.function,
      throttleRate: settings.throttleRate,
      throttleBurst: settings.throttleBurst,
      removalPolicy,
      ...(settings.cdn
        ? {
            cdn: {
              logBucket: this.storage.logBucket,
              ...(settings.domainName && settings.certificateArn
                ? {
                    domain: {
                      name: settings.domainName,
                      certificateArn: settings.certificateArn,
                      hostedZoneId: settings.hostedZoneId,
                    },
                  }
                : {}),
            },
          }
        : {}),
    });
    const distribution = this.feedApi.distribution;
    const publicHost = settings.domainName ?? distribution?.distributionDomainName ?? this.feedApi.domainName;
    this.publicBaseUrl = `https://${publicHost}`;
    // Links in feeds, pages and events never come from a request header (X-Forwarded-Host is not
    // trusted on AWS: TRUST_FORWARDED_HOST stays unset), and are the same whichever way a request came.
    for (const fn of [this.api, this.ingest])
      fn.function.addEnvironment(ENV.publicBaseUrl, this.publicBaseUrl);

    this.grantLeastPrivilege();

    this.alarms = new PipelineAlarms(this, 'Alarms', {
      queue,
      deadLetterQueue: this.storage.deadLetterQueue,
      functions: { Ingest: this.ingest.function, Api: this.api.function },
      httpApi: this.feedApi.httpApi,
      metricsNamespace: METRICS_NAMESPACE,
      ingestServiceName: INGEST_SERVICE_NAME,
      alarmEmail: settings.alarmEmail,
      removalPolicy,
    });
    this.dashboard = new PipelineDashboard(this, 'Dashboard', {
      dashboardName: settings.stackName,
      queue,
      deadLetterQueue: this.storage.deadLetterQueue,
      ingest: this.ingest.function,
      api: this.api.function,
      httpApi: this.feedApi.httpApi,
      metricsNamespace: METRICS_NAMESPACE,
      ingestServiceName: INGEST_SERVICE_NAME,
    });

    acknowledgeStackFindings(this, settings);
    this.addOutputs();
  }

  private addOutputs(): void {
    const { bucket, table, queue, deadLetterQueue } = this.storage;
    const distribution = this.feedApi.distribution;
    new CfnOutput(this, 'ApiUrl', {
      value: this.feedApi.url,
      description: 'The HTTP API (SPEC §3); /ingest/* needs SigV4',
    });
    new CfnOutput(this, 'FeedsUrl', {
      value: `${this.publicBaseUrl}/`,
      description: 'Where readers subscribe: the custom domain, else the CDN, else the API',
    });
    if (distribution) {
      new CfnOutput(this, 'CdnUrl', {
        value: `https://${distribution.distributionDomainName}/`,
        description: 'The API through CloudFront',
      });
      new CfnOutput(this, 'DistributionId', {
        value: distribution.distributionId,
        description: 'The CloudFront distribution (for invalidations)',
      });
      new CfnOutput(this, 'DistributionDomainName', {
        value: distribution.distributionDomainName,
        description: 'Point a CNAME (or a Route 53 alias) of your domain here',
      });
    }
    new CfnOutput(this, 'BucketName', { value: bucket.bucketName, description: 'Upload story files here' });
    new CfnOutput(this, 'TableName', { value: table.tableName });
    new CfnOutput(this, 'QueueUrl', { value: queue.queueUrl, description: 'The ingest queue' });
    new CfnOutput(this, 'DeadLetterQueueUrl', {
      value: deadLetterQueue.queueUrl,
      description: 'Uploads that failed ingest 5 times (redrive to QueueUrl)',
    });
    new CfnOutput(this, 'EventBusName', {
      value: this.eventBus.eventBusName,
      description: 'Story Version Published / Story Retracted events (SPEC §7)',
    });
    new CfnOutput(this, 'AlarmTopicArn', {
      value: this.alarms.topic.topicArn,
      description: 'Every alarm notifies this SNS topic; subscribe to it',
    });
    new CfnOutput(this, 'DashboardUrl', {
      value: `https://console.aws.amazon.com/cloudwatch/home?region=${this.region}#dashboards:name=${this.dashboard.dashboard.dashboardName}`,
    });
  }

  /** Table, bucket and bus rights, written out action by action (the grant* helpers give more). */
  private grantLeastPrivilege(): void {
    const { bucket, table } = this.storage;
    this.ingest.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadAndWriteStories',
        actions: [...INGEST_TABLE_ACTIONS],
        resources: [table.tableArn],
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
    this.ingest.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'PublishStoryEvents',
        actions: ['events:PutEvents'],
        resources: [this.eventBus.eventBusArn],
      }),
    );
    // Rejected uploads are tagged so the lifecycle may expire them (BUCKET.discardedTag).
    this.ingest.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'TagRejectedUploads',
        actions: ['s3:PutObjectVersionTagging'],
        resources: [bucket.arnForObjects('*')],
      }),
    );
    this.storage.protectArchive([this.ingest.role, this.api.role]);
    this.storage.protectOriginals(this.ingest.role);
    this.api.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadStories',
        actions: [...TABLE_READ_ACTIONS],
        resources: [table.tableArn, `${table.tableArn}/index/${TABLE.indexes.byUpdated.name}`],
      }),
    );
    this.api.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadArchive',
        actions: ['s3:GetObject'],
        resources: [bucket.arnForObjects(`${BUCKET.archivePrefix}*`)],
      }),
    );
    // As for ingest: a missing archived document is then 404 NoSuchKey, which the API reports as
    // `archive_corrupt`, not 403 AccessDenied, which would fail the whole list or feed.
    this.api.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'TellMissingArchive',
        actions: ['s3:ListBucket'],
        resources: [bucket.bucketArn],
      }),
    );
    // The raw route reads an original by the upload's version id (the version item names key and id).
    this.api.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadOriginals',
        actions: ['s3:GetObjectVersion'],
        resources: [bucket.arnForObjects('*')],
      }),
    );
    // Answers over Lambda's 6 MB limit are stored under _archive/responses/ and served by a presigned
    // redirect (functions/store/s3-response-store.ts): the API writes there and nowhere else.
    this.api.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'WriteOversizedResponses',
        actions: ['s3:PutObject'],
        resources: [bucket.arnForObjects(`${RESPONSE_PREFIX}*`)],
      }),
    );
  }
}
