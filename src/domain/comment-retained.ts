/** The "Resources left behind" section: what forced deletes kept, for the comment and the summaries. */

import { table } from './comment-blocks.js';
import type { Limits, Section } from './comment-budget.js';
import { notShown } from './comment-sections.js';
import { codeCell, truncate } from './markdown.js';
import type { EnvironmentReport } from './report.js';
import { type RetainedInStack, retainedResources } from './retained.js';

/** The table of kept resources: logical id, type, physical id, stack; '' when there are none. */
export function retainedTable(resources: readonly RetainedInStack[], limit: number, text: number): string {
  const rows = resources
    .slice(0, limit)
    .map((r) => [
      codeCell(truncate(r.logicalId, text)),
      codeCell(truncate(r.type, text)),
      r.physicalId === undefined ? '—' : codeCell(truncate(r.physicalId, text)),
      codeCell(truncate(r.stack, text)),
    ]);
  return rows.length === 0 ? '' : table(['Resource', 'Type', 'Physical id', 'Stack'], rows);
}

/** Resources CloudFormation kept when it deleted a stack by force. */
export function leftBehind(report: EnvironmentReport, limits: Limits): Section {
  const all = retainedResources(report.stacks ?? []);
  if (all.length === 0) return { kind: 'stacks', text: '' };
  const parts = [`#### Resources left behind (${all.length})`];
  const body = retainedTable(all, limits.stacks, limits.text);
  if (body !== '') parts.push(body);
  if (limits.stacks < all.length) parts.push(notShown(all.length - limits.stacks, report.runUrl));
  return { kind: 'stacks', text: parts.join('\n\n') };
}
