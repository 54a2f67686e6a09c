import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CfnElement, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { VALIDATION_REPORT_FILE } from 'aws-cdk-lib/cx-api';
import type { IConstruct } from 'constructs';
import { beforeAll, describe } from 'vitest';
import { createApp } from '../../infra/create-app.ts';
import type { StoryfeedStack } from '../../infra/storyfeed-stack.ts';

export interface SynthesizedStoryfeed {
  stack: StoryfeedStack;
  template: Template;
  /** The cloud assembly folder. */
  assemblyDir: string;
  /** Validation findings (cdk-nag, CloudFormation validation) that nobody acknowledged. */
  findings: ValidationFinding[];
  /** Findings suppressed by an acknowledgement, with its reason. */
  acknowledged: AcknowledgedFinding[];
  /** The validation plugins (cdk-nag packs) that reported. */
  plugins: string[];
}

export interface AcknowledgedFinding {
  plugin: string;
  rule: string;
  reason: string;
  /** The construct the acknowledgement was made on. */
  acknowledgedAt: string;
  acknowledgedId: string;
}

export interface ValidationFinding {
  plugin: string;
  rule: string;
  severity: string;
  constructPaths: string[];
}

/** Whether CloudFormation can order the template; `Template` refuses a cyclic one (CDK's own check). */
export function canOrderResources(template: Template): boolean {
  try {
    Template.fromJSON(template.toJSON());
    return true;
  } catch (error) {
    if (/cycl/i.test(String(error))) return false;
    throw error;
  }
}

/**
 * Synthesizes the app as `cdk synth` does, with extra context. Without `bundle`, NodejsFunction
 * skips esbuild (CDK's own `aws:cdk:bundling-stacks` switch): the template is the same except
 * for the asset hash, and template tests do not depend on the handlers compiling.
 */
export function synthesizeStoryfeed(options: {
  context?: Record<string, unknown>;
  bundle: boolean;
  outdir?: string;
}): SynthesizedStoryfeed {
  const context = { ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }), ...options.context };
  const { app, stack } = createApp({ context, ...(options.outdir ? { outdir: options.outdir } : {}) });
  // Throws with the report when a validation error is left unacknowledged.
  const assembly = app.synth();
  return {
    stack,
    template: Template.fromStack(stack),
    assemblyDir: assembly.directory,
    ...readValidationReport(assembly.directory),
  };
}

interface ReportedViolation {
  ruleName: string;
  severity: string;
  violatingConstructs: Array<{ constructPath: string }>;
}

interface ValidationReport {
  pluginReports: Array<{
    pluginName: string;
    violations: ReportedViolation[];
    suppressedViolations?: Array<
      ReportedViolation & { reason: string; acknowledgedAt: string; acknowledgedId: string }
    >;
  }>;
}

/** The assembly's validation report: open findings, and the acknowledged ones with their reasons. */
export function readValidationReport(assemblyDir: string): {
  findings: ValidationFinding[];
  acknowledged: AcknowledgedFinding[];
  plugins: string[];
} {
  const report = JSON.parse(
    readFileSync(join(assemblyDir, VALIDATION_REPORT_FILE), 'utf8'),
  ) as ValidationReport;
  return {
    findings: report.pluginReports.flatMap((plugin) =>
      plugin.violations.map((violation) => ({
        plugin: plugin.pluginName,
        rule: violation.ruleName,
        severity: violation.severity,
        constructPaths: violation.violatingConstructs.map((c) => c.constructPath),
      })),
    ),
    acknowledged: report.pluginReports.flatMap((plugin) =>
      (plugin.suppressedViolations ?? []).map((violation) => ({
        plugin: plugin.pluginName,
        rule: violation.ruleName,
        reason: violation.reason,
        acknowledgedAt: violation.acknowledgedAt,
        acknowledgedId: violation.acknowledgedId,
      })),
    ),
    plugins: report.pluginReports.map((plugin) => plugin.pluginName),
  };
}

