import { PlanError } from '../errors.js';
import type { Mode } from '../inputs.js';
import type { GitHubEvent } from './event.js';

/** What this run will do, decided from the mode and the event alone. */
export type Plan =
  | {
      readonly kind: 'deploy';
      readonly pullRequest: number;
      readonly sha: string;
      /** Deploy only if the PR carries this label when the run starts (require-label). */
      readonly requireLabel?: string;
    }
  | {
      readonly kind: 'destroy';
      readonly pullRequest: number;
      /** Destroy only if the PR is closed or no longer carries this label when the run starts, and has stacks. */
      readonly requireLabel?: string;
    }
  | { readonly kind: 'cleanup' }
  | {
      readonly kind: 'report';
      readonly pullRequest: number;
      readonly sha: string;
      /** What the event says the first job did; undefined when the event does not say (the file does). */
      readonly operation?: 'deploy' | 'destroy';
    }
  | { readonly kind: 'skip'; readonly reason: string };

const DEPLOY_ACTIONS = ['opened', 'synchronize', 'reopened'];
const PR_EVENTS = ['pull_request', 'pull_request_target'];
const LABEL_ACTIONS = ['labeled', 'unlabeled'];

/** Decides deploy, destroy, cleanup or skip; throws PlanError when the event cannot be handled. */
export function planRun(
  mode: Mode,
  event: GitHubEvent,
  pullRequestInput?: number,
  requireLabel?: string,
): Plan {
  const pr = event.pullRequest;
  if (pr !== undefined && pr.headRepository !== event.repository && mode !== 'cleanup') {
    return {
      kind: 'skip',
      reason:
        `Pull request #${pr.number} comes from ${pr.headRepository === '' ? 'a fork that no longer exists' : `the fork ${pr.headRepository}`}. ` +
        'GitHub gives fork PRs no OIDC token and a read-only token, and their code must not reach the ' +
        'sandbox account with its credentials, so prenv does not deploy them. Nothing was done.',
    };
  }
  const number = pullRequestInput ?? pr?.number;
  switch (mode) {
    case 'deploy':
      if (number === undefined) throw new PlanError(needsPullRequest('deploy', event));
      return { kind: 'deploy', pullRequest: number, sha: pr?.number === number ? pr.headSha : event.sha };
    case 'destroy':
      if (number === undefined) throw new PlanError(needsPullRequest('destroy', event));
      return { kind: 'destroy', pullRequest: number };
    case 'cleanup':
      return { kind: 'cleanup' };
    case 'report':
      return reportPlan(event, number, pullRequestInput, requireLabel);
    case 'auto':
      if (pr !== undefined && pullRequestInput !== undefined && pullRequestInput !== pr.number) {
        throw new PlanError(
          `pull-request is ${pullRequestInput} but this ${event.name} event is for pull request #${pr.number}. ` +
            'In mode auto a pull_request event decides the pull request: remove the pull-request input, ' +
            'or set mode to deploy or destroy explicitly.',
        );
      }
      return autoPlan(event, number, requireLabel);
  }
}

function autoPlan(event: GitHubEvent, number: number | undefined, requireLabel?: string): Plan {
  if (event.name === 'workflow_dispatch' || event.name === 'schedule') return { kind: 'cleanup' };
  const pr = event.pullRequest;
  if (!PR_EVENTS.includes(event.name) || pr === undefined || number === undefined) {
    throw new PlanError(
      `mode auto does not handle the ${event.name} event: it deploys on pull_request opened, synchronize ` +
        'and reopened, destroys on pull_request closed, and cleans up on workflow_dispatch and schedule. ' +
        'Run prenv on those events, or set mode to deploy, destroy or cleanup explicitly.',
    );
  }
  const gate = requireLabel === undefined ? {} : { requireLabel };
  // With require-label, closed destroys what exists, and posts nothing for a PR that never had an environment.
  if (event.action === 'closed') return { kind: 'destroy', pullRequest: number, ...gate };
  if (requireLabel !== undefined && LABEL_ACTIONS.includes(event.action ?? '')) {
    return labelPlan(event, number, requireLabel);
  }
  if (event.action !== undefined && DEPLOY_ACTIONS.includes(event.action)) {
    return { kind: 'deploy', pullRequest: number, sha: pr.headSha, ...gate };
  }
  return {
    kind: 'skip',
    reason: `pull_request ${event.action ?? '(no action)'} needs no environment change; prenv acts on opened, synchronize, reopened and closed.`,
  };
}

