/** The sections of an environment report, each rendered from the model with limits (see ./comment-budget.ts). */

import { bullets, details, plural, table } from './comment-blocks.js';
import type { Limits, Section } from './comment-budget.js';
import { between, formatDuration, formatInstant, formatRelative } from './duration.js';
import { withoutUserinfo } from './environment-url.js';
import {
  codeCell,
  codeSpan,
  escapeCell,
  escapeText,
  firstLine,
  link,
  safeHref,
  truncate,
  urlLink,
} from './markdown.js';
import type {
  EnvironmentReport,
  EnvironmentState,
  StackOutcome,
  StackOutput,
  StackReport,
  Timings,
} from './report.js';
import { onlyResourcesLeft } from './retained.js';

/** Failures listed in the open before the rest go into a collapsed block. */
export const VISIBLE_FAILURES = 20;
/** Outputs shown in the open; more than this and the table is collapsed. */
export const VISIBLE_OUTPUTS = 6;
/** Stacks shown in the open; more than this and the table is collapsed. */
export const VISIBLE_STACKS = 10;

const DESTROY_STATES: readonly EnvironmentState[] = ['destroying', 'destroyed', 'destroy-failed'];

const OUTCOME_LABEL: Readonly<Record<StackOutcome, string>> = {
  deployed: '✅ deployed',
  hotswapped: '⚡ hotswapped',
  unchanged: '➖ unchanged',
  failed: '❌ failed',
  'not-deployed': '⏸️ not deployed',
  deleted: '🗑️ deleted',
  'force-deleted': '⚠️ deleted by force',
  'left-behind': '⚠️ left behind',
};

const fixed = (text: string): Section => ({ kind: 'fixed', text });

/** "see the workflow run" as a link when the run URL is safe, plain text otherwise. */
export function seeTheRun(runUrl: string | undefined): string {
  const run = runUrl === undefined ? undefined : link('workflow run', runUrl);
  return run === undefined ? 'see the job log' : `see the ${run}`;
}

/** The visible note for items a limit left out. */
export function notShown(count: number, runUrl: string | undefined): string {
  return `… ${count} more not shown; ${seeTheRun(runUrl)}.`;
}

/** The headline: an emoji, the state and the environment name. */
export function headline(report: EnvironmentReport, level: string): Section {
  const name = codeSpan(report.environment);
  const failed = report.tests?.failed ?? 0;
  const titles: Readonly<Record<EnvironmentState, string>> = {
    deploying: `⏳ Deploying ${name}`,
    ready: `✅ ${name} is ready`,
    'tests-failed': `❌ ${failed > 0 ? plural(failed, 'test') : 'Tests'} failed on ${name}`,
    'deploy-failed': `💥 Deploy of ${name} failed`,
    blocked: `🛑 Deploy of ${name} is waiting for approval`,
    cancelled: `⚠️ The run for ${name} did not finish`,
    destroying: `🧹 Destroying ${name}`,
    destroyed: `🗑️ ${name} was destroyed`,
    'destroy-failed': onlyResourcesLeft(report)
      ? `⚠️ ${name} was destroyed, but resources were left behind`
      : `⚠️ Destroying ${name} failed`,
  };
  return fixed(`${level} ${titles[report.state]}`);
}

/** One or two sentences saying what the state means for the reader. */
export function intro(report: EnvironmentReport): Section {
  const when = formatInstant(report.updatedAt) ?? escapeText(report.updatedAt);
  const texts: Readonly<Record<EnvironmentState, string>> = {
    deploying: 'Deploying this pull request. This comment updates when the deploy and tests finish.',
    ready: '',
    'tests-failed': '',
    'deploy-failed': 'The deploy stopped; the environment may be incomplete.',
    blocked: '',
    cancelled:
      'The workflow run was cancelled or crashed before prenv finished. Re-run it to finish the deploy, or close the pull request to destroy the environment.',
    destroying: `Deleting this environment's stacks (started ${when}).`,
    destroyed: `Destroyed ${when}.`,
    'destroy-failed': onlyResourcesLeft(report)
      ? `The stacks are gone (${when}), but CloudFormation could delete them only by force, and kept the resources below. Nothing tracks them any more and the cleanup sweep cannot find them: delete them by hand.`
      : `Some stacks could not be deleted (${when}). The next cleanup run tries again; fix the cause if it keeps failing.`,
  };
  return fixed(texts[report.state]);
}

