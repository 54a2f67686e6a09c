import { Duration } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface PipelineAlarmsProps {
  deadLetterQueue: sqs.IQueue;
  /** Functions by a short name used in alarm ids and descriptions. */
  functions: Record<string, lambda.IFunction>;
  httpApi: apigw.HttpApi;
}

/** Alarms that fire on the first occurrence: a dead letter, a function error or throttle, an API 5xx. */
export class PipelineAlarms extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: PipelineAlarmsProps) {
    super(scope, id);
    const period = Duration.minutes(5);
    this.addAlarm(
      'DeadLetters',
      'An upload failed ingest 5 times and waits in the dead-letter queue',
      props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' }),
    );
    for (const [name, fn] of Object.entries(props.functions)) {
      this.addAlarm(`${name}Errors`, `The ${name} function failed`, fn.metricErrors({ period }));
      this.addAlarm(`${name}Throttles`, `The ${name} function was throttled`, fn.metricThrottles({ period }));
    }
    this.addAlarm('Api5xx', 'The HTTP API answered 5xx', props.httpApi.metricServerError({ period }));
  }

  private addAlarm(id: string, description: string, metric: cloudwatch.IMetric): void {
    this.alarms.push(
      new cloudwatch.Alarm(this, id, {
        alarmDescription: description,
        metric,
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );
  }
}
