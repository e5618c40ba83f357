import { safeHref } from '../domain/markdown.js';
import type { ArrangedOutputs } from '../domain/outputs.js';
import { latestExpiry, TAG } from '../domain/ownership.js';
import type { TestSummary } from '../domain/report.js';
import { BlockedError, DeployError, messageOf, PrenvError } from '../errors.js';
import type { PullRequestState } from '../ports.js';
import { applyChanges } from './deploy-apply.js';
import { type DeployPlan, planDeploy } from './deploy-inspect.js';
import { DeployReads } from './deploy-reads.js';
import { DeployRecord } from './deploy-record.js';
import { collectOutputs, runE2e } from './deploy-results.js';
import { reviewChanges } from './deploy-review.js';
import { synthesize } from './deploy-synth.js';
import type { DeployOutcome, DeployPorts, DeployRequest } from './deploy-types.js';
import { countResources } from './leftovers.js';
import { testResult } from './tests.js';

export type { DeployOutcome, DeployPorts, DeployRequest } from './deploy-types.js';

/** Synthesizes, deploys what changed, runs the e2e suite and reports. */
export async function deploy(request: DeployRequest, ports: DeployPorts): Promise<DeployOutcome> {
  const record = new DeployRecord(request, ports.clock, ports.step);
  const pr = await readPullRequest(request, ports);
  const fork = forkOf(pr, request);
  if (fork !== undefined) return refuse(fork, record, ports);
  if (pr?.state === 'closed') return skip(closedMessage(request), record, ports);

  record.saveProgress([]);
  // Progress updates go to GitHub in the background; the final report is awaited.
  void ports.reporter.startDeployment(request.environment, request.sha);
  void ports.reporter.comment(record.report({ state: 'deploying' }));
  let deployed = false;
  // The state and stack reads the plan needs start while the app runs (PR code runs only from here on).
  const reads = new DeployReads(request, ports);
  try {
    const plan = await synthesizeAndApply(request, ports, record, reads);
    deployed = true;
    if (record.deployedAny && (await closedMeanwhile(request, ports))) return handOverToDestroy(record);
    const results = await collectOutputs(plan.existing, request, ports, record);
    if (request.inputs.testCommand !== undefined) {
      void ports.reporter.comment(
        record.report({
          state: 'deploying',
          stacks: record.stackReports(),
          outputs: results.outputs,
          ...urlOf(results.arranged),
          timings: record.timingsSoFar(false),
        }),
      );
    }
    const tests = await record.time('tests', () => runE2e(results, request, ports));
    return await succeed(plan, results.arranged, tests, record, ports, reads);
  } catch (error) {
    return failed(error, deployed, record, ports);
  }
}

/** Synth, the pre-write checks and the deploy of what changed; the assembly is freed either way. */
async function synthesizeAndApply(
  request: DeployRequest,
  ports: DeployPorts,
  record: DeployRecord,
  reads: DeployReads,
): Promise<DeployPlan> {
  const assembly = await record.time('synth', () => synthesize(request, ports, () => reads.start()));
  ports.log.info(`Synthesized ${assembly.stacks.length} stack(s) in ${record.timings.synth} ms`);
  try {
    const plan = await planDeploy(assembly, request, ports, record, reads);
    await reviewChanges(assembly, plan, request, ports, record);
    await record.time('deploy', () => applyChanges(assembly, plan, request, ports, record));
    return plan;
  } finally {
    await assembly.dispose().catch(() => undefined);
  }
}

/** The PR as GitHub has it now (undefined without a token, or when GitHub cannot say). */
async function readPullRequest(
  request: DeployRequest,
  ports: DeployPorts,
): Promise<PullRequestState | undefined> {
  return ports.github?.pullRequest(request.pullRequest).catch((error: unknown) => {
    ports.log.warning(
      `Could not check whether PR #${request.pullRequest} is still open: ${messageOf(error)}`,
    );
    return undefined;
  });
}

/** Why nothing should be deployed: the PR was closed before this (queued) run started. */
function closedMessage(request: DeployRequest): string {
  return `PR #${request.pullRequest} was closed before this deploy started; nothing was deployed (the closed event destroys the environment).`;
}

/**
 * Why a PR must not be deployed: its head is a fork. The event's own fork guard only sees
 * pull_request events; a workflow_dispatch with pull-request reaches here.
 */
function forkOf(pr: PullRequestState | undefined, request: DeployRequest): string | undefined {
  if (pr === undefined || pr.headRepository.toLowerCase() === request.repository.toLowerCase())
    return undefined;
  return (
    `PR #${pr.number} comes from ${pr.headRepository === '' ? 'a fork that no longer exists' : `the fork ${pr.headRepository}`}: ` +
    "prenv does not deploy a fork's code with the sandbox's credentials. Nothing was deployed."
  );
}

function refuse(reason: string, record: DeployRecord, ports: DeployPorts): DeployOutcome {
  ports.log.error(reason);
  record.setOutputs(undefined, 'skipped');
  return { report: record.report({ state: 'deploy-failed', failure: { reason } }), failure: reason };
}

function skip(message: string, record: DeployRecord, ports: DeployPorts): DeployOutcome {
  ports.log.notice(message);
  record.setOutputs(undefined, 'skipped');
  return { report: record.report({ state: 'destroyed', notes: [message] }), skipped: message };
}

/**
 * The PR may have been closed while this deploy ran, and the closed event's destroy may already
 * have found nothing to delete: then what was just deployed would leak until the next sweep.
 */
