import { describe, expect, it } from 'vitest';
import { markerFor } from '../../src/domain/comment.js';
import type { CleanupReport, EnvironmentReport, SweptEnvironment } from '../../src/domain/report.js';
import { renderCleanupSummary, renderSummary, SUMMARY_BUDGET } from '../../src/domain/summary.js';

// Goldens: regenerate with `npx vitest run test/domain -u` and review the diff.

const ready: EnvironmentReport = {
  state: 'ready',
  environment: 'pr-42',
  repository: 'acme/invoices',
  pullRequest: 42,
  sha: '3f2a9c1b7e4d5a6b8c9d0e1f2a3b4c5d6e7f8a9b',
  runUrl: 'https://github.com/acme/invoices/actions/runs/1234567',
  repositoryUrl: 'https://github.com/acme/invoices',
  url: 'https://k3x9.execute-api.eu-west-2.amazonaws.com/prod/',
  outputs: [
    { stack: 'pr-42-api', key: 'ApiUrl', value: 'https://k3x9.execute-api.eu-west-2.amazonaws.com/prod/' },
  ],
  stacks: [{ name: 'pr-42-api', outcome: 'deployed', status: 'CREATE_COMPLETE' }],
  tests: { total: 3, passed: 3, failed: 0, skipped: 0, failures: [] },
  timings: { synth: 9_000, deploy: 80_000, tests: 12_000 },
  expiresAt: '2025-03-06T11:30:00Z',
  createdAt: '2025-03-03T11:00:00Z',
  updatedAt: '2025-03-03T11:30:00Z',
};

const sweep: CleanupReport = {
  repository: 'acme/invoices',
  dryRun: false,
  kept: 3,
  updatedAt: '2025-03-10T03:17:00Z',
  runUrl: 'https://github.com/acme/invoices/actions/runs/999',
  environments: [
    {
      environment: 'pr-40',
      pullRequest: 40,
      reasons: ['pr-closed'],
      createdAt: '2025-03-07T03:17:00Z',
      stacks: [
        { name: 'pr-40-api', outcome: 'deleted' },
        { name: 'pr-40-data', outcome: 'deleted' },
      ],
      result: 'deleted',
    },
    {
      environment: 'pr-31',
      pullRequest: 31,
      reasons: ['pr-closed', 'expired'],
      createdAt: '2025-02-20T10:00:00Z',
      stacks: [{ name: 'pr-31-data', outcome: 'left-behind', status: 'DELETE_FAILED' }],
      result: 'failed',
      error: 'The bucket you tried to delete is not empty\n(Service: S3)',
    },
  ],
};

describe('renderSummary', () => {
  it('matches the golden file', async () => {
    await expect(renderSummary(ready)).toMatchFileSnapshot('golden/summary-ready.golden.md');
  });

  it('has no marker and links the pull request', () => {
    const body = renderSummary(ready);
    expect(body).not.toContain(markerFor('pr-42'));
    expect(body).not.toContain('<!--');
    expect(body).toContain('[#42](https://github.com/acme/invoices/pull/42)');
  });
});