/**
 * A `labeled` event that adds approve-label deploys again in mode auto: the push fail-on stopped is
 * now approved (deploy itself reads the labels from the API, so a removed label blocks again). In
 * mode report (the hardened layout's second job) it reports that deploy.
 */
export function withApproval(
  plan: Plan,
  mode: Mode,
  event: GitHubEvent,
  approveLabel?: string,
  requireLabel?: string,
): Plan {
  const pr = event.pullRequest;
  const approves =
    (mode === 'auto' || mode === 'report') &&
    plan.kind === 'skip' &&
    approveLabel !== undefined &&
    event.action === 'labeled' &&
    event.label !== undefined &&
    sameLabel(event.label, approveLabel) &&
    PR_EVENTS.includes(event.name) &&
    pr !== undefined &&
    pr.headRepository === event.repository;
  if (!approves) return plan;
  if (mode === 'report')
    return { kind: 'report', pullRequest: pr.number, sha: pr.headSha, operation: 'deploy' };
  // With require-label too, the deploy still needs that label when the run starts.
  return {
    kind: 'deploy',
    pullRequest: pr.number,
    sha: pr.headSha,
    ...(requireLabel === undefined ? {} : { requireLabel }),
  };
}

/** mode report: which PR to report on comes from the event (or the pull-request input), never the file. */
function reportPlan(
  event: GitHubEvent,
  number: number | undefined,
  pullRequestInput?: number,
  requireLabel?: string,
): Plan {
  const pr = event.pullRequest;
  if (number === undefined) throw new PlanError(needsPullRequest('report', event));
  if (pr === undefined || !PR_EVENTS.includes(event.name)) {
    return { kind: 'report', pullRequest: number, sha: event.sha };
  }
  if (pullRequestInput !== undefined && pullRequestInput !== pr.number) {
    throw new PlanError(
      `pull-request is ${pullRequestInput} but this ${event.name} event is for pull request #${pr.number}: ` +
        "mode report posts for the event's pull request. Remove the pull-request input.",
    );
  }
  const auto = autoPlan(event, number, requireLabel);
  if (auto.kind === 'skip') return auto;
  return {
    kind: 'report',
    pullRequest: number,
    sha: pr.headSha,
    operation: auto.kind === 'destroy' ? 'destroy' : 'deploy',
  };
}

/**
 * labeled with require-label deploys, unlabeled destroys, other labels change nothing. Both carry the
 * label, so that the labels the PR has when the run starts decide (a re-run replays an old payload).
 */
function labelPlan(event: GitHubEvent, number: number, requireLabel: string): Plan {
  if (event.label === undefined || !sameLabel(event.label, requireLabel)) {
    return {
      kind: 'skip',
      reason:
        `pull_request ${event.action} of the label "${event.label ?? '(none)'}" needs no environment change; ` +
        `prenv acts on the require-label "${requireLabel}" only.`,
    };
  }
  if (event.action === 'unlabeled') return { kind: 'destroy', pullRequest: number, requireLabel };
  return { kind: 'deploy', pullRequest: number, sha: event.pullRequest?.headSha ?? event.sha, requireLabel };
}

/** GitHub label names are unique regardless of case, so they compare so. */
export function sameLabel(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function needsPullRequest(mode: string, event: GitHubEvent): string {
  return (
    `mode ${mode} needs a pull request number, and the ${event.name} event carries none: ` +
    'set the pull-request input.'
  );
}
