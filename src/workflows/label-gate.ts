import { ownedByPullRequest } from '../domain/ownership.js';
import { sameLabel } from '../domain/plan.js';
import { messageOf, PrenvError } from '../errors.js';
import type { GitHubPort, Log, StacksPort } from '../ports.js';

/** What a run gated by require-label goes on to do. */
export type LabelGate =
  | { readonly run: 'deploy' | 'destroy' }
  | { readonly run: 'nothing'; readonly reason: string };

/** What the gate needs to know. */
export interface LabelGateRequest {
  readonly repository: string;
  readonly pullRequest: number;
  readonly label: string;
  /** What the event asked for: deploy (opened, synchronize, reopened, labeled) or destroy (unlabeled). */
  readonly wants: 'deploy' | 'destroy';
}

/**
 * Decides from the labels the PR carries now (never the event's, which a re-run replays) whether
 * the run deploys, destroys or does nothing: with the label the PR may have an environment; without
 * it, an environment that exists anyway is destroyed, and none is created.
 */
export async function gateOnLabel(
  request: LabelGateRequest,
  ports: { readonly github: GitHubPort; readonly stacks: StacksPort; readonly log: Log },
): Promise<LabelGate> {
  const { pullRequest, label } = request;
  let labels: readonly string[];
  try {
    labels = (await ports.github.pullRequest(pullRequest))?.labels ?? [];
  } catch (error) {
    throw new PrenvError(
      `Could not read the labels of PR #${pullRequest} to check require-label "${label}": ${messageOf(error)}`,
      { cause: error },
    );
  }
  if (labels.some((name) => sameLabel(name, label))) {
    if (request.wants === 'deploy') return { run: 'deploy' };
    return {
      run: 'nothing',
      reason: `PR #${pullRequest} carries the label "${label}" again, so its environment stays; nothing was done.`,
    };
  }
  const owned = (await ports.stacks.list()).filter((stack) =>
    ownedByPullRequest(stack.tags, request.repository, pullRequest),
  );
  if (owned.length > 0) {
    ports.log.notice(
      `PR #${pullRequest} does not carry the label "${label}" (require-label): destroying its environment.`,
    );
    return { run: 'destroy' };
  }
  return {
    run: 'nothing',
    reason:
      `PR #${pullRequest} does not carry the label "${label}" (require-label), so it has no environment; ` +
      `nothing was deployed. Add the label to deploy one.`,
  };
}
