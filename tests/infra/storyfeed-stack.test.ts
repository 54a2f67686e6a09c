import { Validations } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUCKET, TABLE } from '../../functions/store/table-definition.ts';
import { API_PATHS, CACHE_KEY_QUERY_STRINGS, OPERATOR_CATCH_ALL } from '../../infra/constructs/feed-api.ts';
import { NONCURRENT_VERSION_DAYS } from '../../infra/constructs/story-storage.ts';
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

    it('expires noncurrent versions after 30 days, and delete markers left alone', () => {
      const props = resourceOf('AWS::S3::Bucket', logicalIdOf(synth.stack.storage.bucket)).Properties;
      expect(props.LifecycleConfiguration).toEqual({
        Rules: [
          {
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
            ExpiredObjectDeleteMarker: true,
            NoncurrentVersionExpiration: { NoncurrentDays: NONCURRENT_VERSION_DAYS },
            Status: 'Enabled',
          },
        ],
      });
    });

    it('denies writing or deleting archive objects to every principal but the ingest role', () => {
      const { bucket } = synth.stack.storage;
      synth.template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: refOf(bucket),
        PolicyDocument: {
          Statement: Match.arrayWith([
            {
              Sid: 'OnlyThePipelineWritesTheArchive',
              Effect: 'Deny',
              Principal: { AWS: '*' },
              Action: ['s3:DeleteObject', 's3:DeleteObjectVersion', 's3:PutObject'],
              Resource: objectsOf(bucket, `/${BUCKET.archivePrefix}*`),
              Condition: { ArnNotEquals: { 'aws:PrincipalArn': [arnOf(synth.stack.ingest.role)] } },
            },
          ]),
        },
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

    it('sends uploads and deletes (plain or delete marker) of .txt .md .TXT .MD keys, and only those, to the ingest queue', () => {
      const { bucket, queue } = synth.stack.storage;
      const notifications = Object.values(synth.template.findResources('Custom::S3BucketNotifications'));
      expect(notifications).toHaveLength(1);
      const props = notifications[0]?.Properties;
      expect(props.BucketName).toEqual(refOf(bucket));
      expect(BUCKET.storySuffixes).toEqual(['.txt', '.md']);
      const expected = ['s3:ObjectCreated:*', 's3:ObjectRemoved:*'].flatMap((event) =>
        ['.txt', '.TXT', '.md', '.MD'].map((suffix) => ({
          Events: [event],
          Filter: { Key: { FilterRules: [{ Name: 'suffix', Value: suffix }] } },
          QueueArn: arnOf(queue),
        })),
      );
      const configurations = props.NotificationConfiguration.QueueConfigurations as unknown[];
      expect(configurations).toHaveLength(expected.length);
      expect(configurations).toEqual(expect.arrayContaining(expected));
      expect(props.NotificationConfiguration.LambdaFunctionConfigurations).toBeUndefined();
      expect(props.NotificationConfiguration.TopicConfigurations).toBeUndefined();
    });

    it('lets only S3, for this bucket in this account, send to the queue', () => {
      const { bucket, queue } = synth.stack.storage;
      const [policy, ...others] = Object.values(synth.template.findResources('AWS::SQS::QueuePolicy')).filter(
        (resource) => JSON.stringify(resource.Properties.Queues) === JSON.stringify([refOf(queue)]),
      );
      expect(others).toEqual([]);
      if (!policy) throw new Error('the ingest queue has no policy');
      const allows = (policy.Properties.PolicyDocument.Statement as Array<{ Effect: string }>).filter(
        (statement) => statement.Effect === 'Allow',
      );
      expect(allows).toEqual([
        {
          Sid: 'BucketEventsFromThisAccount',
          Effect: 'Allow',
          Principal: { Service: 's3.amazonaws.com' },
          Action: 'sqs:SendMessage',
          Condition: {
            ArnLike: { 'aws:SourceArn': arnOf(bucket) },
            StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
          },
          Resource: arnOf(queue),
        },
      ]);
    });
  });

  describe('access-log bucket', () => {
    it('is encrypted, private, TLS-only, and expires logs', () => {
      const { logBucket } = synth.stack.storage;
      const props = resourceOf('AWS::S3::Bucket', logicalIdOf(logBucket)).Properties;
      expect(props.BucketEncryption).toEqual({
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      });
      expect(props.PublicAccessBlockConfiguration).toMatchObject({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
      });
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

    it('lets DynamoDB delete items whose expiresAt has passed (ingest errors, tombstones)', () => {
      const props = resourceOf('AWS::DynamoDB::Table', logicalIdOf(synth.stack.storage.table)).Properties;
      expect(TABLE.ttlAttribute).toBe('expiresAt');
      expect(props.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
    });
  });

  describe('removal policy retain (the default)', () => {
    it('keeps both buckets, both queues, the table, the alarm key and every log group when the stack is deleted', () => {
      const { bucket, logBucket, table, queue, deadLetterQueue } = synth.stack.storage;
      const kept = [
        resourceOf('AWS::S3::Bucket', logicalIdOf(bucket)),
        resourceOf('AWS::S3::Bucket', logicalIdOf(logBucket)),
        resourceOf('AWS::SQS::Queue', logicalIdOf(queue)),
        resourceOf('AWS::SQS::Queue', logicalIdOf(deadLetterQueue)),
        resourceOf('AWS::DynamoDB::Table', logicalIdOf(table)),
        resourceOf('AWS::KMS::Key', logicalIdOf(synth.stack.alarms.topicKey)),
        ...Object.values(synth.template.findResources('AWS::Logs::LogGroup')),
      ];
      expect(kept).toHaveLength(9);
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
      ['ingest', () => synth.stack.ingest, INGEST_TIMEOUT.toSeconds(), 512],
      ['API', () => synth.stack.api, API_TIMEOUT.toSeconds(), 1024],
    ])(
      'runs the %s function on arm64, the newest Node.js runtime, its own memory size, without X-Ray unless asked',
      (_, get, timeout, memory) => {
        const props = resourceOf('AWS::Lambda::Function', logicalIdOf(get().function)).Properties;
        expect(props.Architectures).toEqual(['arm64']);
        expect(props.Runtime).toBe(newestNodeRuntime());
        expect(props.TracingConfig).toBeUndefined();
        expect(props.ReservedConcurrentExecutions).toBeUndefined();
        expect(props.Handler).toBe('index.handler');
        expect(props.Timeout).toBe(timeout);
        expect(props.MemorySize).toBe(memory);
        expect(props.Role).toEqual(arnOf(get().role));
        expect(props.LoggingConfig).toEqual({ LogGroup: refOf(get().logGroup) });
        const logGroup = resourceOf('AWS::Logs::LogGroup', logicalIdOf(get().logGroup)).Properties;
        expect(logGroup.RetentionInDays).toBe(30);
      },
    );

    const cdnBaseUrl = () => ({
      'Fn::Join': [
        '',
        [
          'https://',
          { 'Fn::GetAtt': [logicalIdOf(synth.stack.feedApi.distribution as never), 'DomainName'] },
        ],
      ],
    });

    it('gives the ingest function its names, the event bus, the CDN base URL and the Powertools settings (WARN), nothing more', () => {
      const { bucket, table } = synth.stack.storage;
      const props = resourceOf('AWS::Lambda::Function', logicalIdOf(synth.stack.ingest.function)).Properties;
      expect(props.Environment).toEqual({
        Variables: {
          TABLE_NAME: refOf(table),
          BUCKET_NAME: refOf(bucket),
          EVENT_BUS_NAME: refOf(synth.stack.eventBus),
          PUBLIC_BASE_URL: cdnBaseUrl(),
          POWERTOOLS_SERVICE_NAME: 'storyfeed-ingest',
          POWERTOOLS_LOG_LEVEL: 'WARN',
          POWERTOOLS_METRICS_NAMESPACE: 'storyfeed',
          NODE_OPTIONS: '--enable-source-maps',
        },
      });
    });

    it('gives the API function a cursor key derived from the stack id and the CDN as PUBLIC_BASE_URL; never TRUST_FORWARDED_HOST or a hub unless asked', () => {
      const { bucket, table } = synth.stack.storage;
      const props = resourceOf('AWS::Lambda::Function', logicalIdOf(synth.stack.api.function)).Properties;
      expect(props.Environment).toEqual({
        Variables: {
          TABLE_NAME: refOf(table),
          BUCKET_NAME: refOf(bucket),
          CURSOR_SECRET: { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] },
          PUBLIC_BASE_URL: cdnBaseUrl(),
          POWERTOOLS_SERVICE_NAME: 'storyfeed-api',
          POWERTOOLS_LOG_LEVEL: 'WARN',
          POWERTOOLS_METRICS_NAMESPACE: 'storyfeed',
          NODE_OPTIONS: '--enable-source-maps',
        },
      });
      for (const fn of Object.values(synth.template.findResources('AWS::Lambda::Function'))) {
        expect(fn.Properties.Environment?.Variables?.TRUST_FORWARDED_HOST).toBeUndefined();
      }
    });

    it('feeds the ingest function from the queue, 10 at a time, at most 5 instances at once, with partial batch failures', () => {
      const mappings = Object.values(synth.template.findResources('AWS::Lambda::EventSourceMapping'));
      expect(mappings).toHaveLength(1);
      expect(mappings[0]?.Properties).toEqual({
        BatchSize: 10,
        EventSourceArn: arnOf(synth.stack.storage.queue),
        FunctionName: refOf(synth.stack.ingest.function),
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: DEFAULT_SETTINGS.ingestConcurrency },
      });
      expect(DEFAULT_SETTINGS.ingestConcurrency).toBe(5);
    });
  });

  describe('least privilege', () => {
    const tableAndIndex = () => {
      const table = arnOf(synth.stack.storage.table);
      return [table, { 'Fn::Join': ['', [table, `/index/${TABLE.indexes.byUpdated.name}`]] }];
    };
    it('lets the ingest function write its logs, consume its queue, read/write table items, read uploads, write only the archive and put events on its bus', () => {
      const { ingest, storage } = synth.stack;
      const statements = roleStatements(synth.template, logicalIdOf(ingest.role));
      expect(normaliseStatements(statements)).toEqual(
        normaliseStatements([
          {
            Effect: 'Allow',
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            Resource: arnOf(ingest.logGroup),
          },
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
              'dynamodb:DeleteItem',
              'dynamodb:GetItem',
              'dynamodb:PutItem',
              'dynamodb:Query',
              'dynamodb:UpdateItem',
            ],
            Resource: arnOf(storage.table),
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
          {
            Sid: 'PublishStoryEvents',
            Effect: 'Allow',
            Action: 'events:PutEvents',
            Resource: arnOf(synth.stack.eventBus),
          },
        ]),
      );
    });

    it('lets the API function write its logs, read the table and index, and read only archive objects', () => {
      const { api, storage } = synth.stack;
      const statements = roleStatements(synth.template, logicalIdOf(api.role));
      expect(normaliseStatements(statements)).toEqual(
        normaliseStatements([
          {
            Effect: 'Allow',
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            Resource: arnOf(api.logGroup),
          },
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

    it('has no `*` action and, without tracing, no `*` resource in any IAM policy', () => {
      for (const policy of Object.values(synth.template.findResources('AWS::IAM::Policy'))) {
        for (const statement of policy.Properties.PolicyDocument.Statement as Array<
          Record<string, unknown>
        >) {
          for (const action of [statement.Action].flat()) expect(String(action)).not.toMatch(/^\*$|:\*$/);
          expect(statement.Resource).not.toBe('*');
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
    it('routes GET and HEAD of every SPEC §3 and §5 path, any method under /ingest/, and $default, to the one API integration', () => {
      const routes = Object.values(synth.template.findResources('AWS::ApiGatewayV2::Route'));
      const keys = routes.map((route) => route.Properties.RouteKey as string).sort();
      const expected = [
        ...API_PATHS.flatMap((path) => [`GET ${path}`, `HEAD ${path}`]),
        `ANY ${OPERATOR_CATCH_ALL}`,
        '$default',
      ].sort();
      expect(keys).toEqual(expected);
      expect(API_PATHS).toEqual(
        expect.arrayContaining([
          '/ingest/errors',
          '/ingest/status',
          '/',
          '/read/{storyId}',
          '/read/{storyId}/{version}',
          '/read/{storyId}/changes',
          '/cited/{citationId}',
          '/assets/{file}',
        ]),
      );
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
      }
    });

    it('requires IAM (SigV4) on the /ingest/* routes, and on nothing else', () => {
      const routes = Object.values(synth.template.findResources('AWS::ApiGatewayV2::Route'));
      const byAuthorization = (type: string) =>
        routes
          .filter((route) => (route.Properties.AuthorizationType ?? 'NONE') === type)
          .map((route) => route.Properties.RouteKey as string)
          .sort();
      expect(byAuthorization('AWS_IAM')).toEqual(
        [
          'GET /ingest/errors',
          'HEAD /ingest/errors',
          'GET /ingest/status',
          'HEAD /ingest/status',
          `ANY ${OPERATOR_CATCH_ALL}`,
        ].sort(),
      );
      expect(byAuthorization('NONE')).toHaveLength(routes.length - 5);
      for (const key of byAuthorization('NONE')) expect(key).not.toMatch(/\/ingest\b/);
      synth.template.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 0);
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
  });

  describe('CloudFront in front of the API (on by default)', () => {
    function distribution(): { logicalId: string; config: Record<string, unknown> } {
      const [entry, ...others] = Object.entries(
        synth.template.findResources('AWS::CloudFront::Distribution'),
      );
      if (!entry || others.length > 0) throw new Error('expected one distribution');
      return { logicalId: entry[0], config: entry[1].Properties.DistributionConfig };
    }

    it('fetches from the API domain over HTTPS (TLS 1.2) and redirects viewers to HTTPS', () => {
      const { config } = distribution();
      expect(config.Enabled).toBe(true);
      expect(config.HttpVersion).toBe('http2and3');
      expect(config.Aliases).toBeUndefined();
      const origins = config.Origins as Array<Record<string, unknown>>;
      expect(origins).toHaveLength(1);
      expect(origins[0]?.DomainName).toEqual({
        'Fn::Join': [
          '',
          [
            refOf(synth.stack.feedApi.httpApi),
            '.execute-api.',
            { Ref: 'AWS::Region' },
            '.',
            { Ref: 'AWS::URLSuffix' },
          ],
        ],
      });
      expect(origins[0]?.CustomOriginConfig).toMatchObject({
        OriginProtocolPolicy: 'https-only',
        OriginSSLProtocols: ['TLSv1.2'],
      });
      expect(config.DefaultCacheBehavior).toMatchObject({
        ViewerProtocolPolicy: 'redirect-to-https',
        Compress: true,
        AllowedMethods: ['GET', 'HEAD', 'OPTIONS'],
        CachedMethods: ['GET', 'HEAD'],
        OriginRequestPolicyId:
          cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER.originRequestPolicyId,
      });
    });

    it("caches by the API's Cache-Control, keyed only by the query strings the API reads, compressed", () => {
      const { config } = distribution();
      const behavior = config.DefaultCacheBehavior as { CachePolicyId: unknown };
      const policies = synth.template.findResources('AWS::CloudFront::CachePolicy');
      const [policyId, policy] = Object.entries(policies)[0] ?? [];
      expect(behavior.CachePolicyId).toEqual({ Ref: policyId });
      expect(CACHE_KEY_QUERY_STRINGS).toEqual(['limit', 'cursor', 'from', 'to', 'key']);
      expect(policy?.Properties.CachePolicyConfig).toMatchObject({
        MinTTL: 0,
        DefaultTTL: 0,
        MaxTTL: 86400,
        ParametersInCacheKeyAndForwardedToOrigin: {
          QueryStringsConfig: {
            QueryStringBehavior: 'whitelist',
            QueryStrings: ['limit', 'cursor', 'from', 'to', 'key'],
          },
          HeadersConfig: { HeaderBehavior: 'none' },
          CookiesConfig: { CookieBehavior: 'none' },
          EnableAcceptEncodingGzip: true,
          EnableAcceptEncodingBrotli: true,
        },
      });
    });

    it('writes its access logs to the log bucket, which then accepts ACL-based log delivery', () => {
      const { config } = distribution();
      const { logBucket } = synth.stack.storage;
      expect(config.Logging).toEqual({
        Bucket: { 'Fn::GetAtt': [logicalIdOf(logBucket), 'RegionalDomainName'] },
        Prefix: 'cdn/',
      });
      const bucket = resourceOf('AWS::S3::Bucket', logicalIdOf(logBucket));
      expect(bucket.Properties.OwnershipControls).toEqual({
        Rules: [{ ObjectOwnership: 'BucketOwnerPreferred' }],
      });
    });
  });

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
      Object.values(synth.template.findResources('AWS::CloudWatch::Alarm')).map(
        (alarm) => alarm.Properties as Record<string, unknown>,
      );

    it('fire on a dead letter, a stuck queue, ingest retries and rejects, function errors and throttles, API 5xx and p99 latency', () => {
      const { storage, ingest, api, feedApi } = synth.stack;
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
      const topic = refOf(synth.stack.alarms.topic);
      for (const alarm of alarms()) {
        expect(alarm.AlarmActions).toEqual([topic]);
        expect(alarm.OKActions).toEqual([topic]);
        expect(String(alarm.AlarmDescription).length).toBeGreaterThan(10);
      }
    });

    it('send to a topic encrypted with a rotated key that CloudWatch may use, TLS-only, with no subscription unless asked', () => {
      const { topic, topicKey } = synth.stack.alarms;
      const props = resourceOf('AWS::SNS::Topic', logicalIdOf(topic)).Properties;
      expect(props.KmsMasterKeyId).toEqual(arnOf(topicKey));
      const key = resourceOf('AWS::KMS::Key', logicalIdOf(topicKey)).Properties;
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
      synth.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
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
      synth.template.resourceCountIs('AWS::SNS::Subscription', 0);
    });

    it('has a dashboard of uploads, outcomes, queue age, ingest duration, API status codes and latency', () => {
      const dashboards = Object.values(synth.template.findResources('AWS::CloudWatch::Dashboard'));
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
      const buses = synth.template.findResources('AWS::Events::EventBus');
      expect(Object.keys(buses)).toEqual([logicalIdOf(synth.stack.eventBus)]);
      const outputs = synth.template.toJSON().Outputs as Record<string, { Value: unknown }>;
      expect(outputs.EventBusName?.Value).toEqual(refOf(synth.stack.eventBus));
    });
  });

  describe('outputs', () => {
    it('prints the API, feeds and CDN URLs, the distribution, bucket, table, queues, bus, alarm topic and dashboard', () => {
      const { storage, feedApi } = synth.stack;
      const outputs = synth.template.toJSON().Outputs as Record<string, { Value: unknown }>;
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

  describe('checks', () => {
    it('runs the AwsSolutions, NIST 800-53 R5 and Serverless packs and leaves no finding unacknowledged', () => {
      expect(synth.plugins).toEqual(['AwsSolutions', 'NIST.800.53.R5', 'Serverless']);
      expect(synth.findings).toEqual([]);
    });

    it('acknowledges only the findings this design accepts, each where it arises, with a written reason', () => {
      const bucketArn = `<${logicalIdOf(synth.stack.storage.bucket)}.Arn>`;
      const acknowledged = synth.acknowledged.map(
        ({ rule, acknowledgedAt }) => `${rule} @ ${acknowledgedAt.replace(/^Storyfeed\//, '')}`,
      );
      const perFunction = (rule: string) => [`${rule} @ Ingest/Function`, `${rule} @ Api/Function`];
      expect([...new Set(acknowledged)].sort()).toEqual(
        [
          'AwsSolutions-APIG4 @ FeedApi/HttpApi',
          'AwsSolutions-CFR1 @ FeedApi/Cdn',
          'AwsSolutions-CFR2 @ FeedApi/Cdn',
          'AwsSolutions-CFR4 @ FeedApi/Cdn',
          'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole] @ BucketNotificationsHandler050a0587b7544547bf325f094a3db834',
          `AwsSolutions-IAM5[Resource::${bucketArn}/${BUCKET.archivePrefix}*] @ Api/Role`,
          `AwsSolutions-IAM5[Resource::${bucketArn}/${BUCKET.archivePrefix}*] @ Ingest/Role`,
          `AwsSolutions-IAM5[Resource::${bucketArn}/*] @ Ingest/Role`,
          'NIST.800.53.R5-CloudWatchLogGroupEncrypted @ Api/Logs',
          'NIST.800.53.R5-CloudWatchLogGroupEncrypted @ Ingest/Logs',
          'NIST.800.53.R5-CloudWatchLogGroupEncrypted @ FeedApi/AccessLogs',
          'NIST.800.53.R5-DynamoDBInBackupPlan @ Storage/Table',
          'NIST.800.53.R5-IAMNoInlinePolicy @ Api/Role',
          'NIST.800.53.R5-IAMNoInlinePolicy @ Ingest/Role',
          'NIST.800.53.R5-IAMNoInlinePolicy @ Storage/StoriesBucket/Notifications',
          ...perFunction('NIST.800.53.R5-LambdaConcurrency'),
          ...perFunction('NIST.800.53.R5-LambdaDLQ'),
          ...perFunction('NIST.800.53.R5-LambdaInsideVPC'),
          'NIST.800.53.R5-S3BucketReplicationEnabled @ Storage/StoriesBucket',
          'NIST.800.53.R5-S3BucketReplicationEnabled @ Storage/AccessLogBucket',
          'NIST.800.53.R5-S3BucketVersioningEnabled @ Storage/AccessLogBucket',
          'NIST.800.53.R5-S3DefaultEncryptionKMS @ Storage/StoriesBucket',
          'NIST.800.53.R5-S3DefaultEncryptionKMS @ Storage/AccessLogBucket',
          ...perFunction('Serverless-LambdaDLQ'),
          ...perFunction('Serverless-LambdaTracing'),
          'Serverless-LambdaEventSourceMappingDestination @ Ingest/Function/SqsEventSource:StoryfeedStorageIngestQueueA7691BDF',
          'Serverless-SQSRedrivePolicy @ Storage/IngestDeadLetterQueue',
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