describe('renderCleanupSummary', () => {
  it('matches the golden file', async () => {
    await expect(renderCleanupSummary(sweep)).toMatchFileSnapshot('golden/cleanup.golden.md');
  });

  it('labels a dry run and counts what would be deleted', async () => {
    const dry: CleanupReport = {
      ...sweep,
      dryRun: true,
      environments: sweep.environments.map(({ error: _, ...env }) => ({
        ...env,
        result: 'would-delete' as const,
      })),
    };
    const body = renderCleanupSummary(dry);
    expect(body).toMatch(/^## .*\(dry run\)/);
    expect(body).toContain('nothing was deleted');
    expect(body).toContain('**2** would be deleted');
    expect(body).not.toContain('🗑️ deleted');
    await expect(body).toMatchFileSnapshot('golden/cleanup-dry-run.golden.md');
  });

  it('shows totals of deleted, failed and kept', () => {
    const body = renderCleanupSummary(sweep);
    expect(body).toContain('**1** deleted · **1** failed · **3** kept');
    expect(body).toContain('PR closed, expired');
    expect(body).toContain('17 days 17 h');
    expect(body).toContain('[#40](https://github.com/acme/invoices/pull/40)');
  });

  it('says so when nothing was stale', () => {
    expect(renderCleanupSummary({ ...sweep, environments: [] })).toContain('No stale environments found.');
  });

  it('escapes what AWS returned and keeps each row to its columns', () => {
    const body = renderCleanupSummary({
      ...sweep,
      environments: [
        {
          environment: 'pr-1|<b>',
          reasons: ['expired'],
          stacks: [{ name: 'a|b`c', outcome: 'left-behind', status: 'DELETE_FAILED|x' }],
          result: 'failed',
          error: '<img src=x onerror=1> @octocat [x](https://evil)',
        },
      ],
    });
    expect(body).not.toMatch(/<img|<b>|@octocat|\]\(https:\/\/evil/);
    const row = body.split('\n').find((line) => line.includes('pr-1')) ?? '';
    expect(row.replace(/\\./g, '').split('|').length - 2).toBe(6);
  });

  it('stays under the budget with thousands of environments', () => {
    const many: CleanupReport = {
      ...sweep,
      environments: Array.from({ length: 20_000 }, (_, i) => ({
        environment: `pr-${i}`,
        pullRequest: i,
        reasons: ['expired' as const],
        stacks: Array.from({ length: 12 }, (_, j) => ({
          name: `pr-${i}-stack-${j}`,
          outcome: 'deleted' as const,
        })),
        result: 'deleted' as const,
      })),
    };
    const body = renderCleanupSummary(many);
    expect(body.length).toBeLessThanOrEqual(SUMMARY_BUDGET + 1);
    expect(body).toContain('**20000** deleted');
    expect(body).toMatch(/… \d+ more not shown; see the \[workflow run\]/);
    expect(body).toContain('and 2 more');
  });

  describe('several regions', () => {
    const [pr40, pr31] = sweep.environments;
    const regional: CleanupReport = {
      ...sweep,
      kept: 3,
      environments: [
        { ...(pr40 as SweptEnvironment), region: 'eu-west-2' },
        { ...(pr31 as SweptEnvironment), region: 'us-east-1' },
        { ...(pr40 as SweptEnvironment), region: 'us-east-1' },
      ],
      regions: [
        { region: 'eu-west-2', kept: 1 },
        { region: 'us-east-1', kept: 2 },
        { region: 'ap-south-2', kept: 0, error: 'The security token included in the request is invalid.' },
      ],
    };

    it('groups the environments by region, each with its counts (golden)', async () => {
      const body = renderCleanupSummary(regional);
      await expect(body).toMatchFileSnapshot('golden/cleanup-regions.golden.md');
      const sections = body.split('### ');
      expect(sections[1]).toMatch(/^`eu-west-2`[\s\S]*\*\*1\*\* deleted · \*\*0\*\* failed · \*\*1\*\* kept/);
      expect(sections[1]).not.toContain('pr-31');
      expect(sections[2]).toMatch(/^`us-east-1`[\s\S]*\*\*1\*\* deleted · \*\*1\*\* failed · \*\*2\*\* kept/);
      expect(sections[2]).toContain('pr-31-data');
      expect(sections[3]).toMatch(/^`ap-south-2`\n\n❌ Could not sweep this region: The security token/);
      expect(body).toContain('in 3 regions');
    });

    it('names the one region swept in the heading line, with a single table', () => {
      const body = renderCleanupSummary({ ...sweep, regions: [{ region: 'eu-west-2', kept: 3 }] });
      expect(body).toContain('Swept `acme/invoices` in `eu-west-2` at');
      expect(body).not.toContain('###');
    });

    it('keeps to the budget across regions', () => {
      const many: CleanupReport = {
        ...regional,
        environments: Array.from({ length: 20_000 }, (_, i) => ({
          ...(pr40 as SweptEnvironment),
          environment: `pr-${i}`,
          region: i % 2 === 0 ? 'eu-west-2' : 'us-east-1',
        })),
      };
      const body = renderCleanupSummary(many);
      expect(body.length).toBeLessThanOrEqual(SUMMARY_BUDGET + 1);
      expect(body).toContain('**10000** deleted');
      expect(body).toMatch(/… \d+ more not shown/);
    });
  });
});
