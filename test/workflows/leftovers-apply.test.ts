/**
 * applyAudit: how the leftover audit folds into the sweep's report (the job summary renders it).
 * Compared whole: which environment gains which count and leftovers, which becomes left-behind,
 * which environments with no stack left join the swept list, and which are kept.
 */
import { describe, expect, it } from 'vitest';
import type { LeftoverResource, SweptEnvironment } from '../../src/domain/report.js';
import { type AuditedEnvironment, applyAudit } from '../../src/workflows/leftovers.js';

const leftover = (name: string, outcome: LeftoverResource['outcome']): LeftoverResource => ({
  arn: `arn:aws:s3:::${name}`,
  type: 'AWS::S3::Bucket',
  outcome,
});
const swept = (
  environment: string,
  pullRequest: number | undefined,
  result: SweptEnvironment['result'] = 'deleted',
): SweptEnvironment => ({
  environment,
  ...(pullRequest === undefined ? {} : { pullRequest }),
  reasons: ['pr-closed'],
  stacks: [{ name: `${environment}-api`, outcome: 'deleted' }],
  result,
});

describe('applyAudit', () => {
  // One environment name for every PR (an environment-name without {number}): PR 1's and PR 2's
  // environments share it, and each keeps its own audit.
  const SWEPT = [
    swept('preview', 1),
    swept('pr-2', 2),
    swept('pr-3', 3),
    swept('pr-4', undefined),
    swept('pr-5', 5, 'failed'),
    swept('pr-6', 6),
  ];
  const AUDITED: AuditedEnvironment[] = [
    { environment: 'preview', pullRequest: 1, resourceCount: 2, leftovers: [leftover('p1', 'reported')] },
    {
      environment: 'preview',
      pullRequest: 2,
      resourceCount: 3,
      leftovers: [leftover('p2', 'reported')],
      createdAt: '2026-11-01T00:00:00Z',
      reasons: [],
    },
    { environment: 'pr-2', pullRequest: 2, resourceCount: 1, leftovers: [leftover('b2', 'deleted')] },
    { environment: 'pr-3', pullRequest: 3, resourceCount: 0, leftovers: [] },
    { environment: 'pr-4', resourceCount: 1, leftovers: [leftover('b4', 'delete-failed')] },
    { environment: 'pr-5', pullRequest: 5, resourceCount: 1, leftovers: [leftover('b5', 'reported')] },
    // No stack left, stale: joins the swept list (with its PR and age when known), unless nothing is left.
    {
      environment: 'pr-8',
      pullRequest: 8,
      resourceCount: 1,
      leftovers: [leftover('b8', 'deleted')],
      createdAt: '2026-10-01T00:00:00Z',
      reasons: ['pr-closed'],
    },
    { environment: 'odd', resourceCount: 1, leftovers: [leftover('odd', 'reported')], reasons: ['expired'] },
    { environment: 'pr-9', pullRequest: 9, resourceCount: 0, leftovers: [], reasons: ['pr-closed'] },
    // Not stale (no reasons given): kept, whatever it holds.
    { environment: 'pr-10', pullRequest: 10, resourceCount: 4, leftovers: [] },
  ];

  it('adds counts and leftovers to the swept environments, and adds the stale ones with no stack left', () => {
    expect(applyAudit(SWEPT, AUDITED, false)).toStrictEqual({
      swept: [
        { ...SWEPT[0], resourceCount: 2, leftovers: [leftover('p1', 'reported')], result: 'left-behind' },
        { ...SWEPT[1], resourceCount: 1, leftovers: [leftover('b2', 'deleted')] },
        { ...SWEPT[2], resourceCount: 0 },
        {
          ...SWEPT[3],
          resourceCount: 1,
          leftovers: [leftover('b4', 'delete-failed')],
          result: 'left-behind',
        },
        { ...SWEPT[4], resourceCount: 1, leftovers: [leftover('b5', 'reported')] },
        SWEPT[5],
        {
          environment: 'pr-8',
          pullRequest: 8,
          reasons: ['pr-closed'],
          createdAt: '2026-10-01T00:00:00Z',
          stacks: [],
          resourceCount: 1,
          leftovers: [leftover('b8', 'deleted')],
          result: 'deleted',
        },
        {
          environment: 'odd',
          reasons: ['expired'],
          stacks: [],
          resourceCount: 1,
          leftovers: [leftover('odd', 'reported')],
          result: 'left-behind',
        },
      ],
      kept: [
        {
          environment: 'preview',
          pullRequest: 2,
          resourceCount: 3,
          leftovers: [leftover('p2', 'reported')],
          createdAt: '2026-11-01T00:00:00Z',
        },
        { environment: 'pr-10', pullRequest: 10, resourceCount: 4, leftovers: [] },
      ],
    });
  });

  it('in a dry run says what it would delete of an environment with no stack left', () => {
    const { swept: result } = applyAudit([], AUDITED.slice(6, 8), true);

    expect(result.map((env) => [env.environment, env.result])).toStrictEqual([
      ['pr-8', 'would-delete'],
      ['odd', 'would-delete'],
    ]);
  });
});
