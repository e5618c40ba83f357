import { describe, expect, it } from 'vitest';
import type { StackChanges } from '../../src/domain/infra-diff.js';
import { CHANGES, changesWithinLimits } from '../../src/domain/report-file-changes.js';

/** The limits the reader enforces (report-file-changes.ts): 100 stacks, 500 items, 50 values. */
const STACKS = 100;
const ITEMS = 500;
const VALUES = 50;

const many = <T>(n: number, item: T): T[] => Array(n).fill(item);

const stack = (n: number): StackChanges => ({
  stack: 'pr-42-api',
  firstDeploy: false,
  resources: many(n, { logicalId: 'Fn', type: 'AWS::Lambda::Function', kind: 'modified' as const }),
  statements: many(n, {
    change: 'added' as const,
    effect: 'Allow',
    actions: many(VALUES + 1, 's3:GetObject'),
    resources: many(VALUES + 1, '*'),
    principals: many(VALUES + 1, 'AWS:role'),
  }),
  managedPolicies: many(n, { change: 'added' as const, identity: 'Role', policy: 'ReadOnlyAccess' }),
  securityGroupRules: many(n, {
    change: 'added' as const,
    direction: 'ingress' as const,
    group: 'Sg',
    protocol: 'TCP 443',
    peer: '0.0.0.0/0',
  }),
  text: 'diff',
});

describe('changesWithinLimits', () => {
  it('cuts every list over its limit to the limit, so the reader accepts the changes', () => {
    const cut = changesWithinLimits({ stacks: many(STACKS + 1, stack(ITEMS + 1)) });
    expect(cut.stacks).toHaveLength(STACKS);
    const [first] = cut.stacks;
    expect(first?.resources).toHaveLength(ITEMS);
    expect(first?.statements).toHaveLength(ITEMS);
    expect(first?.managedPolicies).toHaveLength(ITEMS);
    expect(first?.securityGroupRules).toHaveLength(ITEMS);
    expect(first?.statements[0]?.actions).toHaveLength(VALUES);
    expect(first?.statements[0]?.resources).toHaveLength(VALUES);
    expect(first?.statements[0]?.principals).toHaveLength(VALUES);
    expect(CHANGES(cut, 'changes')).toEqual(cut);
  });

  it('keeps changes within the limits as they are', () => {
    const within = { stacks: [stack(2)].map((s) => ({ ...s, statements: [] })) };
    expect(changesWithinLimits(within)).toStrictEqual(within);
  });
});
