import { Duration, type RemovalPolicy, Stack } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledgeFinding } from './acknowledge-finding.ts';

/** The paths of SPEC §3 and §5; each gets a GET and a HEAD route. */
export const API_PATHS = [
  '/feeds/latest.json',
  '/feeds/latest.atom',
  '/feeds/latest.rss',
  '/stories/{storyId}/feed.json',
  '/stories/{storyId}/feed.atom',
  '/stories/{storyId}/feed.rss',
  '/sources/{citationId}/feed.json',
  '/sources/{citationId}/feed.atom',
  '/sources/{citationId}/feed.rss',
  '/stories',
  '/stories/{storyId}',
  '/stories/{storyId}/versions/{version}',
  '/stories/{storyId}/versions/{version}/raw',
  '/stories/{storyId}/diff',
  '/sources/{citationId}',
  '/ingest/errors',
  '/ingest/status',
  '/health',
  '/openapi.json',
  '/',
  '/read/{storyId}',
  '/read/{storyId}/{version}',
  '/read/{storyId}/changes',
  '/cited/{citationId}',
  '/assets/{file}',
] as const;

/** Operator routes (SPEC §3): SigV4-signed callers with `execute-api:Invoke` only. */
export const OPERATOR_PREFIX = '/ingest/';

/**
 * Catches every other method and sub-path under the operator prefix (`POST /ingest/errors`,
 * `/ingest/errors/`), which would otherwise reach the function through the public `$default` route.
 */
export const OPERATOR_CATCH_ALL = `${OPERATOR_PREFIX}{proxy+}`;

/** The query strings the API reads; the CDN's cache key holds these and no others. */
export const CACHE_KEY_QUERY_STRINGS = ['limit', 'cursor', 'from', 'to', 'key'] as const;

/** What the access log records per request (HTTP API $context variables). */
const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  time: '$context.requestTime',
  ip: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  method: '$context.httpMethod',
  path: '$context.path',
  routeKey: '$context.routeKey',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationLatency: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
} as const;

export interface FeedApiProps {
  handler: lambda.IFunction;
  throttleRate: number;
  throttleBurst: number;
  removalPolicy: RemovalPolicy;
  /** Adds a CloudFront distribution in front of the API. */
  cdn?: CdnProps;
}

export interface CdnProps {
  /** Where CloudFront writes its access logs. */
  logBucket: s3.IBucket;
  /** The feeds' own name on the distribution, with its certificate (us-east-1). */
  domain?: { name: string; certificateArn: string; hostedZoneId: string | undefined };
}

/**
 * The public HTTP API: the SPEC §3 routes (GET and HEAD) and a `$default` route, all to the API
 * function; a throttled `$default` stage with JSON access logs; optionally a CloudFront
 * distribution that caches by the API's own Cache-Control and compresses.
 */
export class FeedApi extends Construct {
  readonly httpApi: apigw.HttpApi;
  readonly stage: apigw.HttpStage;
  readonly accessLogs: logs.LogGroup;
  readonly distribution: cloudfront.Distribution | undefined;

