/** The leftover audit's sections: resources still tagged for an environment, for the comment and summaries. */

import { table } from './comment-blocks.js';
import type { Limits, Section } from './comment-budget.js';
import { notShown } from './comment-sections.js';
import { between, formatDuration } from './duration.js';
import { codeCell, escapeCell, firstLine, truncate } from './markdown.js';
import type { EnvironmentReport, LeftoverResource } from './report.js';

const OUTCOME_LABEL: Readonly<Record<LeftoverResource['outcome'], string>> = {
  deleted: '🗑️ deleted',
  'would-delete': '🔍 would delete',
  reported: '⚠️ left for you',
  'delete-failed': '❌ delete failed',
};

/** The table of leftovers: type, ARN, age, stack, what prenv did; '' when there are none. */
export function leftoverTable(
  resources: readonly LeftoverResource[],
  limit: number,
  text: number,
  now: string,
): string {
  const rows = resources.slice(0, limit).map((r) => {
    const age = between(r.createdAt, now);
    const outcome = OUTCOME_LABEL[r.outcome] ?? escapeCell(String(r.outcome));
    return [
      codeCell(truncate(r.type, text)),
      codeCell(truncate(r.arn, text)),
      age === undefined ? '—' : formatDuration(age),
      r.stack === undefined ? '—' : codeCell(truncate(r.stack, text)),
      r.reason === undefined ? outcome : `${outcome}: ${escapeCell(truncate(firstLine(r.reason), text))}`,
    ];
  });
  return rows.length === 0 ? '' : table(['Type', 'ARN', 'Age', 'Stack', 'Outcome'], rows);
}

/** Resources still tagged for the environment after its stacks were deleted. */
export function leftoverResources(report: EnvironmentReport, limits: Limits): Section {
  const all = report.leftovers ?? [];
  if (all.length === 0) return { kind: 'stacks', text: '' };
  const parts = [
    `#### Resources still tagged for ${codeCell(report.environment)} (${all.length})`,
    'They outlived their stacks. The cleanup sweep deletes those prenv may (created by a stack of this ' +
      'environment that no longer exists, of a type prenv deletes); the others are yours to delete.',
  ];
  const body = leftoverTable(all, limits.stacks, limits.text, report.updatedAt);
  if (body !== '') parts.push(body);
  if (limits.stacks < all.length) parts.push(notShown(all.length - limits.stacks, report.runUrl));
  return { kind: 'stacks', text: parts.join('\n\n') };
}
