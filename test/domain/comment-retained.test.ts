import { describe, expect, it } from 'vitest';
import type { Limits } from '../../src/domain/comment-budget.js';
import { leftBehind, retainedTable } from '../../src/domain/comment-retained.js';
import type { EnvironmentReport } from '../../src/domain/report.js';

const limits: Limits = { failures: 10, outputs: 10, stacks: 10, notes: 10, environments: 10, text: 100 };
const base: EnvironmentReport = {
  state: 'destroy-failed',
  environment: 'pr-1',
  repository: 'o/r',
  updatedAt: '2025-03-01T10:00:00Z',
};

describe('leftBehind', () => {
  const report: EnvironmentReport = {
    ...base,
    stacks: [
      {
        name: 'pr-1-data',
        outcome: 'force-deleted',
        retained: [
          { logicalId: 'Bucket', type: 'AWS::S3::Bucket', physicalId: 'pr-1-bucket' },
          { logicalId: 'Table', type: 'AWS::DynamoDB::Table' },
        ],
      },
      { name: 'pr-1-api', outcome: 'deleted' },
    ],
  };
  const HEAD = '| Resource | Type | Physical id | Stack |\n| --- | --- | --- | --- |';
  const ROWS = [
    '| `Bucket` | `AWS::S3::Bucket` | `pr-1-bucket` | `pr-1-data` |',
    '| `Table` | `AWS::DynamoDB::Table` | — | `pr-1-data` |',
  ];

  it('renders nothing when no forced delete kept anything', () => {
    expect(leftBehind({ ...base, stacks: [{ name: 's', outcome: 'deleted' }] }, limits)).toEqual({
      kind: 'stacks',
      text: '',
    });
    expect(retainedTable([], 10, 100)).toBe('');
  });

  it('lists the kept resources up to the limit and counts the rest', () => {
    expect(leftBehind(report, { ...limits, stacks: 2 }).text).toBe(
      `#### Resources left behind (2)\n\n${[HEAD, ...ROWS].join('\n')}`,
    );
    expect(leftBehind(report, { ...limits, stacks: 1 }).text).toBe(
      `#### Resources left behind (2)\n\n${[HEAD, ROWS[0]].join('\n')}\n\n… 1 more not shown; see the job log.`,
    );
    expect(leftBehind(report, limits).kind).toBe('stacks');
    expect(leftBehind(report, { ...limits, stacks: 0 }).text).toBe(
      '#### Resources left behind (2)\n\n… 2 more not shown; see the job log.',
    );
  });
});
