import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ENV } from '../../functions/store/table-definition.ts';
import {
  arnOf,
  canOrderResources,
  logicalIdOf,
  refOf,
  roleStatements,
  type SynthesizedStoryfeed,
  synthesizeStoryfeed,
} from './synthesize-storyfeed.ts';

let synth: SynthesizedStoryfeed;

const HUB = 'https://hub.example.com/publish';

beforeAll(() => {
  synth = synthesizeStoryfeed({
    bundle: false,
    // As `npx cdk deploy -c cdn=false -c removalPolicy=destroy ...` passes them: strings.
    context: {
      cdn: 'false',
      removalPolicy: 'destroy',
      throttleRate: '7',
      throttleBurst: '9',
      stackName: 'storyfeed-preview',
      tracing: 'true',
      logLevel: 'info',
      alarmEmail: 'ops@example.com',
      ingestConcurrency: '3',
      apiReservedConcurrency: '20',
      websubHub: HUB,
    },
  });
});

function functionProps(fn: typeof synth.stack.api): Record<string, unknown> & {
  Environment: { Variables: Record<string, unknown> };
} {
  const resource = synth.template.findResources('AWS::Lambda::Function')[logicalIdOf(fn.function)];
  if (!resource) throw new Error(`no function ${fn.node.path}`);
  return resource.Properties;
}

