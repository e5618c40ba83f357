/** Job-summary markdown: the environment report without the marker, and the cleanup sweep's table. */

import { renderReport } from './comment.js';
import { details, plural, table } from './comment-blocks.js';
import { fitToBudget, type Limits, MIN_TEXT, type Section } from './comment-budget.js';
import { leftoverTable } from './comment-leftovers.js';
import { retainedTable } from './comment-retained.js';
import { notShown, seeTheRun } from './comment-sections.js';
import { between, formatDuration, formatInstant } from './duration.js';
import { codeCell, codeSpan, escapeCell, escapeText, firstLine, safeHref, truncate } from './markdown.js';
import type {
  CleanupReport,
  EnvironmentReport,
  LeftoverResource,
  RegionSweep,
  StaleReason,
  SweptEnvironment,
} from './report.js';
import { retainedResources } from './retained.js';

/** The size a job summary is kept under (GitHub allows 1 MiB per step). */
export const SUMMARY_BUDGET = 500_000;
/** Stacks named in one cleanup row before the rest are counted. */
const STACKS_PER_ROW = 10;

/** The job summary for one environment: the same information as the sticky comment. */
export function renderSummary(report: EnvironmentReport): string {
  return renderReport(report, { budget: SUMMARY_BUDGET, level: '##', pullRequestLine: true });
}

const REASON_LABEL: Readonly<Record<StaleReason, string>> = { 'pr-closed': 'PR closed', expired: 'expired' };
const RESULT_LABEL: Readonly<Record<SweptEnvironment['result'], string>> = {
  deleted: '🗑️ deleted',
  'would-delete': '🔍 would delete',
  failed: '❌ failed',
  'left-behind': '⚠️ deleted, resources left behind',
  skipped: '⏭️ skipped: in progress',
};

/** The cleanup sweep's job summary: one row per stale environment, totals, dry run labelled. */
export function renderCleanupSummary(report: CleanupReport): string {
  const count = (result: SweptEnvironment['result']) =>
    report.environments.filter((env) => env.result === result).length;
  const when = formatInstant(report.updatedAt) ?? escapeText(report.updatedAt);
  const head = [
    `## 🧹 prenv cleanup${report.dryRun ? ' (dry run)' : ''}`,
    report.dryRun
      ? '> [!NOTE]\n> **Dry run:** nothing was deleted. The table shows what a real run would delete.'
      : '',
    `Swept ${codeSpan(report.repository)}${regionsSwept(report.regions)} at ${when}.`,
  ]
    .filter((line) => line !== '')
    .join('\n\n');
  const totals = [
    report.dryRun ? `**${count('would-delete')}** would be deleted` : `**${count('deleted')}** deleted`,
    `**${count('failed')}** failed`,
    `**${report.kept}** kept (PR open and not expired)`,
  ];
  if (count('left-behind') > 0)
    totals.splice(1, 0, `**${count('left-behind')}** deleted with resources left behind`);
  if (count('skipped') > 0) totals.push(`**${count('skipped')}** skipped (a stack is in progress; next run)`);
  if (!report.dryRun && count('would-delete') > 0)
    totals.push(`**${count('would-delete')}** would be deleted`);
  const render = (limits: Limits): Section[] => [
    { kind: 'fixed', text: head },
    { kind: 'fixed', text: `**Totals:** ${totals.join(' · ')}` },
    { kind: 'environments', text: cleanupSections(report, limits.environments) },
    { kind: 'environments', text: keptTable(report, limits.environments) },
    { kind: 'fixed', text: `<sub>prenv · ${seeTheRun(report.runUrl)}</sub>` },
  ];
  const initial: Limits = {
    failures: 0,
    outputs: 0,
    stacks: 0,
    notes: 0,
    // The stale and the kept table share this row limit: start at the longer list, or the kept one
    // would be cut to the stale count before the budget asked for any cut.
    environments: Math.max(report.environments.length, report.keptEnvironments?.length ?? 0),
    text: MIN_TEXT,
  };
  const cutNote = `… the rest is not shown; ${seeTheRun(report.runUrl)}.`;
  return `${fitToBudget(render, initial, SUMMARY_BUDGET, cutNote)}\n`;
}

/** " in `eu-west-2`", " in 2 regions", or nothing when the report does not say. */
function regionsSwept(regions: readonly RegionSweep[] | undefined): string {
  if (regions === undefined || regions.length === 0) return '';
  if (regions.length === 1) return ` in ${codeSpan(regions[0]?.region ?? '')}`;
  return ` in ${regions.length} regions`;
}

/** One table, or with several regions one heading, count line and table per region (`limit` rows in all). */
function cleanupSections(report: CleanupReport, limit: number): string {
  const regions = report.regions ?? [];
  if (regions.length <= 1) return cleanupTable(report, report.environments, limit);
  let left = limit;
  return regions
    .map((sweep) => {
      const environments = report.environments.filter((env) => env.region === sweep.region);
      const shown = Math.min(left, environments.length);
      left -= shown;
      const table = sweep.error === undefined ? cleanupTable(report, environments, shown) : '';
      return [`### ${codeSpan(sweep.region)}`, regionLine(sweep, environments, report.dryRun), table]
        .filter((part) => part !== '')
        .join('\n\n');
    })
    .join('\n\n');
}

function regionLine(sweep: RegionSweep, environments: readonly SweptEnvironment[], dryRun: boolean): string {
  if (sweep.error !== undefined) {
    return `❌ Could not sweep this region: ${escapeText(truncate(firstLine(sweep.error), 500))}`;
  }
  const count = (result: SweptEnvironment['result']) =>
    environments.filter((env) => env.result === result).length;
  return [
    dryRun ? `**${count('would-delete')}** would be deleted` : `**${count('deleted')}** deleted`,
    `**${count('failed')}** failed`,
    `**${sweep.kept}** kept`,
  ].join(' · ');
}

