import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledgeFinding } from './acknowledge-finding.ts';

/** The ingest function's EMF metrics (functions/ingest/ingest-handler.ts), in Powertools' namespace. */
export const INGEST_METRICS = {
  stored: 'StoryVersionsIngested',
  rejected: 'IngestRejected',
  retried: 'IngestRetried',
  durationMs: 'IngestDurationMs',
} as const;

/** Thresholds an operator acts on; each alarm's description says what it means. */
export const ALARM_THRESHOLDS = {
  /** Seconds: a healthy queue is drained in seconds; ten minutes means ingest is stuck or failing. */
  oldestMessageAgeSeconds: 600,
  /** Milliseconds of p99 API latency for 15 minutes (the function's timeout is 10 s). */
  apiP99LatencyMs: 3000,
} as const;

export interface PipelineAlarmsProps {
  queue: sqs.IQueue;
  deadLetterQueue: sqs.IQueue;
  /** Functions by a short name used in alarm ids and descriptions. */
  functions: Record<string, lambda.IFunction>;
  httpApi: apigw.HttpApi;
  /** Powertools' namespace and the ingest function's service name (the EMF `service` dimension). */
  metricsNamespace: string;
  ingestServiceName: string;
  /** Mailed on every alarm and recovery when set. */
  alarmEmail: string | undefined;
  removalPolicy: RemovalPolicy;
}

/**
 * Alarms on the pipeline, each notifying one KMS-encrypted SNS topic (and an email address when
 * given): a dead letter, a stuck queue, ingest retries and rejections, function errors and
 * throttles, API 5xx and p99 latency.
 */
export class PipelineAlarms extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly topic: sns.Topic;
  readonly topicKey: kms.Key;

  constructor(scope: Construct, id: string, props: PipelineAlarmsProps) {
    super(scope, id);
    this.topicKey = this.createTopicKey(props.removalPolicy);
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: 'storyfeed alarms',
      masterKey: this.topicKey,
      enforceSSL: true,
    });
    this.allowAlarmsToPublish();
    if (props.alarmEmail) {
      this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
      acknowledgeFinding(
        this.topic,
        'Serverless-SNSRedrivePolicy',
        'The email subscription has no dead-letter queue: a mail SNS could not deliver after its retries leaves ' +
          'the alarm itself in ALARM state in CloudWatch and on the dashboard, where a queue would go unread.',
      );
    }

    const period = Duration.minutes(5);
    const ingestMetric = (metricName: string) =>
      new cloudwatch.Metric({
        namespace: props.metricsNamespace,
        metricName,
        dimensionsMap: { service: props.ingestServiceName },
        statistic: 'Sum',
        period,
      });
    this.addAlarm(
      'DeadLetters',
      'An upload failed ingest 5 times and waits in the dead-letter queue (see README: redrive)',
      props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' }),
    );
    this.addAlarm(
      'OldestUpload',
      `An upload has waited over ${ALARM_THRESHOLDS.oldestMessageAgeSeconds} s in the ingest queue: ingest is stuck, failing or throttled`,
      props.queue.metricApproximateAgeOfOldestMessage({ period, statistic: 'Maximum' }),
      { threshold: ALARM_THRESHOLDS.oldestMessageAgeSeconds },
    );
    this.addAlarm(
      'IngestRetries',
      'Ingest failed and retried uploads in two 5-minute periods in a row (a transient blip does not fire)',
      ingestMetric(INGEST_METRICS.retried),
      { evaluationPeriods: 2 },
    );
    this.addAlarm(
      'IngestRejects',
      'An upload was rejected as not a valid story file (GET /ingest/errors lists why)',
      ingestMetric(INGEST_METRICS.rejected),
    );
    for (const [name, fn] of Object.entries(props.functions)) {
      this.addAlarm(`${name}Errors`, `The ${name} function failed`, fn.metricErrors({ period }));
      this.addAlarm(`${name}Throttles`, `The ${name} function was throttled`, fn.metricThrottles({ period }));
    }
    this.addAlarm('Api5xx', 'The HTTP API answered 5xx', props.httpApi.metricServerError({ period }));
    this.addAlarm(
      'ApiLatencyP99',
      `The HTTP API's p99 latency was over ${ALARM_THRESHOLDS.apiP99LatencyMs} ms for 15 minutes`,
      props.httpApi.metricLatency({ period, statistic: 'p99' }),
      { threshold: ALARM_THRESHOLDS.apiP99LatencyMs, evaluationPeriods: 3 },
    );
  }

  /** A customer managed key: CloudWatch can publish to an encrypted topic only if the key lets it. */
  private createTopicKey(removalPolicy: RemovalPolicy): kms.Key {
    const key = new kms.Key(this, 'TopicKey', {
      description: 'storyfeed: encrypts the alarm topic',
      enableKeyRotation: true,
      removalPolicy,
      ...(removalPolicy === RemovalPolicy.DESTROY ? { pendingWindow: Duration.days(7) } : {}),
    });
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublishToTheTopic',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );
    return key;
  }

  /** enforceSSL gives the topic its own policy, which replaces SNS's default one: name CloudWatch in it. */
  private allowAlarmsToPublish(): void {
    const stack = Stack.of(this);
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AlarmsOfThisAccountPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: {
            'aws:SourceArn': stack.formatArn({
              service: 'cloudwatch',
              resource: 'alarm',
              resourceName: '*',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
  }

  private addAlarm(
    id: string,
    description: string,
    metric: cloudwatch.IMetric,
    options: { threshold?: number; evaluationPeriods?: number } = {},
  ): void {
    const alarm = new cloudwatch.Alarm(this, id, {
      alarmDescription: description,
      metric,
      threshold: options.threshold ?? 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: options.evaluationPeriods ?? 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const action = new actions.SnsAction(this.topic);
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
    this.alarms.push(alarm);
  }
}