describe('storyfeed stack with cdn=false, removalPolicy=destroy, tracing, alarm email, concurrency and a WebSub hub', () => {
  it('is deployed under the stack name given, with its dashboard named after it', () => {
    expect(synth.stack.stackName).toBe('storyfeed-preview');
    const [dashboard] = Object.values(synth.template.findResources('AWS::CloudWatch::Dashboard'));
    expect(dashboard?.Properties.DashboardName).toBe('storyfeed-preview');
  });

  it('throttles the stage at the rate and burst given', () => {
    const stage =
      synth.template.findResources('AWS::ApiGatewayV2::Stage')[logicalIdOf(synth.stack.feedApi.stage)];
    expect(stage?.Properties.DefaultRouteSettings).toEqual({
      ThrottlingRateLimit: 7,
      ThrottlingBurstLimit: 9,
    });
  });

  describe('without the CDN', () => {
    it('has no distribution and no CDN outputs', () => {
      synth.template.resourceCountIs('AWS::CloudFront::Distribution', 0);
      const outputs = Object.keys(synth.template.toJSON().Outputs as Record<string, unknown>);
      expect(outputs).not.toContain('CdnUrl');
      expect(outputs).not.toContain('DistributionId');
      expect(outputs).not.toContain('DistributionDomainName');
    });

    it("gives both functions the API's own URL as PUBLIC_BASE_URL, so links never come from a request header", () => {
      const apiBase = {
        'Fn::Join': [
          '',
          [
            'https://',
            refOf(synth.stack.feedApi.httpApi),
            '.execute-api.',
            { Ref: 'AWS::Region' },
            '.',
            { Ref: 'AWS::URLSuffix' },
          ],
        ],
      };
      for (const fn of [synth.stack.api, synth.stack.ingest]) {
        expect(functionProps(fn).Environment.Variables.PUBLIC_BASE_URL).toEqual(apiBase);
        expect(functionProps(fn).Environment.Variables[ENV.trustForwardedHost]).toBeUndefined();
      }
    });

    it('lets the access-log bucket refuse ACLs (owner enforced), as no CloudFront logs arrive', () => {
      const bucket =
        synth.template.findResources('AWS::S3::Bucket')[logicalIdOf(synth.stack.storage.logBucket)];
      expect(bucket?.Properties.OwnershipControls).toEqual({
        Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }],
      });
    });
  });

  describe('functions', () => {
    it('traces both functions with X-Ray, and lets only them put trace segments', () => {
      for (const fn of [synth.stack.api, synth.stack.ingest]) {
        expect(functionProps(fn).TracingConfig).toEqual({ Mode: 'Active' });
        const anyResource = roleStatements(synth.template, logicalIdOf(fn.role)).filter(
          (statement) => statement.Resource === '*',
        );
        expect(anyResource.map((statement) => [statement.Action].flat().sort())).toEqual([
          ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'],
        ]);
      }
    });

    it('logs at the level given, upper-cased as Powertools reads it', () => {
      for (const fn of [synth.stack.api, synth.stack.ingest]) {
        expect(functionProps(fn).Environment.Variables.POWERTOOLS_LOG_LEVEL).toBe('INFO');
      }
    });

    it('names the WebSub hub to both functions', () => {
      for (const fn of [synth.stack.api, synth.stack.ingest]) {
        expect(functionProps(fn).Environment.Variables[ENV.websubHub]).toBe(HUB);
      }
    });

    it('reserves the API concurrency given, and runs at most ingestConcurrency ingest instances', () => {
      expect(functionProps(synth.stack.api).ReservedConcurrentExecutions).toBe(20);
      expect(functionProps(synth.stack.ingest).ReservedConcurrentExecutions).toBeUndefined();
      const [mapping] = Object.values(synth.template.findResources('AWS::Lambda::EventSourceMapping'));
      expect(mapping?.Properties.ScalingConfig).toEqual({ MaximumConcurrency: 3 });
    });
  });

  it('mails every alarm to the address given', () => {
    const subscriptions = Object.values(synth.template.findResources('AWS::SNS::Subscription'));
    expect(subscriptions.map((subscription) => subscription.Properties)).toEqual([
      { Protocol: 'email', Endpoint: 'ops@example.com', TopicArn: refOf(synth.stack.alarms.topic) },
    ]);
  });

  describe('removal policy destroy', () => {
    it('deletes buckets (emptying them first), queues, table, alarm key and log groups with the stack', () => {
      const { bucket, logBucket, table, queue, deadLetterQueue } = synth.stack.storage;
      const resources = synth.template.toJSON().Resources as Record<string, Record<string, unknown>>;
      const deleted = [
        logicalIdOf(bucket),
        logicalIdOf(logBucket),
        logicalIdOf(table),
        logicalIdOf(queue),
        logicalIdOf(deadLetterQueue),
        logicalIdOf(synth.stack.alarms.topicKey),
        ...Object.keys(synth.template.findResources('AWS::Logs::LogGroup')),
      ];
      expect(deleted).toHaveLength(9);
      for (const id of deleted) expect(resources[id]?.DeletionPolicy).toBe('Delete');
      const emptied = Object.values(synth.template.findResources('Custom::S3AutoDeleteObjects')).map(
        (resource) => resource.Properties.BucketName,
      );
      expect(emptied).toEqual(expect.arrayContaining([refOf(bucket), refOf(logBucket)]));
      expect(emptied).toHaveLength(2);
    });

    it("lets CDK's bucket-emptying function delete archive objects too, and nobody else but ingest", () => {
      const { bucket } = synth.stack.storage;
      const [emptier] = Object.entries(synth.template.toJSON().Resources as Record<string, { Type: string }>)
        .filter(([, resource]) => resource.Type === 'AWS::IAM::Role')
        .map(([id]) => id)
        .filter((id) => id.startsWith('CustomS3AutoDeleteObjectsCustomResourceProviderRole'));
      synth.template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: refOf(bucket),
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Sid: 'OnlyThePipelineWritesTheArchive',
              Condition: {
                ArnNotEquals: {
                  'aws:PrincipalArn': [
                    arnOf(synth.stack.ingest.role),
                    arnOf(synth.stack.api.role),
                    { 'Fn::GetAtt': [emptier, 'Arn'] },
                  ],
                },
              },
            }),
          ]),
        },
      });
    });

    it('turns the table deletion protection off, and keeps point-in-time recovery on', () => {
      const table =
        synth.template.findResources('AWS::DynamoDB::Table')[logicalIdOf(synth.stack.storage.table)];
      expect(table?.Properties.DeletionProtectionEnabled).toBe(false);
      expect(table?.Properties.PointInTimeRecoverySpecification).toEqual({
        PointInTimeRecoveryEnabled: true,
      });
    });
  });

  describe('checks', () => {
    it('leaves no validation finding unacknowledged in any of the three packs', () => {
      expect(synth.plugins).toEqual(['AwsSolutions', 'NIST.800.53.R5', 'Serverless']);
      expect(synth.findings).toEqual([]);
    });

    it('needs no tracing or API-concurrency acknowledgement once both are on, and acknowledges X-Ray’s `*`', () => {
      const rules = synth.acknowledged.map(
        (a) => `${a.rule} @ ${a.acknowledgedAt.replace(/^Storyfeed\//, '')}`,
      );
      expect(rules).not.toContain('Serverless-LambdaTracing @ Api/Function');
      expect(rules).not.toContain('NIST.800.53.R5-LambdaConcurrency @ Api/Function');
      expect(rules).toContain('NIST.800.53.R5-LambdaConcurrency @ Ingest/Function');
      expect(rules).toEqual(
        expect.arrayContaining([
          'AwsSolutions-IAM5[Resource::*] @ Api/Role',
          'AwsSolutions-IAM5[Resource::*] @ Ingest/Role',
        ]),
      );
      expect(rules).toContain('Serverless-SNSRedrivePolicy @ Alarms/Topic');
      for (const { reason } of synth.acknowledged)
        expect(reason.split(' ').length).toBeGreaterThanOrEqual(12);
    });

    it('can still be ordered by CloudFormation', () => {
      expect(canOrderResources(synth.template)).toBe(true);
    });
  });
});