function cleanupTable(
  report: CleanupReport,
  environments: readonly SweptEnvironment[],
  limit: number,
): string {
  if (environments.length === 0) return 'No stale environments found.';
  const base = repositoryBase(report.runUrl);
  // The Resources column appears once the leftover audit counted (the tagging API answered).
  const counted = environments.some((env) => env.resourceCount !== undefined);
  const rows = environments.slice(0, limit).map((env) => row(env, report.updatedAt, base, counted));
  const parts: string[] = [];
  if (rows.length > 0) {
    const headers = ['Environment', 'PR', 'Why stale', 'Age', 'Resources', 'Stacks', 'Result'];
    parts.push(table(counted ? headers : headers.filter((header) => header !== 'Resources'), rows));
  }
  const errors = environments
    .slice(0, limit)
    .filter((env) => env.error !== undefined)
    .map((env) => `- ${codeSpan(env.environment)}: ${escapeText(truncate(firstLine(env.error ?? ''), 500))}`);
  if (errors.length > 0) parts.push(details(`Errors (${errors.length})`, errors.join('\n')));
  const retained = retainedResources(environments.slice(0, limit).flatMap((env) => env.stacks));
  if (retained.length > 0) {
    parts.push(
      `#### Resources left behind (${retained.length})\n\nForced deletes kept these; nothing tracks them any more: delete them by hand.\n\n` +
        retainedTable(retained, retained.length, MIN_TEXT * 4),
    );
  }
  const leftovers = leftoversOf(environments.slice(0, limit), report.updatedAt);
  if (leftovers !== '') parts.push(leftovers);
  if (rows.length < environments.length) {
    parts.push(notShown(environments.length - rows.length, report.runUrl));
  }
  return parts.join('\n\n');
}

/** The leftover audit's resources of these environments, in one table with their environment. */
function leftoversOf(
  environments: readonly { environment: string; leftovers?: readonly LeftoverResource[] }[],
  now: string,
): string {
  const all = environments.flatMap((env) => env.leftovers ?? []);
  if (all.length === 0) return '';
  const sections = environments
    .filter((env) => (env.leftovers ?? []).length > 0)
    .map(
      (env) =>
        `${codeSpan(env.environment)}\n\n${leftoverTable(env.leftovers ?? [], env.leftovers?.length ?? 0, MIN_TEXT * 4, now)}`,
    );
  return [
    `#### Resources still tagged for an environment (${all.length})`,
    'They outlived their stacks. prenv deletes those a stack of the environment created, of a type it deletes, once the environment is stale; the others are yours to delete.',
    ...sections,
  ].join('\n\n');
}

/** The kept environments: resources tagged for each and its age. */
function keptTable(report: CleanupReport, limit: number): string {
  const kept = report.keptEnvironments ?? [];
  if (kept.length === 0) return '';
  const base = repositoryBase(report.runUrl);
  const rows = kept.slice(0, limit).map((env) => {
    const age = between(env.createdAt, report.updatedAt);
    return [
      codeCell(truncate(env.environment, 200)),
      pullRequestCell(env.pullRequest, base),
      age === undefined ? '—' : formatDuration(age),
      String(env.resourceCount),
    ];
  });
  const body = [table(['Environment', 'PR', 'Age', 'Resources'], rows)];
  const leftovers = leftoversOf(kept.slice(0, limit), report.updatedAt);
  if (leftovers !== '') body.push(leftovers);
  if (rows.length < kept.length) body.push(notShown(kept.length - rows.length, report.runUrl));
  return details(`Kept environments (${kept.length})`, body.join('\n\n'));
}

/** The repository's web URL, taken from the run's URL (works on GitHub Enterprise hosts too). */
function repositoryBase(runUrl: string | undefined): string | undefined {
  return runUrl?.match(/^(https?:\/\/[^?#]+?)\/actions\/runs\/\d+/)?.[1];
}

function pullRequestCell(pullRequest: number | undefined, base: string | undefined): string {
  if (pullRequest === undefined) return '—';
  const number = Math.trunc(pullRequest);
  const href = base === undefined ? undefined : safeHref(`${base}/pull/${number}`);
  return href === undefined ? `#${number}` : `[#${number}](${href})`;
}

function row(env: SweptEnvironment, now: string, base: string | undefined, counted: boolean): string[] {
  const age = between(env.createdAt, now);
  const names = env.stacks.slice(0, STACKS_PER_ROW).map((stack) => {
    const status = stack.status === undefined ? '' : ` (${escapeCell(stack.status)})`;
    return `${codeCell(truncate(stack.name, 200))}${status}`;
  });
  if (env.stacks.length > STACKS_PER_ROW) names.push(`and ${env.stacks.length - STACKS_PER_ROW} more`);
  const result = RESULT_LABEL[env.result] ?? escapeCell(String(env.result));
  return [
    codeCell(truncate(env.environment, 200)),
    pullRequestCell(env.pullRequest, base),
    env.reasons.map((reason) => REASON_LABEL[reason] ?? escapeCell(String(reason))).join(', ') || '—',
    age === undefined ? '—' : formatDuration(age),
    ...(counted ? [env.resourceCount === undefined ? '—' : String(env.resourceCount)] : []),
    names.length > 0 ? names.join(', ') : plural(0, 'stack'),
    result,
  ];
}
