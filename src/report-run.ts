import { actionsLog, actionsStep } from './adapters/actions-core.js';
import type { RunContext } from './adapters/github-context.js';
import { systemClock } from './adapters/system-clock.js';
import { escapeText } from './domain/markdown.js';
import type { Plan } from './domain/plan.js';
import { gitHubClient } from './github-client.js';
import type { Inputs } from './inputs.js';
import { postReport } from './workflows/post-report.js';
import { Reporter } from './workflows/reporter.js';

/** What main decided for mode report. */
export interface PlannedReport {
  readonly inputs: Inputs;
  readonly context: RunContext;
  readonly plan: Extract<Plan, { kind: 'report' }>;
  readonly environment: string;
}

/** Composition root of mode report: GitHub and the step only, no AWS. */
export async function runReport(run: PlannedReport): Promise<string | undefined> {
  const { inputs, context, plan, environment } = run;
  const log = actionsLog;
  const step = actionsStep;
  if (inputs.githubToken === '') log.warning('No github-token: mode report can write the job summary only.');
  const github = gitHubClient(inputs, context, log, { fewWrites: true });
  const runUrl = context.runUrl === undefined ? {} : { runUrl: context.runUrl };
  const reporter = new Reporter({ github, step, log, comment: inputs.comment, ...runUrl });
  const outcome = await postReport(
    {
      repository: context.repository,
      pullRequest: plan.pullRequest,
      environment,
      sha: plan.sha,
      ...(plan.operation === undefined ? {} : { operation: plan.operation }),
      reportFile: inputs.reportFile as string,
      repositoryUrl: context.repositoryUrl,
      ...runUrl,
    },
    { log, clock: systemClock, step, reporter },
  );
  if (outcome.report !== undefined) await reporter.summarize(outcome.report);
  else if (outcome.skipped !== undefined) {
    await reporter.summary(`### prenv: nothing to do\n\n${escapeText(outcome.skipped)}\n`);
  }
  return outcome.failure;
}