async function closedMeanwhile(request: DeployRequest, ports: DeployPorts): Promise<boolean> {
  const now = await ports.github?.pullRequest(request.pullRequest).catch(() => undefined);
  if (now?.state !== 'closed') return false;
  ports.log.notice(
    `PR #${request.pullRequest} was closed while ${request.environment} was deploying: destroying it.`,
  );
  return true;
}

function handOverToDestroy(record: DeployRecord): DeployOutcome {
  record.markDone();
  return {
    report: record.report({ state: 'destroying', stacks: record.stackReports() }),
    closedDuringDeploy: true,
  };
}

/** Reports a deployed environment: ready, or tests failed. */
async function succeed(
  plan: DeployPlan,
  arranged: ArrangedOutputs,
  tests: TestSummary | undefined,
  record: DeployRecord,
  ports: DeployPorts,
  reads: DeployReads,
): Promise<DeployOutcome> {
  const result = testResult(tests);
  record.finish(arranged, result);
  // Unchanged stacks keep their tags: the environment expires when its latest written tag says.
  const expiresAt = latestExpiry([
    ...(record.deployedAny ? plan.changed.map((stack) => stack.tags[TAG.expiresAt]) : []),
    ...[...plan.existing.values()].map((stack) => stack.tags[TAG.expiresAt]),
  ]);
  const createdAt = plan.tags[TAG.createdAt];
  // Nothing deployed: the count read while the app ran still holds.
  const countedEarly = record.deployedAny ? undefined : await reads.resourceCountBeforeSynth();
  const resourceCount =
    ports.resources === undefined || countedEarly !== undefined
      ? countedEarly
      : await countResources(plan.tags[TAG.repository] ?? '', record.environment, ports.resources, ports.log);
  const outcome = record.report({
    state: result === 'failed' ? 'tests-failed' : 'ready',
    stacks: record.stackReports(),
    outputs: record.outputs ?? [],
    ...urlOf(arranged),
    ...(tests === undefined ? {} : { tests }),
    timings: record.timingsSoFar(true),
    ...(expiresAt === undefined ? {} : { expiresAt }),
    ...(createdAt === undefined ? {} : { createdAt }),
    ...(resourceCount === undefined ? {} : { resourceCount }),
  });
  await ports.reporter.deploymentStatus(
    'success',
    result === 'failed' ? 'Deployed; e2e tests failed' : 'Deployed',
    // GitHub takes an http(s) URL only; an output such as an ECR repository URL would fail the status.
    outcome.url !== undefined && safeHref(outcome.url) !== undefined ? outcome.url : undefined,
  );
  await ports.reporter.comment(outcome);
  if (result !== 'failed') return { report: outcome };
  const failure = `The e2e tests failed against ${outcome.environment}; the environment stays up until the PR closes.`;
  return { report: outcome, failure };
}

/** The one failure path: before the stacks are deployed it is a failed deploy, after it a deployed environment that then failed. */
async function failed(
  error: unknown,
  deployed: boolean,
  record: DeployRecord,
  ports: DeployPorts,
): Promise<DeployOutcome> {
  if (!(error instanceof PrenvError)) ports.log.debug(String((error as Error)?.stack ?? error));
  if (error instanceof BlockedError) return blocked(error, record, ports);
  const { environment } = record;
  const cause = deployed
    ? { reason: `${environment} is deployed, but then: ${messageOf(error)}` }
    : await rootCause(error, ports);
  if (deployed) ports.log.error(cause.reason);
  record.finish(undefined, 'skipped');
  const outcome = record.report({
    state: 'deploy-failed',
    stacks: record.stackReports(),
    ...(record.outputs === undefined ? {} : { outputs: record.outputs }),
    timings: record.timingsSoFar(true),
    failure: cause,
  });
  await ports.reporter.deploymentStatus('failure', deployed ? 'Deployed; then failed' : 'Deploy failed');
  await ports.reporter.comment(outcome);
  return {
    report: outcome,
    failure: deployed ? cause.reason : `Deploy of ${environment} failed: ${cause.reason}`,
  };
}

/** fail-on stopped the push before any write: the comment says what and how to approve it. */
async function blocked(
  error: BlockedError,
  record: DeployRecord,
  ports: DeployPorts,
): Promise<DeployOutcome> {
  ports.log.error(error.message);
  record.finish(undefined, 'skipped');
  const outcome = record.report({
    state: 'blocked',
    stacks: record.stackReports(),
    timings: record.timingsSoFar(true),
  });
  await ports.reporter.deploymentStatus('failure', 'Waiting for approval (fail-on)');
  await ports.reporter.comment(outcome);
  return { report: outcome, failure: error.message };
}

/** The first failing resource of a failed stack, from its events; else the error's own message. */
async function rootCause(error: unknown, ports: DeployPorts) {
  const stack = error instanceof DeployError ? error.stackName : undefined;
  if (stack !== undefined && error instanceof DeployError && error.cause !== undefined) {
    const live = await ports.stacks.get(stack).catch(() => undefined);
    const cause =
      live === undefined ? undefined : await ports.stacks.firstFailure(live.id).catch(() => undefined);
    if (cause !== undefined) return cause;
  }
  return { ...(stack === undefined ? {} : { stack }), reason: messageOf(error) };
}

function urlOf(arranged: { url?: string; urlOutput?: string }): { url?: string; urlOutput?: string } {
  if (arranged.url === undefined) return {};
  return {
    url: arranged.url,
    ...(arranged.urlOutput === undefined ? {} : { urlOutput: arranged.urlOutput }),
  };
}
