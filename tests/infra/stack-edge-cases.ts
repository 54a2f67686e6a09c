import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import { describe, expect, it } from 'vitest';
import { API_PATHS, CACHE_KEY_QUERY_STRINGS, OPERATOR_CATCH_ALL } from '../../infra/constructs/feed-api.ts';
import { DEFAULT_SETTINGS } from '../../infra/settings.ts';
import {
  arnOf,
  describeSynthesized,
  logicalIdOf,
  refOf,
  type SynthesizedStoryfeed,
} from './synthesize-storyfeed.ts';

/** Registers the HTTP API and CloudFront assertions on the synthesized default stack (one synth per test file). */
export function describeEdge(getSynth: () => SynthesizedStoryfeed): void {
  describeSynthesized('HTTP API and CloudFront', getSynth, (stack) => {
    describe('HTTP API', () => {
      it('routes GET and HEAD of every SPEC §3 and §5 path, any method under /ingest/, and $default, to the one API integration', () => {
        const routes = Object.values(stack.synth.template.findResources('AWS::ApiGatewayV2::Route'));
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
        const integrations = stack.synth.template.findResources('AWS::ApiGatewayV2::Integration');
        const [integrationId, integration] = Object.entries(integrations)[0] ?? [];
        expect(Object.keys(integrations)).toHaveLength(1);
        expect(integration?.Properties).toMatchObject({
          IntegrationType: 'AWS_PROXY',
          PayloadFormatVersion: '2.0',
          IntegrationUri: arnOf(stack.synth.stack.api.function),
        });
        for (const route of routes) {
          expect(route.Properties.Target).toEqual({
            'Fn::Join': ['', ['integrations/', { Ref: integrationId }]],
          });
        }
      });

      it('requires IAM (SigV4) on the /ingest/* routes, and on nothing else', () => {
        const routes = Object.values(stack.synth.template.findResources('AWS::ApiGatewayV2::Route'));
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
        stack.synth.template.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 0);
      });

      it('leaves CORS to the function', () => {
        const api = stack.resourceOf(
          'AWS::ApiGatewayV2::Api',
          logicalIdOf(stack.synth.stack.feedApi.httpApi),
        ).Properties;
        expect(api.ProtocolType).toBe('HTTP');
        expect(api.CorsConfiguration).toBeUndefined();
      });

      it('throttles the $default stage at the default rate and burst and writes JSON access logs', () => {
        const { feedApi } = stack.synth.stack;
        const stage = stack.resourceOf('AWS::ApiGatewayV2::Stage', logicalIdOf(feedApi.stage)).Properties;
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
        const logGroup = stack.resourceOf('AWS::Logs::LogGroup', logicalIdOf(feedApi.accessLogs)).Properties;
        expect(logGroup.RetentionInDays).toBe(90);
      });
    });

    describe('CloudFront in front of the API (on by default)', () => {
      function distribution(): { logicalId: string; config: Record<string, unknown> } {
        const [entry, ...others] = Object.entries(
          stack.synth.template.findResources('AWS::CloudFront::Distribution'),
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
              refOf(stack.synth.stack.feedApi.httpApi),
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
          // every method reaches the API (its JSON 405 for POST, PUT, DELETE); only GET and HEAD are cached
          AllowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'],
          CachedMethods: ['GET', 'HEAD'],
          OriginRequestPolicyId:
            cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER.originRequestPolicyId,
        });
      });

      it("caches by the API's Cache-Control, keyed only by the query strings the API reads, compressed", () => {
        const { config } = distribution();
        const behavior = config.DefaultCacheBehavior as { CachePolicyId: unknown };
        const policies = stack.synth.template.findResources('AWS::CloudFront::CachePolicy');
        const [policyId, policy] = Object.entries(policies)[0] ?? [];
        expect(behavior.CachePolicyId).toEqual({ Ref: policyId });
        expect(CACHE_KEY_QUERY_STRINGS).toEqual(['limit', 'cursor', 'from', 'to', 'key']);
        expect(policy?.Properties.CachePolicyConfig).toMatchObject({
          // unique per account: named after the stack (and region), so two stacks can share one
          Name: { 'Fn::Join': ['', [`${stack.synth.stack.stackName}-feed-api-`, { Ref: 'AWS::Region' }]] },
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
        const { logBucket } = stack.synth.stack.storage;
        expect(config.Logging).toEqual({
          Bucket: { 'Fn::GetAtt': [logicalIdOf(logBucket), 'RegionalDomainName'] },
          Prefix: 'cdn/',
        });
        const bucket = stack.resourceOf('AWS::S3::Bucket', logicalIdOf(logBucket));
        expect(bucket.Properties.OwnershipControls).toEqual({
          Rules: [{ ObjectOwnership: 'BucketOwnerPreferred' }],
        });
      });
    });
  });
}
