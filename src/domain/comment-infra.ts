/** The report's "Infrastructure changes in this push" section and the fail-on gate's explanation. */

import { bullets, details, plural, table } from './comment-blocks.js';
import type { Limits, Section } from './comment-budget.js';
import {
  countByKind,
  type InfraChanges,
  isEmpty,
  isWildcard,
  resourcesByType,
  type SecurityFinding,
  type StatementChange,
  securityFindings,
  statefulLosses,
} from './infra-diff.js';
import { BREAK, codeCell, codeSpan, escapeText, truncate } from './markdown.js';
import type { EnvironmentReport } from './report.js';

/** Security findings and stateful losses listed before the rest is counted only. */
export const VISIBLE_FINDINGS = 30;
/** How many times the per-item text cap the full diff may take. */
const DIFF_TEXT_FACTOR = 30;
/** The longest line shown in the full diff. */
const MAX_DIFF_LINE = 2_000;
/** Resource types listed for a first deploy. */
const VISIBLE_TYPES = 12;

const fixed = (text: string): Section => ({ kind: 'fixed', text });

/** The infrastructure diff of this push: counts, ⚠️ security changes, stateful losses, the full diff collapsed. */
export function infraChanges(report: EnvironmentReport, limits: Limits): Section {
  const changes = report.changes;
  if (changes === undefined || changes.stacks.length === 0) return fixed('');
  const parts = ['#### Infrastructure changes in this push'];
  if (isEmpty(changes)) {
    parts.push('No resource, IAM or security group changes against the deployed templates.');
    return fixed(parts.join('\n\n'));
  }
  parts.push(counts(changes, limits));
  const firstDeploys = changes.stacks.filter((stack) => stack.firstDeploy && stack.resources.length > 0);
  if (firstDeploys.length > 0) parts.push(environmentSummary(changes, limits));
  const findings = securityFindings(changes);
  if (findings.length > 0) {
    const title =
      firstDeploys.length === changes.stacks.length
        ? `⚠️ **IAM statements that use \`*\` (${findings.length})**`
        : `⚠️ **Security-relevant changes (${findings.length})**`;
    parts.push(
      listWithRest(
        title,
        findings.map((finding) => describeFinding(finding, limits)),
      ),
    );
  }
  const losses = statefulLosses(changes);
  if (losses.length > 0) {
    parts.push(
      listWithRest(
        `🗄️ **Stateful resources replaced or removed (${losses.length})**`,
        losses.map(
          ({ stack, resource }) =>
            `${codeSpan(truncate(stack, limits.text))}: ${codeSpan(truncate(resource.logicalId, limits.text))} ` +
            `(${codeSpan(truncate(resource.type, limits.text))}) will be ${resource.kind}: its data is lost`,
        ),
      ),
    );
  }
  const full = fullDiff(changes, limits);
  if (full !== '') parts.push(details('Full diff', full));
  return fixed(parts.join('\n\n'));
}

/** What the fail-on gate blocked and how to approve it. */
export function blockedExplanation(report: EnvironmentReport): Section {
  const gate = report.blocked;
  if (gate === undefined) return fixed('');
  const what = `This push makes ${escapeText(gate.reason)}, and the workflow sets ${codeSpan(`fail-on: ${gate.failOn}`)}, so prenv stopped before deploying it.`;
  const how =
    gate.approveLabel === undefined
      ? 'To deploy it, change the push, or set the approve-label input so that a reviewer can approve such changes with a label.'
      : `A reviewer approves it by adding the label ${codeSpan(gate.approveLabel)} to this pull request: that runs the deploy again. The approval holds until the label is removed.`;
  return fixed(`${what} ${how}`);
}

function counts(changes: InfraChanges, limits: Limits): string {
  const rows = changes.stacks.map((stack) => {
    const c = countByKind(stack);
    return [
      codeCell(truncate(stack.stack, limits.text)),
      String(c.added),
      String(c.modified),
      String(c.removed),
      String(c.replaced),
    ];
  });
  return table(['Stack', 'Added', 'Modified', 'Removed', 'Replaced'], rows);
}

