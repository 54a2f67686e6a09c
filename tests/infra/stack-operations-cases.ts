import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import {
  arnOf,
  describeSynthesized,
  logicalIdOf,
  refOf,
  type SynthesizedStoryfeed,
} from './synthesize-storyfeed.ts';

/** Registers the alarms, dashboard, event bus and outputs assertions on the synthesized default stack (one synth per test file). */
export function describeOperations(getSynth: () => SynthesizedStoryfeed): void {
  describeSynthesized('alarms, dashboard, event bus and outputs', getSynth, (stack) => {
    describe('alarms and dashboard', () => {
      const alarmOn = (
        namespace: string,
        metricName: string,
        dimensions: unknown,
        statistic: { Statistic: string } | { ExtendedStatistic: string },
        threshold = 0,
        evaluationPeriods = 1,
      ) => ({
        Namespace: namespace,
        MetricName: metricName,
        Dimensions: dimensions,
        ...statistic,
        Period: 300,
        Threshold: threshold,
        ComparisonOperator: 'GreaterThanThreshold',
        EvaluationPeriods: evaluationPeriods,
        TreatMissingData: 'notBreaching',
      });
      const alarms = () =>
        Object.values(stack.synth.template.findResources('AWS::CloudWatch::Alarm')).map(
          (alarm) => alarm.Properties as Record<string, unknown>,
        );

      it('fire on a dead letter, a stuck queue, ingest retries and rejects, function errors and throttles, API 5xx and p99 latency', () => {
        const { storage, ingest, api, feedApi } = stack.synth.stack;
        const metrics = alarms().map(
          ({ AlarmDescription: _, AlarmActions: __, OKActions: ___, ...rest }) => rest,
        );
        const fn = (construct: typeof ingest) => [{ Name: 'FunctionName', Value: refOf(construct.function) }];
        const sum = { Statistic: 'Sum' };
        const max = { Statistic: 'Maximum' };
        const queueName = (queue: typeof storage.queue) => [
          { Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalIdOf(queue), 'QueueName'] } },
        ];
        const emf = [{ Name: 'service', Value: 'storyfeed-ingest' }];
        expect(metrics).toHaveLength(10);
        expect(metrics).toEqual(
          expect.arrayContaining([
            alarmOn('AWS/SQS', 'ApproximateNumberOfMessagesVisible', queueName(storage.deadLetterQueue), max),
            alarmOn('AWS/SQS', 'ApproximateAgeOfOldestMessage', queueName(storage.queue), max, 600),
            alarmOn('storyfeed', 'IngestRetried', emf, sum, 0, 2),
            alarmOn('storyfeed', 'IngestRejected', emf, sum),
            alarmOn('AWS/Lambda', 'Errors', fn(ingest), sum),
            alarmOn('AWS/Lambda', 'Throttles', fn(ingest), sum),
            alarmOn('AWS/Lambda', 'Errors', fn(api), sum),
            alarmOn('AWS/Lambda', 'Throttles', fn(api), sum),
            alarmOn('AWS/ApiGateway', '5xx', [{ Name: 'ApiId', Value: refOf(feedApi.httpApi) }], sum),
            alarmOn(
              'AWS/ApiGateway',
              'Latency',
              [{ Name: 'ApiId', Value: refOf(feedApi.httpApi) }],
              { ExtendedStatistic: 'p99' },
              3000,
              3,
            ),
          ]),
        );
      });

      it('each notify the alarm topic when they fire and when they recover, with a description', () => {
        const topic = refOf(stack.synth.stack.alarms.topic);
        for (const alarm of alarms()) {
          expect(alarm.AlarmActions).toEqual([topic]);
          expect(alarm.OKActions).toEqual([topic]);
          expect(String(alarm.AlarmDescription).length).toBeGreaterThan(10);
        }
      });

      it('send to a topic encrypted with a rotated key that CloudWatch may use, TLS-only, with no subscription unless asked', () => {
        const { topic, topicKey } = stack.synth.stack.alarms;
        const props = stack.resourceOf('AWS::SNS::Topic', logicalIdOf(topic)).Properties;
        expect(props.KmsMasterKeyId).toEqual(arnOf(topicKey));
        const key = stack.resourceOf('AWS::KMS::Key', logicalIdOf(topicKey)).Properties;
        expect(key.EnableKeyRotation).toBe(true);
        expect(key.KeyPolicy).toMatchObject({
          Statement: expect.arrayContaining([
            {
              Sid: 'CloudWatchAlarmsPublishToTheTopic',
              Effect: 'Allow',
              Principal: { Service: 'cloudwatch.amazonaws.com' },
              Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
              Resource: '*',
              Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
            },
          ]),
        });
        stack.synth.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
          Topics: [refOf(topic)],
          PolicyDocument: {
            Statement: Match.arrayWith([
              Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
              Match.objectLike({
                Effect: 'Allow',
                Principal: { Service: 'cloudwatch.amazonaws.com' },
                Action: 'sns:Publish',
              }),
            ]),
          },
        });
        stack.synth.template.resourceCountIs('AWS::SNS::Subscription', 0);
      });

      it('has a dashboard of uploads, outcomes, queue age, ingest duration, API status codes and latency', () => {
        const dashboards = Object.values(stack.synth.template.findResources('AWS::CloudWatch::Dashboard'));
        expect(dashboards).toHaveLength(1);
        expect(dashboards[0]?.Properties.DashboardName).toBe('storyfeed');
        const body = JSON.stringify(dashboards[0]?.Properties.DashboardBody);
        for (const title of [
          'Uploads',
          'Ingest outcomes',
          'age of the oldest upload',
          'Ingest duration',
          'API requests by status',
          'API latency',
        ]) {
          expect(body).toContain(title);
        }
        for (const metric of [
          'NumberOfMessagesSent',
          'StoryVersionsIngested',
          'IngestRejected',
          'IngestRetried',
          'IngestDurationMs',
          'ApproximateAgeOfOldestMessage',
          'Count',
          '4xx',
          '5xx',
          'Latency',
        ]) {
          expect(body).toContain(`\\"${metric}\\"`);
        }
      });
    });

    describe('event bus', () => {
      it('is owned by the stack and named in the ingest environment and the EventBusName output', () => {
        const buses = stack.synth.template.findResources('AWS::Events::EventBus');
        expect(Object.keys(buses)).toEqual([logicalIdOf(stack.synth.stack.eventBus)]);
        // bus names are unique per account and region: named after the stack, so two stacks can share one
        expect(Object.values(buses)[0]?.Properties.Name).toBe(`${stack.synth.stack.stackName}-events`);
        const outputs = stack.synth.template.toJSON().Outputs as Record<string, { Value: unknown }>;
        expect(outputs.EventBusName?.Value).toEqual(refOf(stack.synth.stack.eventBus));
      });
    });

    describe('outputs', () => {
      it('prints the API, feeds and CDN URLs, the distribution, bucket, table, queues, bus, alarm topic and dashboard', () => {
        const { storage, feedApi } = stack.synth.stack;
        const outputs = stack.synth.template.toJSON().Outputs as Record<string, { Value: unknown }>;
        expect(Object.keys(outputs).sort()).toEqual(
          [
            'AlarmTopicArn',
            'ApiUrl',
            'BucketName',
            'CdnUrl',
            'DashboardUrl',
            'DeadLetterQueueUrl',
            'DistributionDomainName',
            'DistributionId',
            'EventBusName',
            'FeedsUrl',
            'QueueUrl',
            'TableName',
          ].sort(),
        );
        const distribution = logicalIdOf(feedApi.distribution as never);
        expect(outputs.BucketName?.Value).toEqual(refOf(storage.bucket));
        expect(outputs.TableName?.Value).toEqual(refOf(storage.table));
        expect(outputs.QueueUrl?.Value).toEqual(refOf(storage.queue));
        expect(outputs.DeadLetterQueueUrl?.Value).toEqual(refOf(storage.deadLetterQueue));
        expect(outputs.DistributionId?.Value).toEqual({ Ref: distribution });
        expect(outputs.DistributionDomainName?.Value).toEqual({ 'Fn::GetAtt': [distribution, 'DomainName'] });
        expect(outputs.FeedsUrl?.Value).toEqual({
          'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distribution, 'DomainName'] }, '/']],
        });
        expect(outputs.ApiUrl?.Value).toEqual({
          'Fn::Join': [
            '',
            [
              'https://',
              refOf(feedApi.httpApi),
              '.execute-api.',
              { Ref: 'AWS::Region' },
              '.',
              { Ref: 'AWS::URLSuffix' },
              '/',
            ],
          ],
        });
      });
    });
  });
}
