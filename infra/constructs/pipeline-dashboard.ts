import { Duration } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { INGEST_METRICS } from './pipeline-alarms.ts';

export interface PipelineDashboardProps {
  dashboardName: string;
  queue: sqs.IQueue;
  deadLetterQueue: sqs.IQueue;
  ingest: lambda.IFunction;
  api: lambda.IFunction;
  httpApi: apigw.HttpApi;
  metricsNamespace: string;
  ingestServiceName: string;
}

/**
 * One CloudWatch dashboard of the pipeline, top to bottom as data flows: uploads and their
 * outcomes, the queue's age and dead letters, ingest duration, then the API's traffic by status
 * code and its latency.
 */
export class PipelineDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: PipelineDashboardProps) {
    super(scope, id);
    const period = Duration.minutes(5);
    const ingestMetric = (metricName: string, label: string, statistic = 'Sum') =>
      new cloudwatch.Metric({
        namespace: props.metricsNamespace,
        metricName,
        dimensionsMap: { service: props.ingestServiceName },
        statistic,
        period,
        label,
      });
    const graph = (title: string, left: cloudwatch.IMetric[], unit?: string) =>
      new cloudwatch.GraphWidget({
        title,
        left,
        width: 12,
        height: 6,
        ...(unit ? { leftYAxis: { label: unit, showUnits: false } } : {}),
      });

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName,
      defaultInterval: Duration.days(1),
    });
    this.dashboard.addWidgets(
      graph('Uploads (bucket events queued, versions stored)', [
        props.queue.metricNumberOfMessagesSent({ period, label: 'bucket events queued' }),
        ingestMetric(INGEST_METRICS.stored, 'versions stored'),
      ]),
      graph('Ingest outcomes', [
        ingestMetric(INGEST_METRICS.stored, 'stored'),
        ingestMetric(INGEST_METRICS.rejected, 'rejected'),
        ingestMetric(INGEST_METRICS.retried, 'retried'),
        props.ingest.metricErrors({ period, label: 'function errors' }),
      ]),
    );
    this.dashboard.addWidgets(
      graph('Ingest queue: age of the oldest upload, dead letters', [
        props.queue.metricApproximateAgeOfOldestMessage({
          period,
          statistic: 'Maximum',
          label: 'oldest (s)',
        }),
        props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
          period,
          statistic: 'Maximum',
          label: 'dead letters',
        }),
      ]),
      graph(
        'Ingest duration per upload (ms)',
        [
          ingestMetric(INGEST_METRICS.durationMs, 'p50', 'p50'),
          ingestMetric(INGEST_METRICS.durationMs, 'p99', 'p99'),
        ],
        'ms',
      ),
    );
    this.dashboard.addWidgets(
      graph('API requests by status', [
        props.httpApi.metricCount({ period, label: 'requests' }),
        props.httpApi.metricClientError({ period, label: '4xx' }),
        props.httpApi.metricServerError({ period, label: '5xx' }),
        props.api.metricThrottles({ period, label: 'function throttles' }),
      ]),
      graph(
        'API latency (ms)',
        [
          props.httpApi.metricLatency({ period, statistic: 'p50', label: 'p50' }),
          props.httpApi.metricLatency({ period, statistic: 'p99', label: 'p99' }),
          props.httpApi.metricIntegrationLatency({ period, statistic: 'p99', label: 'function p99' }),
        ],
        'ms',
      ),
    );
  }
}
