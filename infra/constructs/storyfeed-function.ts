import { fileURLToPath } from 'node:url';
import type { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { type BundlingOptions, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** The repository root (infra/constructs/ is two levels below it). */
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The newest Node.js runtime aws-cdk-lib 2.276 offers. */
export const FUNCTION_RUNTIME = lambda.Runtime.NODEJS_24_X;

/** Powertools' metrics namespace, shared by both functions. */
export const METRICS_NAMESPACE = 'storyfeed';

export const FUNCTION_LOG_RETENTION = logs.RetentionDays.ONE_MONTH;

/**
 * ESM output for Node 24: the bundle carries its own AWS SDK (the version the tests ran, not the
 * runtime's), and a `require` for the CommonJS parts of it, which ESM does not define.
 */
const BUNDLING: BundlingOptions = {
  minify: true,
  sourceMap: true,
  sourcesContent: false,
  format: OutputFormat.ESM,
  target: 'node22',
  mainFields: ['module', 'main'],
  externalModules: [],
  banner:
    "import { createRequire as storyfeedCreateRequire } from 'node:module'; const require = storyfeedCreateRequire(import.meta.url);",
  forceDockerBundling: false,
};

export interface StoryfeedFunctionProps {
  /** File under functions/, e.g. `ingest-story.ts`; its `handler` export is the entry point. */
  entryFile: string;
  description: string;
  /** Powertools service name. */
  serviceName: string;
  timeout: Duration;
  memorySize: number;
  environment: Record<string, string>;
  removalPolicy: RemovalPolicy;
  /** X-Ray active tracing (billed per trace); off, the function sends no segments and needs no X-Ray rights. */
  tracing: boolean;
  /** POWERTOOLS_LOG_LEVEL: the least severe level logged. */
  logLevel: string;
  /** Concurrency reserved for (and capping) this function; none when unset. */
  reservedConcurrentExecutions?: number | undefined;
}

/**
 * A NodejsFunction bundled by the local esbuild, arm64, X-Ray tracing if asked, with its own role (no
 * managed policy: the role may write to its own log group and nothing else until granted more)
 * and its own log group with a retention.
 */
export class StoryfeedFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: StoryfeedFunctionProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: FUNCTION_LOG_RETENTION,
      removalPolicy: props.removalPolicy,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.description} (execution role)`,
    });
    this.logGroup.grantWrite(this.role);
    this.function = new NodejsFunction(this, 'Function', {
      entry: `${PROJECT_ROOT}functions/${props.entryFile}`,
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: `${PROJECT_ROOT}package-lock.json`,
      description: props.description,
      runtime: FUNCTION_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      tracing: props.tracing ? lambda.Tracing.ACTIVE : lambda.Tracing.DISABLED,
      ...(props.reservedConcurrentExecutions
        ? { reservedConcurrentExecutions: props.reservedConcurrentExecutions }
        : {}),
      role: this.role,
      logGroup: this.logGroup,
      bundling: BUNDLING,
      environment: {
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        POWERTOOLS_LOG_LEVEL: props.logLevel,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
    });
  }
}
