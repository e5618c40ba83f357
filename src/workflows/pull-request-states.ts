import { messageOf } from '../errors.js';
import type { GitHubPort, Log } from '../ports.js';
import { mapLimit } from './map-limit.js';

/** What GitHub said about a PR number: open (undefined: unknown), and whether it is a pull request at all. */
export interface PullRequestLookup {
  readonly open: boolean | undefined;
  readonly exists: boolean;
}

/** What GitHub said of each PR asked about so far in this sweep. */
export type PullRequestStates = Map<number, Promise<PullRequestLookup>>;

/**
 * Asks GitHub once per distinct PR number (once per sweep, whatever the regions) whether it is
 * open; a PR that does not exist counts as closed.
 */
export async function pullRequestStates(
  environments: readonly { pullRequest?: number }[],
  ports: { readonly github: GitHubPort | undefined; readonly log: Log },
  asked: PullRequestStates,
): Promise<Map<number, PullRequestLookup>> {
  const numbers = [...new Set(environments.map((environment) => environment.pullRequest ?? 0))].filter(
    (n) => n > 0,
  );
  const states = new Map<number, PullRequestLookup>();
  if (ports.github === undefined) {
    if (numbers.length > 0)
      ports.log.warning('No github-token: cleanup can only judge environments by their TTL.');
    return states;
  }
  const github = ports.github;
  await mapLimit(numbers, 8, async (number) => {
    const known = asked.get(number) ?? lookUp(github, number, ports.log);
    asked.set(number, known);
    states.set(number, await known);
  });
  return states;
}

/** Whether the PR is open and exists; open undefined when GitHub could not say. */
async function lookUp(github: GitHubPort, number: number, log: Log): Promise<PullRequestLookup> {
  try {
    const pr = await github.pullRequest(number);
    return { open: pr?.state === 'open', exists: pr !== undefined };
  } catch (error) {
    log.warning(`Could not read PR #${number}; judging its environment by TTL only: ${messageOf(error)}`);
    return { open: undefined, exists: false };
  }
}
