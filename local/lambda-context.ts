import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { LOCAL_REGION } from './emulators.ts';

const LOCAL_ACCOUNT = '000000000000';

/** The Lambda `Context` of one local invocation: the request id is made when a handler reads it. */
class LocalLambdaContext implements Context {
  callbackWaitsForEmptyEventLoop = true;
  readonly functionVersion = '$LATEST';
  readonly memoryLimitInMB = '1024';
  private id: string | undefined;

  constructor(
    readonly functionName: string,
    private readonly deadline: number,
  ) {}

  get invokedFunctionArn(): string {
    return `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${this.functionName}`;
  }

  get awsRequestId(): string {
    this.id ??= randomUUID();
    return this.id;
  }

  get logGroupName(): string {
    return `/aws/lambda/${this.functionName}`;
  }

  get logStreamName(): string {
    return `local/${this.functionName}`;
  }

  getRemainingTimeInMillis(): number {
    return Math.max(0, this.deadline - Date.now());
  }

  done(): void {}
  fail(): void {}
  succeed(): void {}
}

/** Makes the Lambda `Context` a handler receives on AWS, for one local invocation of `functionName`. */
export function createLambdaContext(functionName: string, timeoutMs: number): Context {
  return new LocalLambdaContext(functionName, Date.now() + timeoutMs);
}
