/** The inputs that decide what a reviewer sees and approves: fail-on, approve-label, url-output. */
import { FAIL_ON, type FailOn } from './domain/infra-diff.js';
import { InputError } from './errors.js';

/** The review inputs, parsed. */
export interface ReviewInputs {
  readonly failOn: FailOn;
  readonly approveLabel?: string;
  readonly urlOutput?: string;
}

/**
 * Parses fail-on, approve-label and url-output; throws InputError naming the input and the fix. In
 * mode report (the hardened layout's second job) approve-label needs no fail-on: there it only says
 * which `labeled` event re-ran the first job's deploy.
 */
export function parseReviewInputs(
  text: (name: string) => string,
  githubToken: string,
  mode?: string,
): ReviewInputs {
  const failOnText = text('fail-on') || 'none';
  const failOn = FAIL_ON.find((value) => value === failOnText);
  if (failOn === undefined) {
    throw new InputError('fail-on', `fail-on must be one of ${FAIL_ON.join(', ')}; got "${failOnText}"`);
  }
  const approveLabel = text('approve-label') || undefined;
  if (approveLabel !== undefined) {
    if (approveLabel.length > 50) {
      throw new InputError(
        'approve-label',
        `approve-label must be a GitHub label name (at most 50 characters); got "${approveLabel}"`,
      );
    }
    if (failOn === 'none' && mode !== 'report') {
      throw new InputError(
        'approve-label',
        'approve-label approves what fail-on blocks: set fail-on to security or replacement, or remove approve-label',
      );
    }
    if (githubToken === '') {
      throw new InputError(
        'approve-label',
        "approve-label needs github-token to read the pull request's labels",
      );
    }
  }
  const urlOutput = text('url-output') || undefined;
  if (urlOutput !== undefined && !/^[A-Za-z0-9]{1,255}$/.test(urlOutput)) {
    throw new InputError(
      'url-output',
      `url-output must be a stack output's OutputKey (letters and digits, as CloudFormation allows); got "${urlOutput}"`,
    );
  }
  return {
    failOn,
    ...(approveLabel === undefined ? {} : { approveLabel }),
    ...(urlOutput === undefined ? {} : { urlOutput }),
  };
}
