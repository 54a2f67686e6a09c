import * as lambda from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it } from 'vitest';
import { BUCKET, TABLE } from '../../functions/store/table-definition.ts';
import { DEFAULT_SETTINGS } from '../../infra/settings.ts';
import { API_TIMEOUT, INGEST_TIMEOUT } from '../../infra/storyfeed-stack.ts';
import {
  arnOf,
  describeSynthesized,
  logicalIdOf,
  normaliseStatements,
  objectsOf,
  refOf,
  roleStatements,
  type SynthesizedStoryfeed,
} from './synthesize-storyfeed.ts';

/** Registers the functions and their rights assertions on the synthesized default stack (one synth per test file). */
export function describeCompute(getSynth: () => SynthesizedStoryfeed): void {
  describeSynthesized('functions and their rights', getSynth, (stack) => {
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
        ['ingest', () => stack.synth.stack.ingest, INGEST_TIMEOUT.toSeconds(), 512],
        ['API', () => stack.synth.stack.api, API_TIMEOUT.toSeconds(), 1024],
      ])(
        'runs the %s function on arm64, the newest Node.js runtime, its own memory size, without X-Ray unless asked',
        (_, get, timeout, memory) => {
          const props = stack.resourceOf('AWS::Lambda::Function', logicalIdOf(get().function)).Properties;
          expect(props.Architectures).toEqual(['arm64']);
          expect(props.Runtime).toBe(newestNodeRuntime());
          expect(props.TracingConfig).toBeUndefined();
          expect(props.ReservedConcurrentExecutions).toBeUndefined();
          expect(props.Handler).toBe('index.handler');
          expect(props.Timeout).toBe(timeout);
          expect(props.MemorySize).toBe(memory);
          expect(props.Role).toEqual(arnOf(get().role));
          expect(props.LoggingConfig).toEqual({ LogGroup: refOf(get().logGroup) });
          const logGroup = stack.resourceOf('AWS::Logs::LogGroup', logicalIdOf(get().logGroup)).Properties;
          expect(logGroup.RetentionInDays).toBe(30);
        },
      );

      const cdnBaseUrl = () => ({
        'Fn::Join': [
          '',
          [
            'https://',
            { 'Fn::GetAtt': [logicalIdOf(stack.synth.stack.feedApi.distribution as never), 'DomainName'] },
          ],
        ],
      });

      it('gives the ingest function its names, the event bus, the CDN base URL and the Powertools settings (WARN), nothing more', () => {
        const { bucket, table } = stack.synth.stack.storage;
        const props = stack.resourceOf(
          'AWS::Lambda::Function',
          logicalIdOf(stack.synth.stack.ingest.function),
        ).Properties;
        expect(props.Environment).toEqual({
          Variables: {
            TABLE_NAME: refOf(table),
            BUCKET_NAME: refOf(bucket),
            EVENT_BUS_NAME: refOf(stack.synth.stack.eventBus),
            PUBLIC_BASE_URL: cdnBaseUrl(),
            POWERTOOLS_SERVICE_NAME: 'storyfeed-ingest',
            POWERTOOLS_LOG_LEVEL: 'WARN',
            POWERTOOLS_METRICS_NAMESPACE: 'storyfeed',
            NODE_OPTIONS: '--enable-source-maps',
          },
        });
      });

      it('gives the API function a cursor key derived from the stack id, the CDN as PUBLIC_BASE_URL and the IAM lock on /ingest/*; never TRUST_FORWARDED_HOST or a hub unless asked', () => {
        const { bucket, table } = stack.synth.stack.storage;
        const props = stack.resourceOf(
          'AWS::Lambda::Function',
          logicalIdOf(stack.synth.stack.api.function),
        ).Properties;
        expect(props.Environment).toEqual({
          Variables: {
            TABLE_NAME: refOf(table),
            BUCKET_NAME: refOf(bucket),
            CURSOR_SECRET: { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] },
            PUBLIC_BASE_URL: cdnBaseUrl(),
            OPERATOR_ROUTES_NEED_IAM: 'true',
            POWERTOOLS_SERVICE_NAME: 'storyfeed-api',
            POWERTOOLS_LOG_LEVEL: 'WARN',
            POWERTOOLS_METRICS_NAMESPACE: 'storyfeed',
            NODE_OPTIONS: '--enable-source-maps',
          },
        });
        for (const fn of Object.values(stack.synth.template.findResources('AWS::Lambda::Function'))) {
          expect(fn.Properties.Environment?.Variables?.TRUST_FORWARDED_HOST).toBeUndefined();
        }
      });

      it('feeds the ingest function from the queue, 10 at a time, at most 5 instances at once, with partial batch failures', () => {
        const mappings = Object.values(stack.synth.template.findResources('AWS::Lambda::EventSourceMapping'));
        expect(mappings).toHaveLength(1);
        expect(mappings[0]?.Properties).toEqual({
          BatchSize: 10,
          EventSourceArn: arnOf(stack.synth.stack.storage.queue),
          FunctionName: refOf(stack.synth.stack.ingest.function),
          FunctionResponseTypes: ['ReportBatchItemFailures'],
          ScalingConfig: { MaximumConcurrency: DEFAULT_SETTINGS.ingestConcurrency },
        });
        expect(DEFAULT_SETTINGS.ingestConcurrency).toBe(5);
      });
    });

    describe('least privilege', () => {
      const tableAndIndex = () => {
        const table = arnOf(stack.synth.stack.storage.table);
        return [table, { 'Fn::Join': ['', [table, `/index/${TABLE.indexes.byUpdated.name}`]] }];
      };
      it('lets the ingest function write its logs, consume its queue, read/write table items, read uploads, write only the archive and put events on its bus', () => {
        const { ingest, storage } = stack.synth.stack;
        const statements = roleStatements(stack.synth.template, logicalIdOf(ingest.role));
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
              Sid: 'TagRejectedUploads',
              Effect: 'Allow',
              Action: 's3:PutObjectVersionTagging',
              Resource: objectsOf(storage.bucket, '/*'),
            },
            {
              Sid: 'PublishStoryEvents',
              Effect: 'Allow',
              Action: 'events:PutEvents',
              Resource: arnOf(stack.synth.stack.eventBus),
            },
          ]),
        );
      });

      it('lets the API function write its logs, read the table and index, archive objects and object versions (originals)', () => {
        const { api, storage } = stack.synth.stack;
        const statements = roleStatements(stack.synth.template, logicalIdOf(api.role));
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
            {
              Sid: 'TellMissingArchive',
              Effect: 'Allow',
              Action: 's3:ListBucket',
              Resource: arnOf(storage.bucket),
            },
            {
              Sid: 'ReadOriginals',
              Effect: 'Allow',
              Action: 's3:GetObjectVersion',
              Resource: objectsOf(storage.bucket, '/*'),
            },
            {
              Sid: 'WriteOversizedResponses',
              Effect: 'Allow',
              Action: 's3:PutObject',
              Resource: objectsOf(storage.bucket, `/${BUCKET.archivePrefix}responses/*`),
            },
          ]),
        );
      });

      it('attaches no managed policy to either role, and only Lambda may assume them', () => {
        for (const role of [stack.synth.stack.ingest.role, stack.synth.stack.api.role]) {
          const props = stack.resourceOf('AWS::IAM::Role', logicalIdOf(role)).Properties;
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
        for (const policy of Object.values(stack.synth.template.findResources('AWS::IAM::Policy'))) {
          for (const statement of policy.Properties.PolicyDocument.Statement as Array<
            Record<string, unknown>
          >) {
            for (const action of [statement.Action].flat()) expect(String(action)).not.toMatch(/^\*$|:\*$/);
            expect(statement.Resource).not.toBe('*');
          }
        }
      });

      it('lets API Gateway invoke the API function from this API only, with one permission', () => {
        const permissions = Object.values(stack.synth.template.findResources('AWS::Lambda::Permission'));
        expect(permissions.map((permission) => permission.Properties)).toEqual([
          {
            Action: 'lambda:InvokeFunction',
            FunctionName: arnOf(stack.synth.stack.api.function),
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
                  refOf(stack.synth.stack.feedApi.httpApi),
                  '/*/*/*',
                ],
              ],
            },
          },
        ]);
      });
    });
  });
}
