import { describe, expect, it } from 'vitest';
import type { LeftoverResource, SweptEnvironment } from '../../src/domain/report.js';
import { renderCleanupSummary } from '../../src/domain/summary.js';
import { CLEANUP_RUN_URL, EMPTY_SWEEP } from '../support/reports.js';

// The cleanup summary's parts, each asserted whole: totals, row cells, errors, leftovers, kept
// environments, regions and pull-request links.

const RUN = CLEANUP_RUN_URL;
const sweep = EMPTY_SWEEP;
const HEAD = '## 🧹 prenv cleanup\n\nSwept `acme/invoices` at 2025-03-10 03:17 UTC.';
const FOOT = `<sub>prenv · see the [workflow run](${RUN})</sub>\n`;
const STALE_HEAD =
  '| Environment | PR | Why stale | Age | Stacks | Result |\n| --- | --- | --- | --- | --- | --- |';

/** The whole summary: heading, totals line, then the parts, then the footer. */
const summary = (totals: string, ...parts: string[]) =>
  [HEAD, `**Totals:** ${totals}`, ...parts, FOOT].join('\n\n');

const env = (
  name: string,
  result: SweptEnvironment['result'],
  extra: Partial<SweptEnvironment> = {},
): SweptEnvironment => ({
  environment: name,
  reasons: ['expired'],
  stacks: [{ name: `${name}-api`, outcome: 'deleted' }],
  result,
  ...extra,
});
/** A table row of `env`: no PR, expired, no age, its one stack. */
const plainRow = (name: string, label: string) =>
  `| \`${name}\` | — | expired | — | \`${name}-api\` | ${label} |`;

const bucket = (name: string): LeftoverResource => ({
  arn: `arn:aws:s3:::${name}`,
  type: 'AWS::S3::Bucket',
  outcome: 'reported',
  createdAt: '2025-03-08T03:17:00Z',
  stack: 'pr-1-data',
});
const LEFTOVER_HEAD = '| Type | ARN | Age | Stack | Outcome |\n| --- | --- | --- | --- | --- |';
const leftoverRow = (name: string) =>
  `| \`AWS::S3::Bucket\` | \`arn:aws:s3:::${name}\` | 2 days | \`pr-1-data\` | ⚠️ left for you |`;
const LEFTOVER_INTRO =
  'They outlived their stacks. prenv deletes those a stack of the environment created, of a type it deletes, once the environment is stale; the others are yours to delete.';

