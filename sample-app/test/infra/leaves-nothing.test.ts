import { beforeAll, describe, expect, it } from 'vitest';
import { synthStack } from './synth-stack.js';

/**
 * Issue 17, item 5: a PR environment of the sample app leaves nothing behind when prenv deletes its
 * stack. Asserted from the template (moto does not copy stack tags onto resources, so a tagging-API
 * audit there would find nothing either way): every resource is deleted with its stack, and nothing
 * creates a resource CloudFormation does not track. The production stage keeps its table on purpose
 * (see invoices-stack.test.ts); a PR stage must not.
 */

type Resource = {
  Type: string;
  Properties?: Record<string, unknown>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
};
let resources: Record<string, Resource>;

beforeAll(() => {
  resources = synthStack({ 'prenv:name': 'pr-7' }).template.toJSON().Resources as Record<string, Resource>;
});

const ofType = (type: string) => Object.entries(resources).filter(([, resource]) => resource.Type === type);

describe('a PR environment of the sample app', () => {
  it('deletes every resource with its stack: no Retain, RetainExceptOnCreate or Snapshot policy', () => {
    const kept = Object.entries(resources)
      .filter(([, r]) =>
        [r.DeletionPolicy, r.UpdateReplacePolicy].some((p) => p !== undefined && p !== 'Delete'),
      )
      .map(([id, r]) => `${id} (${r.Type}: ${r.DeletionPolicy ?? '-'}/${r.UpdateReplacePolicy ?? '-'})`);
    expect(kept).toEqual([]);
  });

  it('has no table with deletion protection, which would make the stack delete fail', () => {
    for (const [, table] of ofType('AWS::DynamoDB::Table')) {
      expect(table.Properties?.DeletionProtectionEnabled ?? false).toBe(false);
    }
  });

  it('gives every function a log group of the stack, so Lambda never creates an untagged /aws/lambda/<name>', () => {
    const logGroups = new Set(ofType('AWS::Logs::LogGroup').map(([id]) => id));
    const functions = ofType('AWS::Lambda::Function');
    expect(functions.length).toBeGreaterThan(0);
    for (const [id, fn] of functions) {
      const group = (fn.Properties?.LoggingConfig as { LogGroup?: { Ref?: string } } | undefined)?.LogGroup
        ?.Ref;
      expect(logGroups.has(group ?? ''), `${id} logs to a log group of the stack`).toBe(true);
    }
  });

  it('creates nothing outside CloudFormation: no log-retention or other custom resources, no API execution logs', () => {
    // Custom::LogRetention creates /aws/lambda log groups CloudFormation never deletes; any custom
    // resource may create what the stack does not track.
    expect(
      Object.values(resources).filter(
        (r) => r.Type.startsWith('Custom::') || r.Type === 'AWS::CloudFormation::CustomResource',
      ),
    ).toEqual([]);
    // API Gateway execution logging writes to API-Gateway-Execution-Logs_<id>/<stage>, outside the stack.
    for (const [, stage] of ofType('AWS::ApiGateway::Stage')) {
      const settings = (stage.Properties?.MethodSettings ?? []) as { LoggingLevel?: string }[];
      expect(settings.filter((s) => s.LoggingLevel !== undefined && s.LoggingLevel !== 'OFF')).toEqual([]);
    }
    // A bucket is only deleted with its stack when empty: none here (or it would need emptying first).
    expect(ofType('AWS::S3::Bucket')).toEqual([]);
  });
});
