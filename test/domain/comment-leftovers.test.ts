import { describe, expect, it } from 'vitest';
import type { Limits } from '../../src/domain/comment-budget.js';
import { leftoverResources, leftoverTable } from '../../src/domain/comment-leftovers.js';
import type { EnvironmentReport, LeftoverResource } from '../../src/domain/report.js';

const limits: Limits = { failures: 10, outputs: 10, stacks: 10, notes: 10, environments: 10, text: 100 };
const base: EnvironmentReport = {
  state: 'destroy-failed',
  environment: 'pr-1',
  repository: 'o/r',
  updatedAt: '2025-03-01T10:00:00Z',
};
const now = '2025-03-01T10:00:00Z';

const leftovers: LeftoverResource[] = [
  {
    arn: 'arn:aws:s3:::b',
    type: 'AWS::S3::Bucket',
    outcome: 'deleted',
    createdAt: '2025-03-01T08:00:00Z',
    stack: 'pr-1-data',
  },
  {
    arn: 'arn:aws:sqs:q',
    type: 'AWS::SQS::Queue',
    outcome: 'delete-failed',
    reason: 'Access | denied\nmore',
  },
  { arn: 'arn:aws:logs:g', type: 'AWS::Logs::LogGroup', outcome: 'odd' as LeftoverResource['outcome'] },
];
const LEFTOVER_HEAD = '| Type | ARN | Age | Stack | Outcome |\n| --- | --- | --- | --- | --- |';
const LEFTOVER_ROWS = [
  '| `AWS::S3::Bucket` | `arn:aws:s3:::b` | 2 h | `pr-1-data` | 🗑️ deleted |',
  '| `AWS::SQS::Queue` | `arn:aws:sqs:q` | — | — | ❌ delete failed: Access \\| denied |',
  '| `AWS::Logs::LogGroup` | `arn:aws:logs:g` | — | — | odd |',
];

describe('leftoverTable', () => {
  it('renders type, ARN, age, stack and outcome, up to the limit', () => {
    expect(leftoverTable(leftovers, 10, 100, now)).toBe([LEFTOVER_HEAD, ...LEFTOVER_ROWS].join('\n'));
    expect(leftoverTable(leftovers, 1, 100, now)).toBe([LEFTOVER_HEAD, LEFTOVER_ROWS[0]].join('\n'));
    expect(leftoverTable(leftovers, 0, 100, now)).toBe('');
  });
});

describe('leftoverResources', () => {
  const intro =
    '#### Resources still tagged for `pr-1` (3)\n\nThey outlived their stacks. The cleanup sweep deletes those prenv may (created by a stack of this environment that no longer exists, of a type prenv deletes); the others are yours to delete.';

  it('renders nothing without leftovers', () => {
    expect(leftoverResources(base, limits)).toEqual({ kind: 'stacks', text: '' });
  });

  it('shows all of them within the limit, and counts the rest beyond it', () => {
    const report = { ...base, leftovers };
    expect(leftoverResources(report, { ...limits, stacks: 3 }).text).toBe(
      `${intro}\n\n${[LEFTOVER_HEAD, ...LEFTOVER_ROWS].join('\n')}`,
    );
    expect(leftoverResources(report, { ...limits, stacks: 2 }).text).toBe(
      `${intro}\n\n${[LEFTOVER_HEAD, ...LEFTOVER_ROWS.slice(0, 2)].join('\n')}\n\n… 1 more not shown; see the job log.`,
    );
    expect(leftoverResources(report, limits).kind).toBe('stacks');
    expect(leftoverResources(report, { ...limits, stacks: 0 }).text).toBe(
      `${intro}\n\n… 3 more not shown; see the job log.`,
    );
  });
});
