import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Acknowledges one cdk-nag AwsSolutions finding on a construct (and its children), by its exact
 * id (`AwsSolutions-IAM5[Resource::*]` covers that resource pattern only), with the reason.
 */
export function acknowledgeFinding(scope: IConstruct, ruleId: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: `AwsSolutions::${ruleId}`, reason });
}
