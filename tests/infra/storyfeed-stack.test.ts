import { Validations } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUCKET, TABLE } from '../../functions/store/table-definition.ts';
import { API_PATHS } from '../../infra/constructs/feed-api.ts';
import { DEFAULT_SETTINGS } from '../../infra/settings.ts';
import { API_TIMEOUT, INGEST_TIMEOUT } from '../../infra/storyfeed-stack.ts';
import {
  arnOf,
  canOrderResources,
  logicalIdOf,
  normaliseStatements,
  refOf,
  roleStatements,
  type SynthesizedStoryfeed,
  synthesizeStoryfeed,
} from './synthesize-storyfeed.ts';

let synth: SynthesizedStoryfeed;

beforeAll(() => {
  synth = synthesizeStoryfeed({ bundle: false });
});

interface TemplateResource {
  Properties: Record<string, unknown>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
}

function resourceOf(type: string, logicalId: string): TemplateResource {
  const resource = synth.template.findResources(type)[logicalId];
  if (!resource) throw new Error(`no ${type} ${logicalId}`);
  return resource as TemplateResource;
}

function objectsOf(construct: Parameters<typeof arnOf>[0], suffix: string): unknown {
  return { 'Fn::Join': ['', [arnOf(construct), suffix]] };
}

/** The Deny statement `enforceSSL` adds to a bucket or queue policy. */
function denyInsecureTransport(resource: unknown): unknown {
  return Match.objectLike({
    Effect: 'Deny',
    Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    Resource: resource,
  });
}

