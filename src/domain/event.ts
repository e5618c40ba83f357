/** The parts of a GitHub event prenv decides on, read from the webhook payload. */

/** A pull request as the event describes it. */
export interface PullRequestInfo {
  readonly number: number;
  readonly headSha: string;
  /**
   * owner/repo of the head branch; differs from the repository for a fork PR. Empty when the payload
   * does not say (GitHub sends `head.repo: null` once a fork is deleted): an unknown head counts as a fork.
   */
  readonly headRepository: string;
  readonly merged: boolean;
  readonly state: 'open' | 'closed';
}

/** The triggering event. */
export interface GitHubEvent {
  /** GITHUB_EVENT_NAME, e.g. pull_request, workflow_dispatch, schedule. */
  readonly name: string;
  /** The payload's action, e.g. opened, synchronize, closed. */
  readonly action?: string;
  /** owner/repo the workflow runs in. */
  readonly repository: string;
  /** GITHUB_SHA. */
  readonly sha: string;
  readonly pullRequest?: PullRequestInfo;
  /** The label added or removed, on a pull_request labeled or unlabeled event. */
  readonly label?: string;
}

/** Turns a webhook payload (already JSON-parsed) into a GitHubEvent. */
export function readEvent(name: string, repository: string, sha: string, payload: unknown): GitHubEvent {
  const body = asRecord(payload);
  const action = typeof body.action === 'string' ? body.action : undefined;
  const pr = asRecord(body.pull_request);
  const number = typeof pr.number === 'number' ? pr.number : undefined;
  const label = stringAt(asRecord(body.label), 'name');
  const pullRequest: PullRequestInfo | undefined =
    number === undefined
      ? undefined
      : {
          number,
          headSha: stringAt(asRecord(pr.head), 'sha') ?? sha,
          headRepository: stringAt(asRecord(asRecord(pr.head).repo), 'full_name') ?? '',
          merged: pr.merged === true,
          state: pr.state === 'closed' ? 'closed' : 'open',
        };
  return {
    name,
    repository,
    sha,
    ...(action === undefined ? {} : { action }),
    ...(pullRequest === undefined ? {} : { pullRequest }),
    ...(label === undefined ? {} : { label }),
  };
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

function stringAt(record: Record<string, unknown>, key: string): string | undefined {
  const value = record[key];
  return typeof value === 'string' ? value : undefined;
}
