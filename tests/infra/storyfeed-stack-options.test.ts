import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  canOrderResources,
  logicalIdOf,
  type SynthesizedStoryfeed,
  synthesizeStoryfeed,
} from './synthesize-storyfeed.ts';

let synth: SynthesizedStoryfeed;

beforeAll(() => {
  synth = synthesizeStoryfeed({
    bundle: false,
    // As `npx cdk deploy -c cdn=true -c removalPolicy=destroy ...` passes them: strings.
    context: {
      cdn: 'true',
      removalPolicy: 'destroy',
      throttleRate: '7',
      throttleBurst: '9',
      stackName: 'storyfeed-preview',
    },
  });
});

function distribution(): { logicalId: string; config: Record<string, unknown> } {
  const [entry, ...others] = Object.entries(synth.template.findResources('AWS::CloudFront::Distribution'));
  if (!entry || others.length > 0) throw new Error('expected one distribution');
  return { logicalId: entry[0], config: entry[1].Properties.DistributionConfig };
}

describe('storyfeed stack with cdn=true, removalPolicy=destroy and throttling set', () => {
  it('is deployed under the stack name given', () => {
    expect(synth.stack.stackName).toBe('storyfeed-preview');
  });

  it('throttles the stage at the rate and burst given', () => {
    const stage =
      synth.template.findResources('AWS::ApiGatewayV2::Stage')[logicalIdOf(synth.stack.feedApi.stage)];
    expect(stage?.Properties.DefaultRouteSettings).toEqual({
      ThrottlingRateLimit: 7,
      ThrottlingBurstLimit: 9,
    });
  });

  describe('CloudFront in front of the API', () => {
    it('fetches from the API domain over HTTPS (TLS 1.2) and redirects viewers to HTTPS', () => {
      const { config } = distribution();
      expect(config.Enabled).toBe(true);
      expect(config.HttpVersion).toBe('http2and3');
      const origins = config.Origins as Array<Record<string, unknown>>;
      expect(origins).toHaveLength(1);
      expect(origins[0]?.DomainName).toEqual({
        'Fn::Join': [
          '',
          [
            { Ref: logicalIdOf(synth.stack.feedApi.httpApi) },
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

    it("caches by the API's Cache-Control (min and default TTL 0), keyed by every query string, compressed", () => {
      const { config } = distribution();
      const behavior = config.DefaultCacheBehavior as { CachePolicyId: unknown };
      const policies = synth.template.findResources('AWS::CloudFront::CachePolicy');
      const [policyId, policy] = Object.entries(policies)[0] ?? [];
      expect(behavior.CachePolicyId).toEqual({ Ref: policyId });
      expect(policy?.Properties.CachePolicyConfig).toMatchObject({
        MinTTL: 0,
        DefaultTTL: 0,
        MaxTTL: 86400,
        ParametersInCacheKeyAndForwardedToOrigin: {
          QueryStringsConfig: { QueryStringBehavior: 'all' },
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
      const bucket = synth.template.findResources('AWS::S3::Bucket')[logicalIdOf(logBucket)];
      expect(bucket?.Properties.OwnershipControls).toEqual({
        Rules: [{ ObjectOwnership: 'BucketOwnerPreferred' }],
      });
    });

    it('gives the API function the distribution URL as PUBLIC_BASE_URL, and prints it as CdnUrl', () => {
      const { logicalId } = distribution();
      const domain = { 'Fn::GetAtt': [logicalId, 'DomainName'] };
      const fn = synth.template.findResources('AWS::Lambda::Function')[logicalIdOf(synth.stack.api.function)];
      expect(fn?.Properties.Environment.Variables.PUBLIC_BASE_URL).toEqual({
        'Fn::Join': ['', ['https://', domain]],
      });
      const ingest =
        synth.template.findResources('AWS::Lambda::Function')[logicalIdOf(synth.stack.ingest.function)];
      expect(ingest?.Properties.Environment.Variables.PUBLIC_BASE_URL).toBeUndefined();
      const outputs = synth.template.toJSON().Outputs as Record<string, { Value: unknown }>;
      expect(outputs.CdnUrl?.Value).toEqual({ 'Fn::Join': ['', ['https://', domain, '/']] });
      expect(Object.keys(outputs).sort()).toEqual([
        'ApiUrl',
        'BucketName',
        'CdnUrl',
        'QueueUrl',
        'TableName',
      ]);
    });

    it('can still be ordered by CloudFormation: the function waits for the distribution, not the reverse', () => {
      expect(canOrderResources(synth.template)).toBe(true);
    });
  });

  describe('removal policy destroy', () => {
    it('deletes buckets (emptying them first), table and log groups with the stack', () => {
      const { bucket, logBucket, table } = synth.stack.storage;
      const resources = synth.template.toJSON().Resources as Record<string, Record<string, unknown>>;
      const deleted = [
        logicalIdOf(bucket),
        logicalIdOf(logBucket),
        logicalIdOf(table),
        ...Object.keys(synth.template.findResources('AWS::Logs::LogGroup')),
      ];
      expect(deleted).toHaveLength(6);
      for (const id of deleted) expect(resources[id]?.DeletionPolicy).toBe('Delete');
      const emptied = Object.values(synth.template.findResources('Custom::S3AutoDeleteObjects')).map(
        (resource) => resource.Properties.BucketName,
      );
      expect(emptied).toEqual(
        expect.arrayContaining([{ Ref: logicalIdOf(bucket) }, { Ref: logicalIdOf(logBucket) }]),
      );
      expect(emptied).toHaveLength(2);
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
    it('leaves no validation finding unacknowledged', () => {
      expect(synth.findings).toEqual([]);
    });

    it('acknowledges, on the distribution only, geo restriction, WAF and the default-certificate TLS floor', () => {
      const path = synth.stack.feedApi.distribution?.node.path;
      const onDistribution = synth.acknowledged.filter((a) => a.acknowledgedAt === path).map((a) => a.rule);
      expect(onDistribution.sort()).toEqual(['AwsSolutions-CFR1', 'AwsSolutions-CFR2', 'AwsSolutions-CFR4']);
      for (const { reason } of synth.acknowledged)
        expect(reason.split(' ').length).toBeGreaterThanOrEqual(12);
    });
  });
});
