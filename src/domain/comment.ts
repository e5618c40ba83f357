/**
 * The sticky PR comment: a hidden marker to find it again, then the report at a glance.
 * Pure: renders an EnvironmentReport (./report.ts) to markdown under GitHub's size limit.
 */

import { fitToBudget, type Limits, type Section } from './comment-budget.js';
import { blockedExplanation, infraChanges } from './comment-infra.js';
import { leftoverResources } from './comment-leftovers.js';
import { leftBehind } from './comment-retained.js';
import {
  facts,
  failures,
  footer,
  headline,
  intro,
  leftRunning,
  notes,
  outputs,
  rootCause,
  seeTheRun,
  stacks,
  testProblems,
} from './comment-sections.js';
import type { EnvironmentReport } from './report.js';

/** GitHub rejects comment bodies longer than this. */
export const GITHUB_COMMENT_LIMIT = 65_536;
/** The size the comment is kept under, leaving room below GitHub's limit. */
export const COMMENT_BUDGET = 60_000;

/** The hidden marker that identifies an environment's sticky comment, e.g. `<!-- prenv:pr-42 -->`. */
export function markerFor(environment: string): string {
  // Names are [A-Za-z0-9-] already; anything else could close the HTML comment, so it goes.
  return `<!-- prenv:${environment.replace(/[^A-Za-z0-9._-]/g, '-')} -->`;
}

/** Options shared by the comment and the job summary. */
export interface RenderOptions {
  /** First line of the body (the comment's marker); none when undefined. */
  readonly marker?: string;
  readonly budget: number;
  /** Markdown heading prefix of the headline, e.g. `###`. */
  readonly level: string;
  /** Show the pull request as a fact (the comment sits on the PR and does not need it). */
  readonly pullRequestLine: boolean;
}

/** Limits before any budget cut: everything, with per-item text capped. */
export function initialLimits(report: EnvironmentReport): Limits {
  return {
    failures: report.tests?.failures.length ?? 0,
    outputs: report.outputs?.length ?? 0,
    stacks: Math.max(
      report.stacks?.length ?? 0,
      report.leftRunning?.length ?? 0,
      report.stacks?.reduce((sum, stack) => sum + (stack.retained?.length ?? 0), 0) ?? 0,
      report.leftovers?.length ?? 0,
    ),
    notes: report.notes?.length ?? 0,
    environments: 0,
    text: 500,
  };
}

/** Renders an environment report to markdown under `options.budget` characters. */
export function renderReport(report: EnvironmentReport, options: RenderOptions): string {
  const render = (limits: Limits): Section[] => {
    const head = headline(report, options.level).text;
    return [
      { kind: 'fixed', text: options.marker === undefined ? head : `${options.marker}\n${head}` },
      intro(report),
      blockedExplanation(report),
      facts(report, limits, options.pullRequestLine),
      testProblems(report, limits),
      rootCause(report, limits),
      failures(report, limits),
      leftRunning(report, limits),
      leftBehind(report, limits),
      infraChanges(report, limits),
      leftoverResources(report, limits),
      outputs(report, limits),
      stacks(report, limits),
      notes(report, limits),
      footer(report),
    ];
  };
  const cutNote = `… the rest is not shown; ${seeTheRun(report.runUrl)}.`;
  return `${fitToBudget(render, initialLimits(report), options.budget, cutNote)}\n`;
}

/** The sticky comment's body for an environment: marker first, then the report. */
export function renderComment(report: EnvironmentReport): string {
  return renderReport(report, {
    marker: markerFor(report.environment),
    budget: COMMENT_BUDGET,
    level: '###',
    pullRequestLine: false,
  });
}
