import { messageOf } from '../errors.js';
import type { GitHubPort, Log } from '../ports.js';
import { mapLimit } from './map-limit.js';

/** What GitHub said of each PR asked about so far: open, closed (or gone), or undefined when it could not say. */
export type PullRequestStates = Map<number, Promise<boolean | undefined>>;

/**
 * Asks GitHub once per distinct PR number (once per sweep, whatever the regions) whether it is
 * open; a PR that does not exist counts as closed.
 */
export async function pullRequestStates(
  environments: readonly { pullRequest?: number }[],
  ports: { readonly github: GitHubPort | undefined; readonly log: Log },
  asked: PullRequestStates,
): Promise<Map<number, boolean | undefined>> {
  const numbers = [...new Set(environments.map((environment) => environment.pullRequest ?? 0))].filter(
    (n) => n > 0,
  );
  const states = new Map<number, boolean | undefined>();
  if (ports.github === undefined) {
    if (numbers.length > 0)
      ports.log.warning('No github-token: cleanup can only judge environments by their TTL.');
    return states;
  }
  const github = ports.github;
  await mapLimit(numbers, 8, async (number) => {
    const known = asked.get(number) ?? isOpen(github, number, ports.log);
    asked.set(number, known);
    states.set(number, await known);
  });
  return states;
}

/** Whether the PR is open; undefined when GitHub could not say. */
async function isOpen(github: GitHubPort, number: number, log: Log): Promise<boolean | undefined> {
  try {
    const pr = await github.pullRequest(number);
    return pr?.state === 'open';
  } catch (error) {
    log.warning(`Could not read PR #${number}; judging its environment by TTL only: ${messageOf(error)}`);
    return undefined;
  }
}
