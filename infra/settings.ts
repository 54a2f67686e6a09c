/**
 * The deploy-time choices of the storyfeed stack, read from CDK context
 * (`npx cdk deploy -c cdn=false -c throttleRate=50`, or the `context` block of cdk.json).
 */
export interface StoryfeedSettings {
  /** CloudFormation stack name; every generated resource name starts with it. */
  stackName: string;
  /** `retain` keeps the bucket, table, queues and logs when the stack is deleted; `destroy` removes them. */
  removalPolicy: 'retain' | 'destroy';
  /** Puts a CloudFront distribution in front of the HTTP API. */
  cdn: boolean;
  /** Steady-state requests per second the API stage accepts. */
  throttleRate: number;
  /** Requests the API stage accepts in a burst above the rate. */
  throttleBurst: number;
  /** Where alarm notifications are mailed (an SNS email subscription); none when unset. */
  alarmEmail: string | undefined;
  /** The most ingest function instances the queue may run at once (the event source's maxConcurrency). */
  ingestConcurrency: number;
  /** Concurrency reserved for the API function, so that nothing else in the account can starve it. */
  apiReservedConcurrency: number | undefined;
  /** The feeds' own HTTPS name on the CDN (needs certificateArn). */
  domainName: string | undefined;
  /** ACM certificate for domainName; CloudFront requires it to be in us-east-1. */
  certificateArn: string | undefined;
  /** Route 53 hosted zone in which to create the alias records for domainName. */
  hostedZoneId: string | undefined;
  /** X-Ray active tracing on both functions (billed per trace). */
  tracing: boolean;
  /** POWERTOOLS_LOG_LEVEL of both functions. */
  logLevel: LogLevel;
  /** A WebSub hub the feeds name and the pipeline notifies (https URL). */
  websubHub: string | undefined;
}

export const LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The context keys, in the order the README lists them. */
export const SETTING_KEYS = [
  'stackName',
  'removalPolicy',
  'cdn',
  'domainName',
  'certificateArn',
  'hostedZoneId',
  'throttleRate',
  'throttleBurst',
  'ingestConcurrency',
  'apiReservedConcurrency',
  'alarmEmail',
  'tracing',
  'logLevel',
  'websubHub',
] as const;

/** The event source's maxConcurrency must lie in this range (Lambda's rule). */
export const INGEST_CONCURRENCY_RANGE = { min: 2, max: 1000 } as const;

export const DEFAULT_SETTINGS: StoryfeedSettings = {
  stackName: 'storyfeed',
  removalPolicy: 'retain',
  cdn: true,
  throttleRate: 100,
  throttleBurst: 200,
  alarmEmail: undefined,
  // Five instances ingest some hundreds of versions a second and leave the rest of the account's
  // concurrency (1,000 by default, sometimes only 10 in a new account) to the API.
  ingestConcurrency: 5,
  apiReservedConcurrency: undefined,
  domainName: undefined,
  certificateArn: undefined,
  hostedZoneId: undefined,
  tracing: false,
  // The per-record `ingested` line is INFO: production keeps warnings and errors only.
  logLevel: 'WARN',
  websubHub: undefined,
};

