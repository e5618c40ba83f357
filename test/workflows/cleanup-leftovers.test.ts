import { describe, expect, it } from 'vitest';
import { TAG } from '../../src/domain/ownership.js';
import type { SweptEnvironment } from '../../src/domain/report.js';
import { auditLeftovers } from '../../src/workflows/cleanup-leftovers.js';
import { FakeClock, FakeLog } from '../support/fake-ports.js';
import { FakeResources } from '../support/fake-resources.js';
import { FakeStacks } from '../support/fake-stacks.js';

const REPO = 'octo-org/invoices';

const tags = (pr: number) => ({
  [TAG.managedBy]: 'prenv',
  [TAG.repository]: REPO,
  [TAG.pullRequest]: String(pr),
  [TAG.environment]: `pr-${pr}`,
  [TAG.expiresAt]: '2999-01-01T00:00:00Z',
  'aws:cloudformation:stack-name': `pr-${pr}-data`,
});
const swept = (pr: number, result: SweptEnvironment['result']): SweptEnvironment => ({
  environment: `pr-${pr}`,
  pullRequest: pr,
  reasons: ['pr-closed'],
  stacks: [],
  result,
});

describe('auditLeftovers', () => {
  it('deletes what the swept environments left, but not what a skipped (mid-deploy) one has', async () => {
    const log = new FakeLog();
    const resources = new FakeResources([
      { arn: 'arn:aws:s3:::pr-1-data', tags: tags(1) },
      { arn: 'arn:aws:s3:::pr-2-data', tags: tags(2) },
    ]);
    const asked: number[][] = [];

    const result = await auditLeftovers(
      { repository: REPO, dryRun: false },
      { log, clock: new FakeClock(), stacks: new FakeStacks(new FakeClock()), resources },
      [swept(1, 'deleted'), swept(2, 'skipped')],
      async (numbers) => {
        asked.push([...numbers]);
        return new Map([[2, true]]);
      },
    );

    expect(log.groups).toEqual(['Look for resources left behind']);
    expect(resources.deleted).toEqual(['arn:aws:s3:::pr-1-data']);
    // The skipped environment is judged like any environment with no stack left: its PR is open.
    expect(asked).toEqual([[2]]);
    expect(
      result.swept.map((env) => [env.environment, env.result, env.leftovers?.map((r) => r.outcome)]),
    ).toEqual([
      ['pr-1', 'deleted', ['deleted']],
      ['pr-2', 'skipped', ['reported']],
    ]);
    expect(result.keptEnvironments).toEqual([]);
  });

  it('returns the sweep as it is, with a warning, when the audit fails', async () => {
    const log = new FakeLog();
    const sweep = [swept(1, 'deleted')];

    const result = await auditLeftovers(
      { repository: REPO, dryRun: false },
      {
        log,
        clock: new FakeClock(),
        stacks: new FakeStacks(new FakeClock()),
        resources: new FakeResources(new Error('AccessDenied')),
      },
      sweep,
      async () => new Map(),
    );

    expect(result).toStrictEqual({ swept: sweep });
    expect(result.swept).not.toBe(sweep);
    expect(log.messages('warning')).toEqual(['Could not look for resources left behind: AccessDenied']);
  });
});