/** The at-a-glance facts: URL, tests, timings, expiry or lifetime, commit and run. */
export function facts(report: EnvironmentReport, limits: Limits, pullRequestLine: boolean): Section {
  const items: string[] = [];
  const destroyed = DESTROY_STATES.includes(report.state);
  if (report.url !== undefined && !destroyed) {
    const url = withoutUserinfo(report.url);
    const from =
      report.urlOutput === undefined ? '' : ` (output ${codeSpan(truncate(report.urlOutput, limits.text))})`;
    items.push(`**URL:** ${urlLink(url) ?? codeSpan(truncate(url, limits.text))}${from}`);
  }
  if (report.tests !== undefined) {
    const t = report.tests;
    items.push(`**Tests:** ${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped (${t.total} total)`);
  }
  const timings = formatTimings(report.timings);
  if (timings !== '') items.push(`**Timings:** ${timings}`);
  const hotswapped = (report.stacks ?? []).filter((stack) => stack.outcome === 'hotswapped');
  if (hotswapped.length > 0 && !destroyed) {
    const shown = hotswapped.slice(0, limits.stacks).map((stack) => {
      const what =
        stack.hotswapped === undefined ? '' : ` (${escapeText(truncate(stack.hotswapped, limits.text))})`;
      return `${codeSpan(truncate(stack.name, limits.text))}${what}`;
    });
    if (shown.length < hotswapped.length) shown.push(`${hotswapped.length - shown.length} more`);
    items.push(`**Hotswapped** (no CloudFormation deployment): ${shown.join(', ')}`);
  }
  if (report.expiresAt !== undefined && !destroyed) {
    const at = formatInstant(report.expiresAt);
    const relative = formatRelative(report.expiresAt, report.updatedAt);
    if (at !== undefined) items.push(`**Expires:** ${at}${relative === undefined ? '' : ` (${relative})`}`);
  }
  if (report.createdAt !== undefined) {
    const at = formatInstant(report.createdAt);
    const age = between(report.createdAt, report.updatedAt);
    if (at !== undefined && age !== undefined && age >= 60_000) {
      items.push(
        `**${report.state === 'destroyed' ? 'Lived' : 'Age'}:** ${formatDuration(age)} (created ${at})`,
      );
    }
  }
  if (report.resourceCount !== undefined) {
    items.push(`**Resources:** ${plural(report.resourceCount, 'resource')} tagged for this environment`);
  }
  if (pullRequestLine && report.pullRequest !== undefined)
    items.push(`**Pull request:** ${pullRequest(report)}`);
  const origin = [commit(report), runLink(report)].filter((part) => part !== undefined);
  if (origin.length > 0) items.push(origin.join(' · '));
  return fixed(bullets(items));
}

function pullRequest(report: EnvironmentReport): string {
  const number = Math.trunc(report.pullRequest ?? 0);
  const href =
    report.repositoryUrl === undefined ? undefined : safeHref(`${report.repositoryUrl}/pull/${number}`);
  return href === undefined ? `\\#${number}` : `[#${number}](${href})`;
}

function formatTimings(timings: Timings | undefined): string {
  if (timings === undefined) return '';
  const phases = ['synth', 'deploy', 'tests', 'destroy', 'total'] as const;
  return phases
    .flatMap((phase) => {
      const ms = timings[phase];
      return ms === undefined ? [] : [`${phase} ${formatDuration(ms)}`];
    })
    .join(' · ');
}