describe('renderCleanupSummary: totals and rows', () => {
  it('totals every result of a real run, left-behind second and would-delete last', () => {
    const body = renderCleanupSummary({
      ...sweep,
      environments: [
        env('pr-1', 'deleted'),
        env('pr-2', 'left-behind'),
        env('pr-3', 'failed'),
        env('pr-4', 'skipped'),
        env('pr-5', 'would-delete'),
      ],
    });
    expect(body).toBe(
      summary(
        '**1** deleted · **1** deleted with resources left behind · **1** failed · **0** kept (PR open and not expired) · **1** skipped (a stack is in progress; next run) · **1** would be deleted',
        [
          STALE_HEAD,
          plainRow('pr-1', '🗑️ deleted'),
          plainRow('pr-2', '⚠️ deleted, resources left behind'),
          plainRow('pr-3', '❌ failed'),
          plainRow('pr-4', '⏭️ skipped: in progress'),
          plainRow('pr-5', '🔍 would delete'),
        ].join('\n'),
      ),
    );
  });

  it('fills every cell, — where unknown, with a Resources column once any environment was counted', () => {
    const stacks = (name: string, n: number) =>
      Array.from({ length: n }, (_, i) => ({ name: `${name}-s${i}`, outcome: 'deleted' as const }));
    const names = (name: string, n: number) =>
      Array.from({ length: n }, (_, i) => `\`${name}-s${i}\``).join(', ');
    const day = '2025-03-09T03:17:00Z';
    const body = renderCleanupSummary({
      ...sweep,
      environments: [
        { environment: 'pr-7', reasons: [], stacks: [], result: 'deleted' },
        {
          ...env('pr-8', 'deleted', { pullRequest: 8, reasons: ['pr-closed'], createdAt: day }),
          stacks: stacks('pr-8', 10),
          resourceCount: 4,
        },
        {
          ...env('pr-9', 'deleted', { pullRequest: 9, createdAt: day }),
          stacks: stacks('pr-9', 11),
          resourceCount: 0,
        },
      ],
    });
    const pr = (n: number) => `[#${n}](https://github.com/acme/invoices/pull/${n})`;
    expect(body).toBe(
      summary(
        '**3** deleted · **0** failed · **0** kept (PR open and not expired)',
        [
          '| Environment | PR | Why stale | Age | Resources | Stacks | Result |',
          '| --- | --- | --- | --- | --- | --- | --- |',
          '| `pr-7` | — | — | — | — | 0 stacks | 🗑️ deleted |',
          `| \`pr-8\` | ${pr(8)} | PR closed | 1 day | 4 | ${names('pr-8', 10)} | 🗑️ deleted |`,
          `| \`pr-9\` | ${pr(9)} | expired | 1 day | 0 | ${names('pr-9', 10)}, and 1 more | 🗑️ deleted |`,
        ].join('\n'),
      ),
    );
  });

  it('lists every error on its own line, first line only', () => {
    const body = renderCleanupSummary({
      ...sweep,
      environments: [
        env('pr-1', 'failed', { error: 'Bucket not empty\n(Service: S3)' }),
        env('pr-2', 'failed', { error: 'Access denied' }),
      ],
    });
    expect(body).toBe(
      summary(
        '**0** deleted · **2** failed · **0** kept (PR open and not expired)',
        [STALE_HEAD, plainRow('pr-1', '❌ failed'), plainRow('pr-2', '❌ failed')].join('\n'),
        '<details>\n<summary>Errors (2)</summary>\n\n- `pr-1`: Bucket not empty\n- `pr-2`: Access denied\n\n</details>',
      ),
    );
  });

  it('lists leftovers under each environment that has any, none for those with none', () => {
    const body = renderCleanupSummary({
      ...sweep,
      environments: [
        env('pr-1', 'left-behind', { leftovers: [bucket('pr-1-a'), bucket('pr-1-b')] }),
        env('pr-2', 'deleted'),
        env('pr-3', 'deleted', { leftovers: [] }),
        env('pr-4', 'deleted', { leftovers: [bucket('pr-4-a')] }),
      ],
    });
    expect(body).toBe(
      summary(
        '**3** deleted · **1** deleted with resources left behind · **0** failed · **0** kept (PR open and not expired)',
        [
          STALE_HEAD,
          plainRow('pr-1', '⚠️ deleted, resources left behind'),
          plainRow('pr-2', '🗑️ deleted'),
          plainRow('pr-3', '🗑️ deleted'),
          plainRow('pr-4', '🗑️ deleted'),
        ].join('\n'),
        '#### Resources still tagged for an environment (3)',
        LEFTOVER_INTRO,
        '`pr-1`',
        [LEFTOVER_HEAD, leftoverRow('pr-1-a'), leftoverRow('pr-1-b')].join('\n'),
        '`pr-4`',
        [LEFTOVER_HEAD, leftoverRow('pr-4-a')].join('\n'),
      ),
    );
  });
});

