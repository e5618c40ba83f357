import { describe, expect, it } from 'vitest';
import type { KeptEnvironment, SweptEnvironment } from '../../src/domain/report.js';
import { renderCleanupSummary, SUMMARY_BUDGET } from '../../src/domain/summary.js';
import { CLEANUP_RUN_URL, EMPTY_SWEEP } from '../support/reports.js';

// Sweeps too large for the job summary: what the budget cuts, and that every part it keeps
// describes the same rows.

const RUN = CLEANUP_RUN_URL;
const sweep = EMPTY_SWEEP;
const more = (n: number) => `… ${n} more not shown; see the [workflow run](${RUN}).`;
/** Table rows of environments `pr-<n>` with a linked PR. */
const rowsOf = (text: string) => text.split('\n').filter((line) => /^\| `pr-\d+` \| \[#\d+\]/.test(line));

describe('renderCleanupSummary within the budget', () => {
  it('cuts errors, retained resources, leftovers and kept environments with their leftovers to the rows it shows', () => {
    const stale = 3000;
    const environments: SweptEnvironment[] = Array.from({ length: stale }, (_, i) => ({
      environment: `pr-${i}`,
      pullRequest: i,
      reasons: ['expired'],
      result: 'failed',
      error: `Bucket pr-${i}-data is not empty`,
      stacks: [
        {
          name: `pr-${i}-data`,
          outcome: 'force-deleted',
          retained: [{ logicalId: 'Uploads', type: 'AWS::S3::Bucket', physicalId: `pr-${i}-uploads` }],
        },
      ],
      leftovers: [{ arn: `arn:aws:s3:::pr-${i}-logs`, type: 'AWS::S3::Bucket', outcome: 'reported' }],
    }));
    const kept = 2500;
    const keptEnvironments: KeptEnvironment[] = Array.from({ length: kept }, (_, i) => ({
      environment: `pr-${stale + i}`,
      pullRequest: stale + i,
      resourceCount: 5,
      leftovers: [{ arn: `arn:aws:s3:::pr-${stale + i}-logs`, type: 'AWS::S3::Bucket', outcome: 'reported' }],
    }));
    const body = renderCleanupSummary({ ...sweep, kept, environments, keptEnvironments });
    expect(body.length).toBeLessThanOrEqual(SUMMARY_BUDGET + 1);

    const [staleParts = '', keptParts = ''] = body.split('\n\n<details>\n<summary>Kept environments');
    const shown = rowsOf(staleParts).length;
    expect(shown).toBeGreaterThan(100);
    expect(shown).toBeLessThan(kept);
    expect(staleParts).toContain(`<summary>Errors (${shown})</summary>`);
    expect(staleParts).toContain(`#### Resources left behind (${shown})`);
    expect(staleParts).toContain(`#### Resources still tagged for an environment (${shown})`);
    expect(staleParts.endsWith(more(stale - shown))).toBe(true);

    expect(keptParts.startsWith(` (${kept})</summary>`)).toBe(true);
    expect(rowsOf(keptParts)).toHaveLength(shown);
    expect(keptParts).toContain(`#### Resources still tagged for an environment (${shown})`);
    expect(keptParts).toContain(`${more(kept - shown)}\n\n</details>`);
  });

  it('shares the rows across regions: a region past the limit shows its counts and none of its rows', () => {
    const environments: SweptEnvironment[] = Array.from({ length: 4000 }, (_, i) => ({
      environment: `pr-${i}`,
      pullRequest: i,
      reasons: ['expired'],
      result: 'deleted',
      region: i < 3000 ? 'eu-west-2' : 'us-east-1',
      stacks: Array.from({ length: 5 }, (_, j) => ({
        name: `pr-${i}-stack-${j}`,
        outcome: 'deleted' as const,
      })),
    }));
    const body = renderCleanupSummary({
      ...sweep,
      environments,
      regions: [
        { region: 'eu-west-2', kept: 0 },
        { region: 'us-east-1', kept: 0 },
      ],
    });
    expect(body.length).toBeLessThanOrEqual(SUMMARY_BUDGET + 1);
    const [, first = '', second] = body.split('\n\n### ');
    const shown = rowsOf(first).length;
    expect(shown).toBeGreaterThan(100);
    expect(shown).toBeLessThan(3000);
    expect(first.endsWith(more(3000 - shown))).toBe(true);
    expect(second).toBe(
      `\`us-east-1\`\n\n**1000** deleted · **0** failed · **0** kept\n\n${more(1000)}\n\n<sub>prenv · see the [workflow run](${RUN})</sub>\n`,
    );
  });

  it('cuts what no row limit can shorten at a line, and says the rest is not shown', () => {
    const regions = Array.from({ length: 1200 }, (_, i) => ({
      region: `xx-${i}`,
      kept: 0,
      error: 'x'.repeat(600),
    }));
    const body = renderCleanupSummary({ ...sweep, regions });
    expect(body.length).toBeLessThanOrEqual(SUMMARY_BUDGET + 1);
    expect(body.startsWith('## 🧹 prenv cleanup\n\nSwept `acme/invoices` in 1200 regions at')).toBe(true);
    expect(body.endsWith(`\n\n… the rest is not shown; see the [workflow run](${RUN}).\n`)).toBe(true);
  });
});