function commit(report: EnvironmentReport): string | undefined {
  const sha = report.sha;
  if (sha === undefined || sha === '') return undefined;
  const isSha = /^[0-9a-f]{7,64}$/i.test(sha);
  const short = codeSpan(isSha ? sha.slice(0, 7) : truncate(sha, 12));
  const href =
    isSha && report.repositoryUrl !== undefined
      ? safeHref(`${report.repositoryUrl}/commit/${sha}`)
      : undefined;
  return `**Commit:** ${href === undefined ? short : `[${short}](${href})`}`;
}

function runLink(report: EnvironmentReport): string | undefined {
  return report.runUrl === undefined ? undefined : link('Workflow run', report.runUrl);
}

/** Warnings about the test run itself: timeout, a missing report, a failing exit code. */
export function testProblems(report: EnvironmentReport, limits: Limits): Section {
  const t = report.tests;
  if (t === undefined) return fixed('');
  const lines: string[] = [];
  if (t.timedOut === true)
    lines.push('⏱️ The test command timed out and was killed; the results may be incomplete.');
  if (t.problem !== undefined) lines.push(`⚠️ ${escapeText(truncate(t.problem, limits.text))}`);
  if (t.exitCode !== undefined && t.exitCode !== 0 && t.failed === 0) {
    lines.push(`⚠️ The test command exited with code ${Math.trunc(t.exitCode)}.`);
  }
  return fixed(bullets(lines));
}

/** Failing tests: name and first line of the message; the first few open, the rest collapsed. */
export function failures(report: EnvironmentReport, limits: Limits): Section {
  const all = report.tests?.failures ?? [];
  if (all.length === 0) return { kind: 'failures', text: '' };
  const shown = all.slice(0, limits.failures).map((failure) => {
    const name = `**${escapeText(truncate(failure.name, limits.text)) || '(unnamed test)'}**`;
    const message = escapeText(truncate(firstLine(failure.message), limits.text));
    return message === '' ? name : `${name}: ${message}`;
  });
  const parts = [`#### Failing tests (${all.length})`];
  if (shown.length > 0) parts.push(bullets(shown.slice(0, VISIBLE_FAILURES)));
  const rest = shown.slice(VISIBLE_FAILURES);
  if (rest.length > 0)
    parts.push(details(`and ${plural(all.length - VISIBLE_FAILURES, 'more failing test')}`, bullets(rest)));
  if (shown.length < all.length) parts.push(notShown(all.length - shown.length, report.runUrl));
  return { kind: 'failures', text: parts.join('\n\n') };
}

/** The root cause of a failed deploy or destroy: stack, resource, type and CloudFormation's reason. */
export function rootCause(report: EnvironmentReport, limits: Limits): Section {
  const f = report.failure;
  if (f === undefined) return fixed('');
  const where: string[] = [];
  if (f.resource !== undefined) {
    const type = f.resourceType === undefined ? '' : ` (${codeSpan(truncate(f.resourceType, limits.text))})`;
    where.push(`Resource ${codeSpan(truncate(f.resource, limits.text))}${type}`);
  }
  if (f.stack !== undefined)
    where.push(`${where.length > 0 ? 'in stack' : 'Stack'} ${codeSpan(truncate(f.stack, limits.text))}`);
  const lead = where.length > 0 ? `${where.join(' ')} failed:\n\n` : '';
  const reason = escapeText(truncate(f.reason, limits.text * 4)) || '(no reason given)';
  return fixed(`#### Root cause\n\n${lead}> ${reason}`);
}

/** Stacks a cancelled or crashed run may have left running. */
export function leftRunning(report: EnvironmentReport, limits: Limits): Section {
  const names = report.leftRunning ?? [];
  if (names.length === 0) return { kind: 'stacks', text: '' };
  const shown = names.slice(0, limits.stacks).map((name) => codeSpan(truncate(name, limits.text)));
  const parts = ['#### Stacks that may still be running', bullets(shown)];
  if (shown.length < names.length) parts.push(notShown(names.length - shown.length, report.runUrl));
  return { kind: 'stacks', text: parts.filter((part) => part !== '').join('\n\n') };
}