  constructor(scope: Construct, id: string, props: FeedApiProps) {
    super(scope, id);
    // One integration and one invoke permission for the whole API, instead of one per route.
    const integration = new HttpLambdaIntegration('ApiIntegration', props.handler, {
      payloadFormatVersion: apigw.PayloadFormatVersion.VERSION_2_0,
      scopePermissionToRoute: false,
    });
    this.httpApi = new apigw.HttpApi(this, 'HttpApi', {
      description: 'storyfeed: feeds and the story JSON API (SPEC §3)',
      createDefaultStage: false,
      // Unknown paths and other methods reach the function too, so that a 404 or 405 is the
      // contract's JSON error (API Gateway's own is {"message":"Not Found"}) and OPTIONS gets
      // the function's CORS answer.
      defaultIntegration: integration,
    });
    const operatorOnly = new HttpIamAuthorizer();
    for (const path of API_PATHS) {
      this.httpApi.addRoutes({
        path,
        methods: [apigw.HttpMethod.GET, apigw.HttpMethod.HEAD],
        integration,
        ...(path.startsWith(OPERATOR_PREFIX) ? { authorizer: operatorOnly } : {}),
      });
    }
    this.httpApi.addRoutes({
      path: OPERATOR_CATCH_ALL,
      methods: [apigw.HttpMethod.ANY],
      integration,
      authorizer: operatorOnly,
    });
    acknowledgeFinding(
      this.httpApi,
      'AwsSolutions-APIG4',
      'Only the /ingest/* operator routes need credentials, and they have IAM authorization; the feeds, pages ' +
        'and story API are public and read-only by design (SPEC §3, §5): feed readers fetch them without credentials.',
    );

    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: logs.RetentionDays.THREE_MONTHS,
      removalPolicy: props.removalPolicy,
    });
    this.stage = new apigw.HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.throttleRate, burstLimit: props.throttleBurst },
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });
    this.distribution = props.cdn ? this.addCdn(props.cdn) : undefined;
  }

  /** The API's URL (the `$default` stage), ending in `/`. */
  get url(): string {
    return this.stage.url;
  }

  /** The API's own host name (`<id>.execute-api.<region>.amazonaws.com`). */
  get domainName(): string {
    const stack = Stack.of(this);
    return `${this.httpApi.apiId}.execute-api.${stack.region}.${stack.urlSuffix}`;
  }

  private addCdn({ logBucket, domain }: CdnProps): cloudfront.Distribution {
    // TTLs come from the origin: `Cache-Control: public, max-age=60` on feeds is cached for 60 s,
    // a response without Cache-Control is not cached (default TTL 0).
    const cachePolicy = new cloudfront.CachePolicy(this, 'CachePolicy', {
      // Cache policy names are unique per account: the stack's name keeps two stacks apart.
      cachePolicyName: `${Stack.of(this).stackName}-feed-api-${Stack.of(this).region}`,
      comment: `storyfeed: honour the API Cache-Control; key on ${CACHE_KEY_QUERY_STRINGS.join(', ')}`,
      minTtl: Duration.seconds(0),
      defaultTtl: Duration.seconds(0),
      maxTtl: Duration.days(1),
      // Other query strings do not change the answer: keeping them out of the key means
      // `?utm_source=…` cannot split the cache or cost an origin request per variant.
      queryStringBehavior: cloudfront.CacheQueryStringBehavior.allowList(...CACHE_KEY_QUERY_STRINGS),
      headerBehavior: cloudfront.CacheHeaderBehavior.none(),
      cookieBehavior: cloudfront.CacheCookieBehavior.none(),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });
    const distribution = new cloudfront.Distribution(this, 'Cdn', {
      comment: 'storyfeed feeds and API',
      defaultBehavior: {
        origin: new origins.HttpOrigin(this.domainName, {
          protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
          originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
        }),
        // Every method reaches the API, so POST, PUT or DELETE get its JSON 405 with `Allow`, not
        // CloudFront's own 403; only GET and HEAD are cached.
        allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
        cachedMethods: cloudfront.CachedMethods.CACHE_GET_HEAD,
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy,
        // API Gateway rejects a foreign Host; every other viewer header (If-None-Match, Origin, …) goes through.
        originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
        compress: true,
      },
      ...(domain
        ? {
            domainNames: [domain.name],
            certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', domain.certificateArn),
            minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {}),
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket,
      logFilePrefix: 'cdn/',
    });
    acknowledgeFinding(
      distribution,
      'AwsSolutions-CFR1',
      'Feeds are public for readers in every country; there is no jurisdiction to exclude.',
    );
    acknowledgeFinding(
      distribution,
      'AwsSolutions-CFR2',
      'Public, read-only, cacheable GETs behind a throttled API stage; a WAF web ACL ($5/month plus rules and ' +
        'requests) is not warranted until abuse is seen, and can be attached without changing the stack design.',
    );
    if (!domain) {
      acknowledgeFinding(
        distribution,
        'AwsSolutions-CFR4',
        'Without -c domainName the distribution uses the default *.cloudfront.net certificate, for which ' +
          'CloudFront does not allow choosing the minimum viewer TLS version; with a domain it is TLSv1.2_2021.',
      );
    }
    if (domain?.hostedZoneId) {
      // A name ending in '.' is used as is: no zone name (and so no lookup) is needed.
      const zone = route53.HostedZone.fromHostedZoneId(this, 'Zone', domain.hostedZoneId);
      const target = route53.RecordTarget.fromAlias(new targets.CloudFrontTarget(distribution));
      const recordName = `${domain.name}.`;
      new route53.ARecord(this, 'AliasIpv4', { zone, recordName, target });
      new route53.AaaaRecord(this, 'AliasIpv6', { zone, recordName, target });
    }
    return distribution;
  }
}