describe('storyfeed stack with default settings', () => {
  describe('stories bucket', () => {
    it('is versioned, SSE-encrypted, blocks all public access and logs access to the log bucket', () => {
      const { bucket, logBucket } = synth.stack.storage;
      const props = resourceOf('AWS::S3::Bucket', logicalIdOf(bucket)).Properties;
      expect(props.VersioningConfiguration).toEqual({ Status: 'Enabled' });
      expect(props.BucketEncryption).toEqual({
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      });
      expect(props.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(props.LoggingConfiguration).toEqual({
        DestinationBucketName: refOf(logBucket),
        LogFilePrefix: 'stories-bucket/',
      });
    });

    it('refuses requests without TLS', () => {
      const { bucket } = synth.stack.storage;
      synth.template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: refOf(bucket),
        PolicyDocument: {
          Statement: Match.arrayWith([denyInsecureTransport([arnOf(bucket), objectsOf(bucket, '/*')])]),
        },
      });
    });

    it('sends ObjectCreated events of each story suffix, and only those, to the ingest queue', () => {
      const { bucket, queue } = synth.stack.storage;
      const notifications = Object.values(synth.template.findResources('Custom::S3BucketNotifications'));
      expect(notifications).toHaveLength(1);
      const props = notifications[0]?.Properties;
      expect(props.BucketName).toEqual(refOf(bucket));
      const expected = BUCKET.storySuffixes.map((suffix) => ({
        Events: ['s3:ObjectCreated:*'],
        Filter: { Key: { FilterRules: [{ Name: 'suffix', Value: suffix }] } },
        QueueArn: arnOf(queue),
      }));
      expect(props.NotificationConfiguration.QueueConfigurations).toEqual(expected);
      expect(props.NotificationConfiguration.LambdaFunctionConfigurations).toBeUndefined();
      expect(props.NotificationConfiguration.TopicConfigurations).toBeUndefined();
    });

    it('lets only S3, for this bucket, send to the queue', () => {
      const { bucket, queue } = synth.stack.storage;
      synth.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [refOf(queue)],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Allow',
              Principal: { Service: 's3.amazonaws.com' },
              Action: Match.arrayWith(['sqs:SendMessage']),
              Condition: { ArnLike: { 'aws:SourceArn': arnOf(bucket) } },
              Resource: arnOf(queue),
            }),
          ]),
        },
      });
    });
  });

  describe('access-log bucket', () => {
    it('is encrypted, private, TLS-only, owner-enforced, and expires logs', () => {
      const { logBucket } = synth.stack.storage;
      const props = resourceOf('AWS::S3::Bucket', logicalIdOf(logBucket)).Properties;
      expect(props.BucketEncryption).toEqual({
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      });
      expect(props.PublicAccessBlockConfiguration).toMatchObject({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
      });
      expect(props.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
      expect(props.LifecycleConfiguration).toEqual({ Rules: [{ ExpirationInDays: 90, Status: 'Enabled' }] });
      synth.template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: refOf(logBucket),
        PolicyDocument: {
          Statement: Match.arrayWith([
            denyInsecureTransport([arnOf(logBucket), objectsOf(logBucket, '/*')]),
            Match.objectLike({
              Effect: 'Allow',
              Principal: { Service: 'logging.s3.amazonaws.com' },
              Action: 's3:PutObject',
            }),
          ]),
        },
      });
    });
  });

  describe('ingest queue', () => {
    it('is SQS-encrypted, hides a message for 6 × the ingest timeout, and dead-letters after 5 receives', () => {
      const { queue, deadLetterQueue } = synth.stack.storage;
      const props = resourceOf('AWS::SQS::Queue', logicalIdOf(queue)).Properties;
      expect(props.SqsManagedSseEnabled).toBe(true);
      expect(props.VisibilityTimeout).toBe(6 * INGEST_TIMEOUT.toSeconds());
      expect(props.RedrivePolicy).toEqual({
        deadLetterTargetArn: arnOf(deadLetterQueue),
        maxReceiveCount: 5,
      });
      const ingestTimeout = resourceOf('AWS::Lambda::Function', logicalIdOf(synth.stack.ingest.function))
        .Properties.Timeout;
      expect(props.VisibilityTimeout).toBeGreaterThanOrEqual(6 * Number(ingestTimeout));
    });

    it('has an encrypted dead-letter queue that keeps messages 14 days', () => {
      const props = resourceOf(
        'AWS::SQS::Queue',
        logicalIdOf(synth.stack.storage.deadLetterQueue),
      ).Properties;
      expect(props.SqsManagedSseEnabled).toBe(true);
      expect(props.MessageRetentionPeriod).toBe(14 * 24 * 3600);
    });

    it('refuses requests without TLS, on both queues', () => {
      for (const queue of [synth.stack.storage.queue, synth.stack.storage.deadLetterQueue]) {
        synth.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
          Queues: [refOf(queue)],
          PolicyDocument: { Statement: Match.arrayWith([denyInsecureTransport(arnOf(queue))]) },
        });
      }
    });
  });

  describe('table', () => {
    it('is built from the shared definition: string keys, the byUpdated index (ALL), on demand', () => {
      const props = resourceOf('AWS::DynamoDB::Table', logicalIdOf(synth.stack.storage.table)).Properties;
      const index = TABLE.indexes.byUpdated;
      expect(props.BillingMode).toBe('PAY_PER_REQUEST');
      expect(props.KeySchema).toEqual([
        { AttributeName: TABLE.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE.sortKey, KeyType: 'RANGE' },
      ]);
      expect(props.AttributeDefinitions).toEqual(
        [TABLE.partitionKey, TABLE.sortKey, index.partitionKey, index.sortKey].map((name) => ({
          AttributeName: name,
          AttributeType: 'S',
        })),
      );
      expect(props.GlobalSecondaryIndexes).toEqual([
        {
          IndexName: index.name,
          KeySchema: [
            { AttributeName: index.partitionKey, KeyType: 'HASH' },
            { AttributeName: index.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ]);
    });

    it('has point-in-time recovery and, by default, deletion protection', () => {
      const props = resourceOf('AWS::DynamoDB::Table', logicalIdOf(synth.stack.storage.table)).Properties;
      expect(props.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
      expect(props.DeletionProtectionEnabled).toBe(true);
    });
  });

  describe('removal policy retain (the default)', () => {
    it('keeps both buckets, the table and every log group when the stack is deleted', () => {
      const { bucket, logBucket, table } = synth.stack.storage;
      const kept = [
        resourceOf('AWS::S3::Bucket', logicalIdOf(bucket)),
        resourceOf('AWS::S3::Bucket', logicalIdOf(logBucket)),
        resourceOf('AWS::DynamoDB::Table', logicalIdOf(table)),
        ...Object.values(synth.template.findResources('AWS::Logs::LogGroup')),
      ];
      expect(kept).toHaveLength(6);
      for (const resource of kept) {
        expect(resource.DeletionPolicy).toBe('Retain');
        expect(resource.UpdateReplacePolicy).toBe('Retain');
      }
      synth.template.resourceCountIs('Custom::S3AutoDeleteObjects', 0);
    });
  });

  describe('functions', () => {
    const newestNodeRuntime = (): string => {
      const versions = Object.values(lambda.Runtime)
        .filter((runtime): runtime is lambda.Runtime => runtime instanceof lambda.Runtime)
        .map((runtime) => /^nodejs(\d+)\.x$/.exec(runtime.name)?.[1])
        .filter((major): major is string => major !== undefined)
        .map(Number);
      return `nodejs${Math.max(...versions)}.x`;
    };

    it.each([
      ['ingest', () => synth.stack.ingest, INGEST_TIMEOUT.toSeconds()],
      ['API', () => synth.stack.api, API_TIMEOUT.toSeconds()],
    ])(
      'runs the %s function on arm64, the newest Node.js runtime, with X-Ray active tracing',
      (_, get, timeout) => {
        const props = resourceOf('AWS::Lambda::Function', logicalIdOf(get().function)).Properties;
        expect(props.Architectures).toEqual(['arm64']);
        expect(props.Runtime).toBe(newestNodeRuntime());
        expect(props.TracingConfig).toEqual({ Mode: 'Active' });
        expect(props.Handler).toBe('index.handler');
        expect(props.Timeout).toBe(timeout);
        expect(props.MemorySize).toBe(1024);
        expect(props.Role).toEqual(arnOf(get().role));
        expect(props.LoggingConfig).toEqual({ LogGroup: refOf(get().logGroup) });
        const logGroup = resourceOf('AWS::Logs::LogGroup', logicalIdOf(get().logGroup)).Properties;
        expect(logGroup.RetentionInDays).toBe(30);
      },
    );

    it('gives the ingest function its names and the Powertools settings, nothing more', () => {
      const { bucket, table } = synth.stack.storage;
      const props = resourceOf('AWS::Lambda::Function', logicalIdOf(synth.stack.ingest.function)).Properties;
      expect(props.Environment).toEqual({
        Variables: {
          TABLE_NAME: refOf(table),
          BUCKET_NAME: refOf(bucket),
          POWERTOOLS_SERVICE_NAME: 'storyfeed-ingest',
          POWERTOOLS_LOG_LEVEL: 'INFO',
          POWERTOOLS_METRICS_NAMESPACE: 'storyfeed',
          NODE_OPTIONS: '--enable-source-maps',
        },
      });
    });

    it('gives the API function a cursor key derived from the stack id, and no PUBLIC_BASE_URL without a CDN', () => {
      const { bucket, table } = synth.stack.storage;
      const props = resourceOf('AWS::Lambda::Function', logicalIdOf(synth.stack.api.function)).Properties;
      expect(props.Environment).toEqual({
        Variables: {
          TABLE_NAME: refOf(table),
          BUCKET_NAME: refOf(bucket),
          CURSOR_SECRET: { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] },
          POWERTOOLS_SERVICE_NAME: 'storyfeed-api',
          POWERTOOLS_LOG_LEVEL: 'INFO',
          POWERTOOLS_METRICS_NAMESPACE: 'storyfeed',
          NODE_OPTIONS: '--enable-source-maps',
        },
      });
    });

    it('feeds the ingest function from the queue, 10 at a time, with partial batch failures', () => {
      const mappings = Object.values(synth.template.findResources('AWS::Lambda::EventSourceMapping'));
      expect(mappings).toHaveLength(1);
      expect(mappings[0]?.Properties).toEqual({
        BatchSize: 10,
        EventSourceArn: arnOf(synth.stack.storage.queue),
        FunctionName: refOf(synth.stack.ingest.function),
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
    });
  });

  describe('least privilege', () => {
    const tableAndIndex = () => {
      const table = arnOf(synth.stack.storage.table);
      return [table, { 'Fn::Join': ['', [table, `/index/${TABLE.indexes.byUpdated.name}`]] }];
    };
    // X-Ray's PutTraceSegments and PutTelemetryRecords have no resource-level permissions: `*` is
    // the only resource IAM accepts for them (added by CDK for active tracing).
    const xray = {
      Effect: 'Allow',
      Action: ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'],
      Resource: '*',
    };

    it('lets the ingest function write its logs, trace, consume its queue, read/write the table, read uploads and write only the archive', () => {
      const { ingest, storage } = synth.stack;
      const statements = roleStatements(synth.template, logicalIdOf(ingest.role));
      expect(normaliseStatements(statements)).toEqual(
        normaliseStatements([
          {
            Effect: 'Allow',
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            Resource: arnOf(ingest.logGroup),
          },
          xray,
          {
            Effect: 'Allow',
            Action: [
              'sqs:ChangeMessageVisibility',
              'sqs:DeleteMessage',
              'sqs:GetQueueAttributes',
              'sqs:GetQueueUrl',
              'sqs:ReceiveMessage',
            ],
            Resource: arnOf(storage.queue),
          },
          {
            Sid: 'ReadAndWriteStories',
            Effect: 'Allow',
            Action: [
              'dynamodb:BatchGetItem',
              'dynamodb:BatchWriteItem',
              'dynamodb:DeleteItem',
              'dynamodb:GetItem',
              'dynamodb:PutItem',
              'dynamodb:Query',
              'dynamodb:UpdateItem',
            ],
            Resource: tableAndIndex(),
          },
          {
            Sid: 'ReadUploads',
            Effect: 'Allow',
            Action: ['s3:GetObject', 's3:GetObjectVersion'],
            Resource: objectsOf(storage.bucket, '/*'),
          },
          {
            Sid: 'TellMissingUploads',
            Effect: 'Allow',
            Action: 's3:ListBucket',
            Resource: arnOf(storage.bucket),
          },
          {
            Sid: 'WriteArchive',
            Effect: 'Allow',
            Action: ['s3:PutObject'],
            Resource: objectsOf(storage.bucket, `/${BUCKET.archivePrefix}*`),
          },
        ]),
      );
    });

    it('lets the API function write its logs, trace, read the table and index, and read only archive objects', () => {
      const { api, storage } = synth.stack;
      const statements = roleStatements(synth.template, logicalIdOf(api.role));
      expect(normaliseStatements(statements)).toEqual(
        normaliseStatements([
          {
            Effect: 'Allow',
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            Resource: arnOf(api.logGroup),
          },
          xray,
          {
            Sid: 'ReadStories',
            Effect: 'Allow',
            Action: ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query'],
            Resource: tableAndIndex(),
          },
          {
            Sid: 'ReadArchive',
            Effect: 'Allow',
            Action: ['s3:GetObject'],
            Resource: objectsOf(storage.bucket, `/${BUCKET.archivePrefix}*`),
          },
        ]),
      );
    });

    it('attaches no managed policy to either role, and only Lambda may assume them', () => {
      for (const role of [synth.stack.ingest.role, synth.stack.api.role]) {
        const props = resourceOf('AWS::IAM::Role', logicalIdOf(role)).Properties;
        expect(props.ManagedPolicyArns).toBeUndefined();
        expect(props.AssumeRolePolicyDocument).toEqual({
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: 'lambda.amazonaws.com' } },
          ],
        });
      }
    });

    it('has no `*` action anywhere, and no `*` resource except X-Ray', () => {
      for (const policy of Object.values(synth.template.findResources('AWS::IAM::Policy'))) {
        for (const statement of policy.Properties.PolicyDocument.Statement as Array<
          Record<string, unknown>
        >) {
          for (const action of [statement.Action].flat()) expect(String(action)).not.toMatch(/^\*$|:\*$/);
          if (statement.Resource === '*') expect(statement.Action).toEqual(xray.Action);
        }
      }
    });

    it('lets API Gateway invoke the API function from this API only, with one permission', () => {
      const permissions = Object.values(synth.template.findResources('AWS::Lambda::Permission'));
      expect(permissions.map((permission) => permission.Properties)).toEqual([
        {
          Action: 'lambda:InvokeFunction',
          FunctionName: arnOf(synth.stack.api.function),
          Principal: 'apigateway.amazonaws.com',
          SourceArn: {
            'Fn::Join': [
              '',
              [
                'arn:',
                { Ref: 'AWS::Partition' },
                ':execute-api:',
                { Ref: 'AWS::Region' },
                ':',
                { Ref: 'AWS::AccountId' },
                ':',
                refOf(synth.stack.feedApi.httpApi),
                '/*/*/*',
              ],
            ],
          },
        },
      ]);
    });
  });

  describe('HTTP API', () => {
    it('routes GET and HEAD of every SPEC §3 path, and $default, to the one API integration', () => {
      const routes = Object.values(synth.template.findResources('AWS::ApiGatewayV2::Route'));
      const keys = routes.map((route) => route.Properties.RouteKey as string).sort();
      const expected = [...API_PATHS.flatMap((path) => [`GET ${path}`, `HEAD ${path}`]), '$default'].sort();
      expect(keys).toEqual(expected);
      const integrations = synth.template.findResources('AWS::ApiGatewayV2::Integration');
      const [integrationId, integration] = Object.entries(integrations)[0] ?? [];
      expect(Object.keys(integrations)).toHaveLength(1);
      expect(integration?.Properties).toMatchObject({
        IntegrationType: 'AWS_PROXY',
        PayloadFormatVersion: '2.0',
        IntegrationUri: arnOf(synth.stack.api.function),
      });
      for (const route of routes) {
        expect(route.Properties.Target).toEqual({
          'Fn::Join': ['', ['integrations/', { Ref: integrationId }]],
        });
        expect(route.Properties.AuthorizationType ?? 'NONE').toBe('NONE');
      }
    });

    it('leaves CORS to the function', () => {
      const api = resourceOf('AWS::ApiGatewayV2::Api', logicalIdOf(synth.stack.feedApi.httpApi)).Properties;
      expect(api.ProtocolType).toBe('HTTP');
      expect(api.CorsConfiguration).toBeUndefined();
    });

    it('throttles the $default stage at the default rate and burst and writes JSON access logs', () => {
      const { feedApi } = synth.stack;
      const stage = resourceOf('AWS::ApiGatewayV2::Stage', logicalIdOf(feedApi.stage)).Properties;
      expect(stage.StageName).toBe('$default');
      expect(stage.AutoDeploy).toBe(true);
      expect(stage.DefaultRouteSettings).toEqual({
        ThrottlingRateLimit: DEFAULT_SETTINGS.throttleRate,
        ThrottlingBurstLimit: DEFAULT_SETTINGS.throttleBurst,
      });
      const accessLog = stage.AccessLogSettings as { DestinationArn: unknown; Format: string };
      expect(accessLog.DestinationArn).toEqual(arnOf(feedApi.accessLogs));
      const format = JSON.parse(accessLog.Format) as Record<string, string>;
      expect(format).toMatchObject({
        requestId: '$context.requestId',
        routeKey: '$context.routeKey',
        status: '$context.status',
        integrationError: '$context.integrationErrorMessage',
      });
      const logGroup = resourceOf('AWS::Logs::LogGroup', logicalIdOf(feedApi.accessLogs)).Properties;
      expect(logGroup.RetentionInDays).toBe(90);
    });

    it('has no CloudFront distribution unless asked', () => {
      synth.template.resourceCountIs('AWS::CloudFront::Distribution', 0);
      expect(Object.keys(synth.template.findOutputs('CdnUrl'))).toEqual([]);
    });
  });

  describe('alarms', () => {
    const alarmOn = (namespace: string, metricName: string, dimensions: unknown, statistic: string) => ({
      Namespace: namespace,
      MetricName: metricName,
      Dimensions: dimensions,
      Statistic: statistic,
      Period: 300,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
    });

    it('fires on a dead letter, on any function error or throttle, and on an API 5xx', () => {
      const { storage, ingest, api, feedApi } = synth.stack;
      const alarms = Object.values(synth.template.findResources('AWS::CloudWatch::Alarm')).map((alarm) => {
        const { AlarmDescription: _, ...rest } = alarm.Properties as Record<string, unknown>;
        return rest;
      });
      const fn = (construct: typeof ingest) => [{ Name: 'FunctionName', Value: refOf(construct.function) }];
      expect(alarms).toHaveLength(6);
      expect(alarms).toEqual(
        expect.arrayContaining([
          alarmOn(
            'AWS/SQS',
            'ApproximateNumberOfMessagesVisible',
            [
              {
                Name: 'QueueName',
                Value: { 'Fn::GetAtt': [logicalIdOf(storage.deadLetterQueue), 'QueueName'] },
              },
            ],
            'Maximum',
          ),
          alarmOn('AWS/Lambda', 'Errors', fn(ingest), 'Sum'),
          alarmOn('AWS/Lambda', 'Throttles', fn(ingest), 'Sum'),
          alarmOn('AWS/Lambda', 'Errors', fn(api), 'Sum'),
          alarmOn('AWS/Lambda', 'Throttles', fn(api), 'Sum'),
          alarmOn('AWS/ApiGateway', '5xx', [{ Name: 'ApiId', Value: refOf(feedApi.httpApi) }], 'Sum'),
        ]),
      );
    });
  });

  describe('outputs', () => {
    it('prints ApiUrl, BucketName, TableName and QueueUrl', () => {
      const { storage, feedApi } = synth.stack;
      const outputs = synth.template.toJSON().Outputs as Record<string, { Value: unknown }>;
      expect(Object.keys(outputs).sort()).toEqual(['ApiUrl', 'BucketName', 'QueueUrl', 'TableName']);
      expect(outputs.BucketName?.Value).toEqual(refOf(storage.bucket));
      expect(outputs.TableName?.Value).toEqual(refOf(storage.table));
      expect(outputs.QueueUrl?.Value).toEqual(refOf(storage.queue));
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

  describe('checks', () => {
    it('leaves no cdk-nag AwsSolutions or CloudFormation validation finding unacknowledged', () => {
      expect(synth.findings).toEqual([]);
    });

    it('acknowledges only the findings this design accepts, each where it arises, with a written reason', () => {
      const bucketArn = `<${logicalIdOf(synth.stack.storage.bucket)}.Arn>`;
      const acknowledged = synth.acknowledged.map(
        ({ rule, acknowledgedAt }) => `${rule} @ ${acknowledgedAt}`,
      );
      expect([...new Set(acknowledged)].sort()).toEqual(
        [
          'AwsSolutions-APIG4 @ Storyfeed/FeedApi/HttpApi',
          'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole] @ Storyfeed/BucketNotificationsHandler050a0587b7544547bf325f094a3db834',
          'AwsSolutions-IAM5[Resource::*] @ Storyfeed/Api/Role',
          'AwsSolutions-IAM5[Resource::*] @ Storyfeed/Ingest/Role',
          `AwsSolutions-IAM5[Resource::${bucketArn}/${BUCKET.archivePrefix}*] @ Storyfeed/Api/Role`,
          `AwsSolutions-IAM5[Resource::${bucketArn}/${BUCKET.archivePrefix}*] @ Storyfeed/Ingest/Role`,
          `AwsSolutions-IAM5[Resource::${bucketArn}/*] @ Storyfeed/Ingest/Role`,
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
