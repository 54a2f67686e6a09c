import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Acknowledges one cdk-nag finding on a construct (and its children), by its exact rule id with the
 * pack in front (`AwsSolutions-IAM5[Resource::*]` covers that resource pattern only,
 * `NIST.800.53.R5-LambdaConcurrency`, `Serverless-LambdaTracing`), with the reason.
 */
export function acknowledgeFinding(scope: IConstruct, ruleId: string, reason: string): void {
  const pack = ruleId.slice(0, ruleId.indexOf('-'));
  Validations.of(scope).acknowledge({ id: `${pack}::${ruleId}`, reason });
}
