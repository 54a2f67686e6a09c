/**
 * The deploy-time choices of the storyfeed stack, read from CDK context
 * (`npx cdk deploy -c cdn=true -c throttleRate=50`, or the `context` block of cdk.json).
 */
export interface StoryfeedSettings {
  /** CloudFormation stack name; every generated resource name starts with it. */
  stackName: string;
  /** `retain` keeps the bucket, table and logs when the stack is deleted; `destroy` removes them. */
  removalPolicy: 'retain' | 'destroy';
  /** Puts a CloudFront distribution in front of the HTTP API. */
  cdn: boolean;
  /** Steady-state requests per second the API stage accepts. */
  throttleRate: number;
  /** Requests the API stage accepts in a burst above the rate. */
  throttleBurst: number;
}

/** The context keys, in the order the README lists them. */
export const SETTING_KEYS = ['stackName', 'removalPolicy', 'cdn', 'throttleRate', 'throttleBurst'] as const;

export const DEFAULT_SETTINGS: StoryfeedSettings = {
  stackName: 'storyfeed',
  removalPolicy: 'retain',
  cdn: false,
  throttleRate: 100,
  throttleBurst: 200,
};

/** Reads the settings through a context getter; throws naming the key when a value is invalid. */
export function readSettings(getContext: (key: string) => unknown): StoryfeedSettings {
  return {
    stackName: readStackName(getContext('stackName')),
    removalPolicy: readRemovalPolicy(getContext('removalPolicy')),
    cdn: readBoolean('cdn', getContext('cdn'), DEFAULT_SETTINGS.cdn),
    throttleRate: readPositiveInteger(
      'throttleRate',
      getContext('throttleRate'),
      DEFAULT_SETTINGS.throttleRate,
    ),
    throttleBurst: readPositiveInteger(
      'throttleBurst',
      getContext('throttleBurst'),
      DEFAULT_SETTINGS.throttleBurst,
    ),
  };
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

function readPositiveInteger(key: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof number === 'number' && Number.isInteger(number) && number > 0) return number;
  throw new Error(`context ${key} must be a positive integer (got ${String(value)})`);
}
