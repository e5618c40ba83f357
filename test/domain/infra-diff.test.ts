import { describe, expect, it } from 'vitest';
import {
  type InfraChanges,
  isWildcard,
  type StatementChange,
  securityFindings,
} from '../../src/domain/infra-diff.js';

const statement = (actions: string[], resources: string[]): StatementChange => ({
  change: 'added',
  effect: 'Allow',
  actions,
  resources,
  principals: [],
});

describe('isWildcard', () => {
  it.each([
    ['an action with *', statement(['sqs:*'], ['arn:aws:sqs:us-east-1:123456789012:pr-42-jobs'])],
    ['every resource', statement(['s3:GetObject'], ['*'])],
    [
      'a resource ending :*',
      statement(['logs:PutLogEvents'], ['arn:aws:logs:us-east-1:1:log-group:pr-42:*']),
    ],
    ['a resource among others', statement(['s3:GetObject'], ['arn:aws:s3:::pr-42/a', '*'])],
  ])('is true for %s', (_what, wide) => {
    expect(isWildcard(wide)).toBe(true);
  });

  it.each([
    ['named actions on named resources', statement(['s3:GetObject'], ['arn:aws:s3:::pr-42-uploads/a'])],
    ['a * inside a resource', statement(['s3:GetObject'], ['arn:aws:s3:::pr-42-uploads/*'])],
    ['a resource starting :*', statement(['s3:GetObject'], [':*pr-42'])],
  ])('is false for %s', (_what, narrow) => {
    expect(isWildcard(narrow)).toBe(false);
  });
});

describe('securityFindings on a first deploy', () => {
  it('counts only the statements that use *, since every statement is new', () => {
    const wide = statement(['s3:GetObject'], ['*']);
    const changes: InfraChanges = {
      stacks: [
        {
          stack: 'pr-42-api',
          firstDeploy: true,
          resources: [],
          statements: [statement(['s3:GetObject'], ['arn:aws:s3:::pr-42-uploads/a']), wide],
          managedPolicies: [],
          securityGroupRules: [],
          text: '',
        },
      ],
    };
    expect(securityFindings(changes)).toEqual([{ kind: 'statement', stack: 'pr-42-api', statement: wide }]);
  });
});
