import { describe, expect, it } from 'vitest';
import { RESOURCE_SECONDS, STACK_OVERHEAD_SECONDS, stackOperationSeconds } from './latency-model.js';

const role = { Type: 'AWS::IAM::Role', Properties: {} };
const fn = (code: string) => ({
  Type: 'AWS::Lambda::Function',
  Properties: { Code: { S3Key: code }, Role: { 'Fn::GetAtt': ['Role', 'Arn'] } },
});
const table = { Type: 'AWS::DynamoDB::Table', Properties: {} };
const app = (code: string) => ({ Resources: { Role: role, Fn: fn(code), Table: table } });
const seconds = (type: string, operation: 'create' | 'update' | 'delete') =>
  (RESOURCE_SECONDS[type] as Record<typeof operation, number>)[operation];

describe('the latency model', () => {
  it('a create takes the overhead plus the longest dependency chain (role, then function), not the sum', () => {
    expect(stackOperationSeconds('create', {}, app('v1'))).toBe(
      STACK_OVERHEAD_SECONDS.create +
        seconds('AWS::IAM::Role', 'create') +
        seconds('AWS::Lambda::Function', 'create'),
    );
  });

  it('a code-only update takes the overhead plus the function update', () => {
    expect(stackOperationSeconds('update', app('v1'), app('v2'))).toBe(
      STACK_OVERHEAD_SECONDS.update + seconds('AWS::Lambda::Function', 'update'),
    );
  });

  it('a delete takes every resource of the stack as it was', () => {
    expect(stackOperationSeconds('delete', app('v1'), {})).toBe(
      STACK_OVERHEAD_SECONDS.delete +
        seconds('AWS::IAM::Role', 'delete') +
        seconds('AWS::Lambda::Function', 'delete'),
    );
  });

  it('a CloudFront distribution dominates: minutes', () => {
    const cdn = { Resources: { Cdn: { Type: 'AWS::CloudFront::Distribution', Properties: {} } } };
    expect(stackOperationSeconds('create', {}, cdn)).toBeGreaterThanOrEqual(240);
  });
});