describe('renderCleanupSummary: kept environments', () => {
  // The kept table shares the stale table's row limit (limits.environments), which starts at the
  // longer of the two lists.
  const stale = [env('pr-1', 'deleted'), env('pr-2', 'deleted')];
  const staleTable = [STALE_HEAD, plainRow('pr-1', '🗑️ deleted'), plainRow('pr-2', '🗑️ deleted')].join('\n');
  const totals = '**2** deleted · **0** failed · **2** kept (PR open and not expired)';
  const KEPT_HEAD = '| Environment | PR | Age | Resources |\n| --- | --- | --- | --- |';
  const PR5_LEFTOVERS = [
    '#### Resources still tagged for an environment (1)',
    LEFTOVER_INTRO,
    '`pr-5`',
    [LEFTOVER_HEAD, leftoverRow('pr-5-a')].join('\n'),
  ].join('\n\n');
  /** The kept environments' collapsed section: the table of these rows, then what follows it. */
  const keptSection = (rows: readonly string[], ...after: string[]) =>
    `<details>\n<summary>Kept environments (${rows.length})</summary>\n\n${[[KEPT_HEAD, ...rows].join('\n'), ...after].join('\n\n')}\n\n</details>`;
  const KEPT_PR5_PR6 = [
    '| `pr-5` | [#5](https://github.com/acme/invoices/pull/5) | — | 7 |',
    '| `pr-6` | [#6](https://github.com/acme/invoices/pull/6) | — | 1 |',
  ];

  it('lists each with its PR, age and resource count, then their leftovers', () => {
    const body = renderCleanupSummary({
      ...sweep,
      kept: 2,
      environments: stale,
      keptEnvironments: [
        {
          environment: 'pr-5',
          pullRequest: 5,
          resourceCount: 7,
          createdAt: '2025-03-08T03:17:00Z',
          leftovers: [bucket('pr-5-a')],
        },
        { environment: 'pr-6', resourceCount: 0, leftovers: [] },
      ],
    });
    const kept = [
      '| `pr-5` | [#5](https://github.com/acme/invoices/pull/5) | 2 days | 7 |',
      '| `pr-6` | — | — | 0 |',
    ];
    expect(body).toBe(summary(totals, staleTable, keptSection(kept, PR5_LEFTOVERS)));
  });

  it('lists every kept environment when nothing is stale (the row limit is not the stale count)', () => {
    const body = renderCleanupSummary({
      ...sweep,
      kept: 2,
      keptEnvironments: [
        { environment: 'pr-5', pullRequest: 5, resourceCount: 7, leftovers: [bucket('pr-5-a')] },
        { environment: 'pr-6', pullRequest: 6, resourceCount: 1, leftovers: [] },
      ],
    });
    expect(body).toBe(
      summary(
        '**0** deleted · **0** failed · **2** kept (PR open and not expired)',
        'No stale environments found.',
        keptSection(KEPT_PR5_PR6, PR5_LEFTOVERS),
      ),
    );
  });

  it('shows the table alone when no kept environment has leftovers', () => {
    const body = renderCleanupSummary({
      ...sweep,
      kept: 2,
      environments: stale,
      keptEnvironments: [
        { environment: 'pr-5', pullRequest: 5, resourceCount: 7, createdAt: 'not a date', leftovers: [] },
        { environment: 'pr-6', pullRequest: 6, resourceCount: 1, leftovers: [] },
      ],
    });
    expect(body).toBe(summary(totals, staleTable, keptSection(KEPT_PR5_PR6)));
  });
});

describe('renderCleanupSummary: regions and links', () => {
  it('counts what each region would delete in a dry run', () => {
    const body = renderCleanupSummary({
      ...sweep,
      dryRun: true,
      environments: [
        env('pr-1', 'would-delete', { region: 'eu-west-2' }),
        env('pr-2', 'would-delete', { region: 'us-east-1' }),
      ],
      regions: [
        { region: 'eu-west-2', kept: 0 },
        { region: 'us-east-1', kept: 1 },
      ],
    });
    expect(body).toBe(
      [
        '## 🧹 prenv cleanup (dry run)',
        '> [!NOTE]\n> **Dry run:** nothing was deleted. The table shows what a real run would delete.',
        'Swept `acme/invoices` in 2 regions at 2025-03-10 03:17 UTC.',
        '**Totals:** **2** would be deleted · **0** failed · **0** kept (PR open and not expired)',
        '### `eu-west-2`',
        '**1** would be deleted · **0** failed · **0** kept',
        [STALE_HEAD, plainRow('pr-1', '🔍 would delete')].join('\n'),
        '### `us-east-1`',
        '**1** would be deleted · **0** failed · **1** kept',
        [STALE_HEAD, plainRow('pr-2', '🔍 would delete')].join('\n'),
        FOOT,
      ].join('\n\n'),
    );
  });

  it('reads an empty region list as a sweep that names no region', () => {
    const body = renderCleanupSummary({ ...sweep, environments: [env('pr-1', 'deleted')], regions: [] });
    expect(body).toBe(
      summary(
        '**1** deleted · **0** failed · **0** kept (PR open and not expired)',
        [STALE_HEAD, plainRow('pr-1', '🗑️ deleted')].join('\n'),
      ),
    );
  });

  it('links pull requests on the host of the run URL, http too, only when it starts with the scheme', () => {
    const cell = (runUrl: string) => {
      const body = renderCleanupSummary({
        ...sweep,
        runUrl,
        environments: [env('pr-1', 'deleted', { pullRequest: 1 })],
      });
      return body.split('\n').find((line) => line.startsWith('| `pr-1`'));
    };
    expect(cell('http://ghe.internal/acme/invoices/actions/runs/7')).toBe(
      '| `pr-1` | [#1](http://ghe.internal/acme/invoices/pull/1) | expired | — | `pr-1-api` | 🗑️ deleted |',
    );
    expect(cell('see https://github.com/acme/invoices/actions/runs/7')).toBe(
      '| `pr-1` | #1 | expired | — | `pr-1-api` | 🗑️ deleted |',
    );
  });
});