/** Orders outputs for display: the environment URL first, CDK's cross-stack exports left out. */
export function displayOutputs(report: EnvironmentReport): StackOutput[] {
  const visible = (report.outputs ?? []).filter((output) => !output.key.startsWith('ExportsOutput'));
  const isUrl = (output: StackOutput) =>
    report.urlOutput !== undefined
      ? output.key === report.urlOutput
      : report.url !== undefined && withoutUserinfo(output.value) === withoutUserinfo(report.url);
  return [...visible.filter(isUrl), ...visible.filter((output) => !isUrl(output))];
}

/** The outputs table, collapsed when long; values are code spans so they are safe and copyable. */
export function outputs(report: EnvironmentReport, limits: Limits): Section {
  const all = displayOutputs(report);
  if (all.length === 0 || DESTROY_STATES.includes(report.state)) return { kind: 'outputs', text: '' };
  // One stack: its name on every row says nothing.
  const oneStack = new Set(all.map((o) => o.stack)).size === 1;
  const rows = all.slice(0, limits.outputs).map((o) => {
    const cells = [
      codeCell(truncate(o.key, limits.text)),
      o.hidden === true ? '*hidden*' : codeCell(truncate(withoutUserinfo(o.value), limits.text)),
    ];
    return oneStack ? cells : [...cells, codeCell(truncate(o.stack, limits.text))];
  });
  const parts: string[] = [];
  if (rows.length > 0) {
    const body = table(oneStack ? ['Output', 'Value'] : ['Output', 'Value', 'Stack'], rows);
    parts.push(
      all.length > VISIBLE_OUTPUTS ? details(`All ${all.length} outputs`, body) : `#### Outputs\n\n${body}`,
    );
  }
  if (rows.length < all.length) parts.push(notShown(all.length - rows.length, report.runUrl));
  return { kind: 'outputs', text: parts.join('\n\n') };
}

/** The stacks table with what this run did to each; open for destroys, collapsed otherwise. */
export function stacks(report: EnvironmentReport, limits: Limits): Section {
  const all = report.stacks ?? [];
  if (all.length === 0) return { kind: 'stacks', text: '' };
  const rows = all
    .slice(0, limits.stacks)
    .map((s) => [
      codeCell(truncate(s.name, limits.text)),
      outcomeCell(s, limits),
      s.status === undefined ? ' ' : codeCell(truncate(s.status, limits.text)),
    ]);
  const parts: string[] = [];
  if (rows.length > 0) {
    const body = table(['Stack', 'Outcome', 'Status'], rows);
    const open = DESTROY_STATES.includes(report.state) && all.length <= VISIBLE_STACKS;
    parts.push(open ? `#### Stacks\n\n${body}` : details(`Stacks (${all.length})`, body));
  }
  if (rows.length < all.length) parts.push(notShown(all.length - rows.length, report.runUrl));
  return { kind: 'stacks', text: parts.join('\n\n') };
}

/** What the run did to a stack; a hotswap says what it updated. */
function outcomeCell(stack: StackReport, limits: Limits): string {
  const label = OUTCOME_LABEL[stack.outcome] ?? escapeCell(String(stack.outcome));
  if (stack.outcome !== 'hotswapped' || stack.hotswapped === undefined) return label;
  return `${label}: ${escapeCell(truncate(stack.hotswapped, limits.text))}`;
}

/** prenv's own notes to the reader, as a short list. */
export function notes(report: EnvironmentReport, limits: Limits): Section {
  const all = (report.notes ?? []).filter((note) => note.trim() !== '');
  if (all.length === 0) return { kind: 'notes', text: '' };
  const shown = all.slice(0, limits.notes).map((note) => escapeText(truncate(note, limits.text)));
  const parts = ['#### Notes'];
  if (shown.length > 0) parts.push(bullets(shown));
  if (shown.length < all.length) parts.push(notShown(all.length - shown.length, report.runUrl));
  return { kind: 'notes', text: parts.join('\n\n') };
}

/** The last line: when the report was produced. */
export function footer(report: EnvironmentReport): Section {
  const when = formatInstant(report.updatedAt) ?? escapeText(report.updatedAt);
  return fixed(`<sub>Updated ${when} by prenv.</sub>`);
}
