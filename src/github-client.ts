import type { RunContext } from './adapters/github-context.js';
import { OctokitGitHub } from './adapters/octokit-github.js';
import type { Inputs } from './inputs.js';
import type { GitHubPort, Log } from './ports.js';

/**
 * The GitHub client of a run, or undefined without a github-token. A deploy, destroy or report writes
 * a handful of times: three back to back, then 250 ms apart; a sweep keeps GitHub's one second.
 */
export function gitHubClient(
  inputs: Pick<Inputs, 'githubToken' | 'commentAuthor'>,
  context: Pick<RunContext, 'apiUrl' | 'repository'>,
  log: Log,
  options: { readonly fewWrites: boolean },
): GitHubPort | undefined {
  if (inputs.githubToken === '') return undefined;
  return new OctokitGitHub({
    token: inputs.githubToken,
    apiUrl: context.apiUrl,
    repository: context.repository,
    log,
    commentAuthor: inputs.commentAuthor,
    ...(options.fewWrites ? { writeIntervalMs: 250, writeBurst: 3 } : {}),
  });
}