/** The logical id CloudFormation knows a construct (or its default child) by. */
export function logicalIdOf(construct: IConstruct): string {
  const element = (construct.node.defaultChild ?? construct) as CfnElement;
  const stack = Stack.of(construct);
  return stack.resolve(stack.getLogicalId(element)) as string;
}

/** `{ "Fn::GetAtt": [id, "Arn"] }` for a construct. */
export function arnOf(construct: IConstruct): { 'Fn::GetAtt': [string, string] } {
  return { 'Fn::GetAtt': [logicalIdOf(construct), 'Arn'] };
}

/** `{ Ref: id }` for a construct. */
export function refOf(construct: IConstruct): { Ref: string } {
  return { Ref: logicalIdOf(construct) };
}

export interface PolicyStatementJson {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

/** The statements of every IAM policy attached to a role (inline and AWS::IAM::Policy). */
export function roleStatements(template: Template, roleLogicalId: string): PolicyStatementJson[] {
  const statements: PolicyStatementJson[] = [];
  for (const policy of Object.values(template.findResources('AWS::IAM::Policy'))) {
    const roles = (policy.Properties.Roles ?? []) as Array<{ Ref?: string }>;
    if (!roles.some((role) => role.Ref === roleLogicalId)) continue;
    statements.push(...(policy.Properties.PolicyDocument.Statement as PolicyStatementJson[]));
  }
  const role = template.findResources('AWS::IAM::Role')[roleLogicalId];
  for (const inline of (role?.Properties?.Policies ?? []) as Array<{ PolicyDocument: { Statement: [] } }>) {
    statements.push(...inline.PolicyDocument.Statement);
  }
  return statements;
}

/** Statements with their Action as a sorted array, sorted by their JSON, for order-free comparison. */
export function normaliseStatements(statements: PolicyStatementJson[]): PolicyStatementJson[] {
  return statements
    .map(({ Sid, Effect, Action, Resource }) => ({
      ...(Sid ? { Sid } : {}),
      Effect,
      Action: [Action].flat().sort(),
      Resource,
    }))
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

export interface TemplateResource {
  Properties: Record<string, unknown>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
}

/** One resource of a template by type and logical id; throws when there is none. */
export function resourceIn(template: Template, type: string, logicalId: string): TemplateResource {
  const resource = template.findResources(type)[logicalId];
  if (!resource) throw new Error(`no ${type} ${logicalId}`);
  return resource as TemplateResource;
}

/** `<bucket ARN><suffix>`, as CDK joins an object ARN. */
export function objectsOf(construct: IConstruct, suffix: string): unknown {
  return { 'Fn::Join': ['', [arnOf(construct), suffix]] };
}

/** The Deny statement `enforceSSL` adds to a bucket or queue policy. */
export function denyInsecureTransport(resource: unknown): unknown {
  return Match.objectLike({
    Effect: 'Deny',
    Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    Resource: resource,
  });
}

/** The synthesized stack as a case module reads it: filled in before its first test runs. */
export interface SynthesizedView {
  readonly synth: SynthesizedStoryfeed;
  /** One resource of the template by type and logical id (fails when it is missing). */
  resourceOf(type: string, logicalId: string): TemplateResource;
}

/**
 * A describe block over a stack synthesized once per test file: `getSynth` runs in its beforeAll,
 * and `cases` registers the tests against the view.
 */
export function describeSynthesized(
  title: string,
  getSynth: () => SynthesizedStoryfeed,
  cases: (stack: SynthesizedView) => void,
): void {
  let synth: SynthesizedStoryfeed | undefined;
  const view: SynthesizedView = {
    get synth() {
      if (!synth) throw new Error('the stack is synthesized in beforeAll: read it inside a test');
      return synth;
    },
    resourceOf: (type, logicalId) => resourceIn(view.synth.template, type, logicalId),
  };
  describe(title, () => {
    beforeAll(() => {
      synth = getSynth();
    });
    cases(view);
  });
}
