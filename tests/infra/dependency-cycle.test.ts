import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { canOrderResources } from './synthesize-storyfeed.ts';

const queue = { Type: 'AWS::SQS::Queue', Properties: {} };

describe('canOrderResources', () => {
  it('accepts a template CloudFormation can order', () => {
    const template = Template.fromJSON({
      Resources: {
        Queue: queue,
        Policy: { Type: 'AWS::SQS::QueuePolicy', Properties: { Queues: [{ Ref: 'Queue' }] } },
      },
    });
    expect(canOrderResources(template)).toBe(true);
  });

  it('refuses resources that reach each other through GetAtt, Sub and DependsOn', () => {
    const resources = {
      Function: { Type: 'AWS::Lambda::Function', Properties: { Role: { 'Fn::GetAtt': ['Role', 'Arn'] } } },
      // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub syntax, not a JS template
      Role: { Type: 'AWS::IAM::Role', Properties: { Description: { 'Fn::Sub': '${Api}-role' } } },
      Api: { Type: 'AWS::ApiGatewayV2::Api', DependsOn: 'Function', Properties: {} },
    };
    // Template.fromJSON itself refuses cycles, so a cyclic template cannot even be built.
    const template = Template.fromJSON(
      { Resources: { Queue: queue } },
      { skipCyclicalDependenciesCheck: true },
    );
    const cyclic = Template.fromJSON({ Resources: resources }, { skipCyclicalDependenciesCheck: true });
    expect(canOrderResources(template)).toBe(true);
    expect(canOrderResources(cyclic)).toBe(false);
  });
});
