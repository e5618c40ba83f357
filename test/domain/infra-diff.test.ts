import { describe, expect, it } from 'vitest';
import {
  gateReason,
  type InfraChanges,
  isEmpty,
  isWildcard,
  type ResourceChange,
  replacements,
  type StackChanges,
  type StatementChange,
  securityFindings,
  statefulLosses,
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

const stack = (extra: Partial<StackChanges>): StackChanges => ({
  stack: 'pr-42-api',
  firstDeploy: false,
  resources: [],
  statements: [],
  managedPolicies: [],
  securityGroupRules: [],
  text: '',
  ...extra,
});
const named = (change: 'added' | 'removed', effect: string): StatementChange => ({
  ...statement(['s3:GetObject'], ['arn:aws:s3:::pr-42-uploads/a']),
  change,
  effect,
});
const policy = {
  change: 'added',
  identity: 'ApiRole',
  policy: 'arn:aws:iam::aws:policy/AdministratorAccess',
} as const;
const rule = {
  change: 'added',
  direction: 'ingress',
  group: 'ApiSg',
  protocol: 'TCP 22',
  peer: '0.0.0.0/0',
} as const;
const bucketPolicy: ResourceChange = {
  logicalId: 'UploadsPolicy',
  type: 'AWS::S3::BucketPolicy',
  kind: 'modified',
};

describe('securityFindings on a later deploy', () => {
  it('counts what broadens access: Allow added, Deny removed, policies attached, rules added, resource policies', () => {
    const changes: InfraChanges = {
      stacks: [
        stack({
          statements: [
            named('added', 'Allow'),
            named('removed', 'Allow'),
            named('added', 'Deny'),
            named('removed', 'Deny'),
          ],
          managedPolicies: [policy, { ...policy, change: 'removed' }],
          securityGroupRules: [rule, { ...rule, change: 'removed' }],
          resources: [bucketPolicy, { logicalId: 'Fn', type: 'AWS::Lambda::Function', kind: 'modified' }],
        }),
      ],
    };
    expect(securityFindings(changes)).toStrictEqual([
      { kind: 'statement', stack: 'pr-42-api', statement: named('added', 'Allow') },
      { kind: 'statement', stack: 'pr-42-api', statement: named('removed', 'Deny') },
      { kind: 'managed-policy', stack: 'pr-42-api', policy },
      { kind: 'security-group', stack: 'pr-42-api', rule },
      { kind: 'resource-policy', stack: 'pr-42-api', resource: bucketPolicy },
    ]);
  });

  it('on a first deploy counts neither policies, rules nor resource policies, which are all new', () => {
    const changes: InfraChanges = {
      stacks: [
        stack({
          firstDeploy: true,
          statements: [named('added', 'Allow')],
          managedPolicies: [policy],
          securityGroupRules: [rule],
          resources: [bucketPolicy],
        }),
      ],
    };
    expect(securityFindings(changes)).toStrictEqual([]);
  });
});

describe('replacements and stateful losses', () => {
  const resources: ResourceChange[] = [
    { logicalId: 'Fn', type: 'AWS::Lambda::Function', kind: 'replaced' },
    { logicalId: 'Table', type: 'AWS::DynamoDB::Table', kind: 'removed' },
    { logicalId: 'OldFn', type: 'AWS::Lambda::Function', kind: 'removed' },
    { logicalId: 'Queue', type: 'AWS::SQS::Queue', kind: 'modified' },
    { logicalId: 'Bucket', type: 'AWS::S3::Bucket', kind: 'added' },
    { logicalId: 'Topic', type: 'AWS::SNS::Topic', kind: 'replaced' },
  ];
  const changes: InfraChanges = { stacks: [stack({ resources })] };
  const at = (...ids: string[]) =>
    ids.map((id) => ({ stack: 'pr-42-api', resource: resources.find((r) => r.logicalId === id) }));

  it('replacements are every replaced resource and every removed stateful one', () => {
    expect(replacements(changes)).toStrictEqual(at('Fn', 'Table', 'Topic'));
  });

  it('stateful losses are the stateful resources replaced or removed', () => {
    expect(statefulLosses(changes)).toStrictEqual(at('Table', 'Topic'));
  });
});

describe('gateReason', () => {
  const wide = statement(['s3:*'], ['*']);
  const replaced = (count: number): ResourceChange[] =>
    Array.from({ length: count }, (_, i) => ({
      logicalId: `Fn${i}`,
      type: 'AWS::Lambda::Function',
      kind: 'replaced',
    }));
  const changes = (statements: number, replacedCount: number): InfraChanges => ({
    stacks: [
      stack({
        statements: Array.from({ length: statements }, () => wide),
        resources: replaced(replacedCount),
      }),
    ],
  });

  it('names the security-relevant changes for fail-on security', () => {
    expect(gateReason(changes(1, 2), 'security')).toBe('1 security-relevant change');
    expect(gateReason(changes(2, 0), 'security')).toBe('2 security-relevant changes');
    expect(gateReason(changes(0, 2), 'security')).toBeUndefined();
  });

  it('names the replacements and stateful removals for fail-on replacement', () => {
    expect(gateReason(changes(2, 1), 'replacement')).toBe('1 resource replacement or stateful removal');
    expect(gateReason(changes(0, 2), 'replacement')).toBe('2 resource replacements or stateful removals');
    expect(gateReason(changes(2, 0), 'replacement')).toBeUndefined();
  });

  it('blocks nothing for fail-on none', () => {
    expect(gateReason(changes(2, 2), 'none')).toBeUndefined();
  });
});

describe('isEmpty', () => {
  it('is true only when no stack has a resource, statement, managed policy or security group rule change', () => {
    const of = (...stacks: StackChanges[]) => isEmpty({ stacks });
    expect(of(stack({}), stack({ stack: 'pr-42-data' }))).toBe(true);
    expect(of(stack({}), stack({ resources: [bucketPolicy] }))).toBe(false);
    expect(of(stack({}), stack({ statements: [named('added', 'Allow')] }))).toBe(false);
    expect(of(stack({}), stack({ managedPolicies: [policy] }))).toBe(false);
    expect(of(stack({}), stack({ securityGroupRules: [rule] }))).toBe(false);
  });
});