/** Reads the settings through a context getter; throws naming the key when a value is invalid. */
export function readSettings(getContext: (key: string) => unknown): StoryfeedSettings {
  const settings: StoryfeedSettings = {
    stackName: readStackName(getContext('stackName')),
    removalPolicy: readRemovalPolicy(getContext('removalPolicy')),
    cdn: readBoolean('cdn', getContext('cdn'), DEFAULT_SETTINGS.cdn),
    throttleRate:
      readPositiveInteger('throttleRate', getContext('throttleRate')) ?? DEFAULT_SETTINGS.throttleRate,
    throttleBurst:
      readPositiveInteger('throttleBurst', getContext('throttleBurst')) ?? DEFAULT_SETTINGS.throttleBurst,
    alarmEmail: readPattern(
      'alarmEmail',
      getContext('alarmEmail'),
      /^[^\s@]+@[^\s@]+\.[^\s@]+$/,
      'an email address',
    ),
    ingestConcurrency: readIngestConcurrency(getContext('ingestConcurrency')),
    apiReservedConcurrency: readPositiveInteger(
      'apiReservedConcurrency',
      getContext('apiReservedConcurrency'),
    ),
    domainName: readPattern(
      'domainName',
      getContext('domainName'),
      /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i,
      'a DNS name such as feeds.example.com',
    )?.toLowerCase(),
    certificateArn: readPattern(
      'certificateArn',
      getContext('certificateArn'),
      /^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/[A-Za-z0-9-]+$/,
      'an ACM certificate ARN in us-east-1 (CloudFront reads certificates only from there)',
    ),
    hostedZoneId: readPattern(
      'hostedZoneId',
      getContext('hostedZoneId'),
      /^Z[A-Z0-9]{1,31}$/,
      'a Route 53 zone id',
    ),
    tracing: readBoolean('tracing', getContext('tracing'), DEFAULT_SETTINGS.tracing),
    logLevel: readLogLevel(getContext('logLevel')),
    websubHub: readHttpsUrl('websubHub', getContext('websubHub')),
  };
  checkCombination(settings);
  return settings;
}

/** The keys that only mean something together. */
function checkCombination(settings: StoryfeedSettings): void {
  if ((settings.domainName === undefined) !== (settings.certificateArn === undefined)) {
    throw new Error('context domainName and certificateArn must be given together');
  }
  if (settings.domainName && !settings.cdn) {
    throw new Error('context domainName needs the CDN: it is served by CloudFront (drop cdn=false)');
  }
  if (settings.hostedZoneId && !settings.domainName) {
    throw new Error('context hostedZoneId needs domainName: the alias record is for that name');
  }
}

function readStackName(value: unknown): string {
  if (value === undefined) return DEFAULT_SETTINGS.stackName;
  // CloudFormation's rule for stack names.
  if (typeof value === 'string' && /^[A-Za-z][A-Za-z0-9-]{0,127}$/.test(value)) return value;
  throw new Error(`context stackName must be a letter then letters, digits or '-' (got ${String(value)})`);
}

function readRemovalPolicy(value: unknown): StoryfeedSettings['removalPolicy'] {
  if (value === undefined) return DEFAULT_SETTINGS.removalPolicy;
  if (value === 'retain' || value === 'destroy') return value;
  throw new Error(`context removalPolicy must be retain or destroy (got ${String(value)})`);
}

function readBoolean(key: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new Error(`context ${key} must be true or false (got ${String(value)})`);
}

function readPositiveInteger(key: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof number === 'number' && Number.isInteger(number) && number > 0) return number;
  throw new Error(`context ${key} must be a positive integer (got ${String(value)})`);
}

function readIngestConcurrency(value: unknown): number {
  const number = readPositiveInteger('ingestConcurrency', value) ?? DEFAULT_SETTINGS.ingestConcurrency;
  const { min, max } = INGEST_CONCURRENCY_RANGE;
  if (number >= min && number <= max) return number;
  throw new Error(`context ingestConcurrency must be between ${min} and ${max} (got ${String(value)})`);
}

function readPattern(key: string, value: unknown, pattern: RegExp, what: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && pattern.test(value)) return value;
  throw new Error(`context ${key} must be ${what} (got ${String(value)})`);
}

function readLogLevel(value: unknown): LogLevel {
  if (value === undefined) return DEFAULT_SETTINGS.logLevel;
  const level = typeof value === 'string' ? value.toUpperCase() : value;
  const known = LOG_LEVELS.find((candidate) => candidate === level);
  if (known) return known;
  throw new Error(`context logLevel must be one of ${LOG_LEVELS.join(', ')} (got ${String(value)})`);
}

function readHttpsUrl(key: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const url = typeof value === 'string' && URL.canParse(value) ? new URL(value) : undefined;
  if (url && url.protocol === 'https:' && url.hostname !== '' && url.username === '' && url.password === '') {
    return value as string;
  }
  throw new Error(`context ${key} must be an https URL without credentials (got ${String(value)})`);
}