function environmentSummary(changes: InfraChanges, limits: Limits): string {
  const lines = changes.stacks
    .filter((stack) => stack.firstDeploy && stack.resources.length > 0)
    .map((stack) => {
      const types = resourcesByType(stack);
      const shown = types
        .slice(0, VISIBLE_TYPES)
        .map(([type, count]) => `${count} × ${codeSpan(truncate(type, limits.text))}`);
      if (types.length > VISIBLE_TYPES) shown.push(`${types.length - VISIBLE_TYPES} more types`);
      return `🆕 ${codeSpan(truncate(stack.stack, limits.text))} is new: ${plural(stack.resources.length, 'resource')} (${shown.join(', ')})`;
    });
  return bullets(lines);
}

function listWithRest(title: string, items: readonly string[]): string {
  const shown = items.slice(0, VISIBLE_FINDINGS);
  const rest = items.length - shown.length;
  return [title, bullets(shown), rest > 0 ? `… and ${rest} more in the full diff.` : '']
    .filter((part) => part !== '')
    .join('\n\n');
}

/** One finding as a line: the stack, then what changed, with actions and resources named. */
export function describeFinding(finding: SecurityFinding, limits: Limits): string {
  const stack = codeSpan(truncate(finding.stack, limits.text));
  const code = (text: string) => codeSpan(truncate(text, limits.text));
  switch (finding.kind) {
    case 'statement':
      return `${stack}: ${describeStatement(finding.statement, limits)}`;
    case 'managed-policy':
      return `${stack}: managed policy ${code(finding.policy.policy)} attached to ${code(finding.policy.identity)}`;
    case 'security-group': {
      const { rule } = finding;
      const way = rule.direction === 'ingress' ? 'from' : 'to';
      return `${stack}: ${rule.direction} rule added to ${code(rule.group)}: ${code(rule.protocol)} ${way} ${code(rule.peer)}`;
    }
    case 'resource-policy':
      return `${stack}: resource policy ${code(finding.resource.logicalId)} (${code(finding.resource.type)}) ${finding.resource.kind}`;
  }
}

function describeStatement(statement: StatementChange, limits: Limits): string {
  const list = (values: readonly string[]) =>
    values.length === 0 ? '(none)' : values.map((value) => codeSpan(truncate(value, limits.text))).join(', ');
  const verb = statement.change === 'added' ? 'IAM statement added' : 'IAM statement removed';
  const not = statement.negated === true ? ' (NotAction/NotResource)' : '';
  const principals = statement.principals.length > 0 ? ` for ${list(statement.principals)}` : '';
  const wildcard = isWildcard(statement) && statement.change === 'added' ? ' (**wildcard**)' : '';
  return `${verb}: ${escapeText(statement.effect)} ${list(statement.actions)} on ${list(statement.resources)}${principals}${not}${wildcard}`;
}

/** Every stack's formatted diff in one fenced block that nothing inside can close, cut to the budget. */
function fullDiff(changes: InfraChanges, limits: Limits): string {
  const cap = limits.text * DIFF_TEXT_FACTOR;
  // Each part is cut before joining: a diff can be megabytes, and the budget renders many times.
  const text = changes.stacks
    .filter((stack) => stack.text.trim() !== '')
    .map((stack) => `Stack ${truncate(stack.stack, limits.text)}\n${truncate(stack.text, cap + 1).trim()}`)
    .join('\n\n');
  if (text === '') return '';
  const safe = safeBlockText(truncate(text, cap));
  const longest = Math.max(2, ...(safe.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const cut =
    text.length > cap ? '\n\n… the diff is longer than the comment allows; the job log has all of it.' : '';
  return `${fence}text\n${safe}\n${fence}${cut}`;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
const UNSAFE_BLOCK = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;

/** Text for a fenced block: no control or bidi characters, and no raw tags (a `</details>` or a forged marker). */
function safeBlockText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(UNSAFE_BLOCK, '')
    .replace(/<(?=[A-Za-z/!?])/g, `<${BREAK}`)
    .split('\n')
    .map((line) => truncate(line, MAX_DIFF_LINE))
    .join('\n');
}
