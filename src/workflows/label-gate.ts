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
  /** What the event asked for: deploy (opened, synchronize, reopened, labeled) or destroy (unlabeled, closed). */
  readonly wants: 'deploy' | 'destroy';
}

/**
 * Decides from the labels the PR carries now (never the event's, which a re-run replays) whether
 * the run deploys, destroys or does nothing: an open PR with the label may have an environment;
 * otherwise an environment that exists anyway is destroyed, and none is created or reported.
 */
export async function gateOnLabel(
  request: LabelGateRequest,
  ports: { readonly github: GitHubPort; readonly stacks: StacksPort; readonly log: Log },
): Promise<LabelGate> {
  const { pullRequest, label } = request;
  let carries: boolean;
  let closed = false;
  try {
    const pr = await ports.github.pullRequest(pullRequest);
    closed = pr?.state !== 'open';
    carries = !closed && (pr?.labels ?? []).some((name) => sameLabel(name, label));
  } catch (error) {
    const reason = `Could not read the labels of PR #${pullRequest} to check require-label "${label}": ${messageOf(error)}`;
    // Without the labels nothing is deployed, but what exists is still destroyed when asked.
    if (request.wants === 'deploy') throw new PrenvError(reason, { cause: error });
    ports.log.warning(reason);
    carries = false;
  }
  if (carries) {
    if (request.wants === 'deploy') return { run: 'deploy' };
    return {
      run: 'nothing',
      reason: `PR #${pullRequest} carries the label "${label}" again, so its environment stays; nothing was done.`,
    };
  }
  const owned = (await ports.stacks.list()).filter((stack) =>
    ownedByPullRequest(stack.tags, request.repository, pullRequest),
  );
  const why = closed ? 'is closed' : `does not carry the label "${label}" (require-label)`;
  if (owned.length > 0) {
    ports.log.notice(`PR #${pullRequest} ${why}: destroying its environment.`);
    return { run: 'destroy' };
  }
  return {
    run: 'nothing',
    reason: closed
      ? `PR #${pullRequest} is closed and has no environment; nothing was done.`
      : `PR #${pullRequest} ${why}, so it has no environment; nothing was deployed. Add the label to deploy one.`,
  };
}
