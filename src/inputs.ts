import { isAbsolute, relative, resolve, sep } from 'node:path';
import { checkEnvironmentTemplate } from './domain/naming.js';
import { InputError } from './errors.js';
import { parseReviewInputs, type ReviewInputs } from './inputs-review.js';

/** The modes prenv runs in. */
export const MODES = ['auto', 'deploy', 'destroy', 'cleanup', 'report'] as const;
export type Mode = (typeof MODES)[number];

/** How CloudFormation is asked to deploy. */
export const DEPLOYMENT_METHODS = ['change-set', 'direct'] as const;
export type DeploymentMethod = (typeof DEPLOYMENT_METHODS)[number];

/** Every action input, parsed and validated. Paths are absolute. */
export interface Inputs extends ReviewInputs {
  readonly mode: Mode;
  readonly roleToAssume?: string;
  readonly awsRegion: string;
  /** Regions cleanup sweeps; [awsRegion] unless the regions input lists others. */
  readonly regions: readonly string[];
  readonly allowedAccountIds: readonly string[];
  readonly roleSessionName?: string;
  readonly roleDurationSeconds: number;
  readonly audience: string;
  readonly appDir: string;
  readonly app?: string;
  readonly environmentName: string;
  readonly context: Readonly<Record<string, string>>;
  readonly bootstrap: boolean;
  readonly deploymentMethod: DeploymentMethod;
  /** Apply a push that changes only hotswappable code without a CloudFormation deployment. */
  readonly hotswap: boolean;
  /** Deploy every stack through CloudFormation, whatever changed, clearing hotswap drift. */
  readonly force: boolean;
  readonly ttlHours: number;
  readonly testCommand?: string;
  readonly testWorkingDirectory: string;
  /** Glob of JUnit files, relative to the workspace. */
  readonly testReport?: string;
  readonly testTimeoutMinutes: number;
  readonly githubToken: string;
  readonly comment: boolean;
  readonly pullRequest?: number;
  readonly dryRun: boolean;
  /** Output names or globs shown as hidden (secret-looking names always are). */
  readonly hideOutputs: readonly string[];
  /** Login whose comment is the sticky one. */
  readonly commentAuthor: string;
  /** mode report: the report file to post (absolute). */
  readonly reportFile?: string;
  /**
   * How often stack status and events are read while stacks change; undefined: prenv's defaults,
   * which share the account's read quota (adapters/polling.ts).
   */
  readonly pollIntervalMs?: number;
  /** A PR has an environment only while it carries this label. */
  readonly requireLabel?: string;
}

/** Reads one input by its action.yml name; returns '' when unset. */
export type InputReader = (name: string) => string;

const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
const ACCOUNT_ID = /^\d{12}$/;
const CONTEXT_KEY = /^[\w:.@/-]+$/;

/** Parses and validates every input before any I/O; throws InputError naming the input. */
export function parseInputs(
  read: InputReader,
  env: { workspace: string; awsRegion?: string | undefined },
): Inputs {
  const text = (name: string) => read(name).trim();
  const optional = (name: string) => text(name) || undefined;

  // mode first: it decides what everything else means.
  const mode = oneOf('mode', text('mode') || 'auto', MODES);
  const roleToAssume = optional('role-to-assume');
  if (roleToAssume !== undefined && !ROLE_ARN.test(roleToAssume)) {
    throw new InputError(
      'role-to-assume',
      `role-to-assume must be an IAM role ARN like arn:aws:iam::111122223333:role/prenv-sandbox; got "${roleToAssume}"`,
    );
  }
  const awsRegion = text('aws-region') || env.awsRegion?.trim() || '';
  // mode report posts a file and never calls AWS.
  if (awsRegion === '' && mode !== 'report') {
    throw new InputError(
      'aws-region',
      'aws-region is required: set the input or the AWS_REGION environment variable',
    );
  }
  if (awsRegion !== '' && !REGION.test(awsRegion)) {
    throw new InputError(
      'aws-region',
      `aws-region must be an AWS region such as eu-west-2; got "${awsRegion}"`,
    );
  }
  const testCommand = optional('test-command');
  const testReport = optional('test-report');
  if (testReport !== undefined) insideWorkspace('test-report', testReport, env.workspace);
  const app = optional('app');
  const pullRequest = optional('pull-request');
  const reportFile = optional('report-file');
  if (mode === 'report' && reportFile === undefined) {
    throw new InputError(
      'report-file',
      "mode report needs report-file: the path the first job's report file was downloaded to",
    );
  }
  const pollIntervalMs = optional('poll-interval-ms');
  const requireLabel = optional('require-label');
  const githubToken = text('github-token');
  if (requireLabel !== undefined && githubToken === '') {
    throw new InputError(
      'require-label',
      `require-label is "${requireLabel}" but github-token is empty: prenv reads the PR's labels from the GitHub API. ` +
        "Set github-token (the default, the workflow's github.token, is enough) or remove require-label.",
    );
  }

  return {
    mode,
    ...(roleToAssume === undefined ? {} : { roleToAssume }),
    awsRegion,
    regions: regionList(text('regions'), awsRegion),
    allowedAccountIds: accountIds(text('allowed-account-ids')),
    ...(optional('role-session-name') === undefined
      ? {}
      : { roleSessionName: sessionName(text('role-session-name')) }),
    roleDurationSeconds: integer(
      'role-duration-seconds',
      text('role-duration-seconds') || '3600',
      900,
      43200,
    ),
    audience: text('audience') || 'sts.amazonaws.com',
    appDir: insideWorkspace('app-dir', text('app-dir') || '.', env.workspace),
    ...(app === undefined ? {} : { app }),
    environmentName: checkEnvironmentTemplate(text('environment-name') || 'pr-{number}'),
    context: contextLines(read('context')),
    bootstrap: boolean('bootstrap', text('bootstrap') || 'false'),
    deploymentMethod: oneOf(
      'deployment-method',
      text('deployment-method') || 'change-set',
      DEPLOYMENT_METHODS,
    ),
    hotswap: boolean('hotswap', text('hotswap') || 'true'),
    force: boolean('force', text('force') || 'false'),
    ttlHours: integer('ttl-hours', text('ttl-hours') || '72', 1, 24 * 365),
    ...(testCommand === undefined ? {} : { testCommand }),
    testWorkingDirectory: insideWorkspace(
      'test-working-directory',
      text('test-working-directory') || '.',
      env.workspace,
    ),
    ...(testReport === undefined ? {} : { testReport }),
    testTimeoutMinutes: integer('test-timeout-minutes', text('test-timeout-minutes') || '30', 1, 360),
    githubToken,
    comment: boolean('comment', text('comment') || 'true'),
    ...(pullRequest === undefined ? {} : { pullRequest: pullRequestNumber(pullRequest) }),
    dryRun: boolean('dry-run', text('dry-run') || 'false'),
    hideOutputs: outputPatterns(read('hide-outputs')),
    commentAuthor: commentAuthor(text('comment-author')),
    ...(reportFile === undefined ? {} : { reportFile: resolve(env.workspace, reportFile) }),
    ...(pollIntervalMs === undefined
      ? {}
      : { pollIntervalMs: integer('poll-interval-ms', pollIntervalMs, 1, 600_000) }),
    ...(requireLabel === undefined ? {} : { requireLabel }),
    ...parseReviewInputs(text, text('github-token'), mode),
  };
}

/** The default token's identity: the author of the sticky comment when comment-author is empty. */
export const DEFAULT_COMMENT_AUTHOR = 'github-actions[bot]';

function outputPatterns(value: string): string[] {
  const patterns = value
    .split(/[\s,]+/)
    .map((pattern) => pattern.trim())
    .filter((pattern) => pattern !== '');
  const bad = patterns.find((pattern) => !/^[\w*?.:-]+$/.test(pattern));
  if (bad !== undefined) {
    throw new InputError(
      'hide-outputs',
      `hide-outputs must be output names or globs such as DbPassword or Internal*, separated by commas or new lines; got "${bad}"`,
    );
  }
  return patterns;
}

function commentAuthor(value: string): string {
  if (value === '') return DEFAULT_COMMENT_AUTHOR;
  if (!/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(\[bot\])?$/.test(value)) {
    throw new InputError(
      'comment-author',
      `comment-author must be a GitHub login such as my-app[bot] or octocat; got "${value}"`,
    );
  }
  return value;
}

/**
 * Refuses a deploy whose e2e command would outlive a fresh session: with role-to-assume, prenv assumes
 * the role again right before the tests, and that session lasts role-duration-seconds.
 */
export function checkSessionCoversTests(inputs: Inputs): void {
  if (inputs.roleToAssume === undefined || inputs.testCommand === undefined) return;
  const needed = inputs.testTimeoutMinutes * 60;
  if (inputs.roleDurationSeconds >= needed) return;
  throw new InputError(
    'role-duration-seconds',
    `role-duration-seconds (${inputs.roleDurationSeconds}) is shorter than test-timeout-minutes ` +
      `(${inputs.testTimeoutMinutes} min = ${needed} s): the e2e command's credentials would expire while it runs. ` +
      `Set role-duration-seconds to at least ${needed} (and the role's maximum session duration with it), ` +
      'or lower test-timeout-minutes.',
  );
}

/** The regions input: comma- or space-separated regions, each checked, duplicates dropped. */
function regionList(value: string, awsRegion: string): string[] {
  const regions = value.split(/[\s,]+/).filter((region) => region !== '');
  if (regions.length === 0) return [awsRegion];
  const bad = regions.find((region) => !REGION.test(region));
  if (bad !== undefined) {
    throw new InputError(
      'regions',
      `regions must be comma-separated AWS regions such as eu-west-2,us-east-1; got "${bad}"`,
    );
  }
  return [...new Set(regions)];
}

function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  const found = allowed.find((candidate) => candidate === value);
  if (found === undefined) {
    throw new InputError(name, `${name} must be one of ${allowed.join(', ')}; got "${value}"`);
  }
  return found;
}

function pullRequestNumber(value: string): number {
  if (!/^[1-9]\d*$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new InputError(
      'pull-request',
      `pull-request must be a pull request number such as 42 (digits only, no #); got "${value}"`,
    );
  }
  return Number(value);
}

function integer(name: string, value: string, min: number, max: number): number {
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new InputError(name, `${name} must be a whole number from ${min} to ${max}; got "${value}"`);
  }
  return Number(value);
}

/** YAML 1.2 core schema booleans, as @actions/core's getBooleanInput accepts them. */
/** Parses a boolean input as the YAML 1.2 core schema writes it; throws InputError naming it otherwise. */
export function boolean(name: string, value: string): boolean {
  if (['true', 'True', 'TRUE'].includes(value)) return true;
  if (['false', 'False', 'FALSE'].includes(value)) return false;
  throw new InputError(name, `${name} must be true or false; got "${value}"`);
}

function accountIds(value: string): string[] {
  if (value === '') return [];
  const ids = value.split(/[\s,]+/).filter((id) => id !== '');
  const bad = ids.find((id) => !ACCOUNT_ID.test(id));
  if (bad !== undefined) {
    throw new InputError(
      'allowed-account-ids',
      `allowed-account-ids must be comma-separated 12-digit AWS account ids; got "${bad}"`,
    );
  }
  return ids;
}

function sessionName(value: string): string {
  if (!/^[\w+=,.@-]{2,64}$/.test(value)) {
    throw new InputError(
      'role-session-name',
      `role-session-name must be 2-64 characters of letters, digits and +=,.@_-; got "${value}"`,
    );
  }
  return value;
}

function contextLines(value: string): Record<string, string> {
  const context: Record<string, string> = {};
  for (const raw of value.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const at = line.indexOf('=');
    const key = at > 0 ? line.slice(0, at).trim() : '';
    if (!CONTEXT_KEY.test(key)) {
      throw new InputError('context', `context must be key=value lines; got "${line}"`);
    }
    if (key.startsWith('prenv:')) {
      throw new InputError(
        'context',
        `context keys starting with prenv: are set by prenv itself; got "${key}"`,
      );
    }
    context[key] = line.slice(at + 1).trim();
  }
  return context;
}

function insideWorkspace(name: string, value: string, workspace: string): string {
  const absolute = resolve(workspace, value);
  const rel = relative(workspace, absolute);
  // `rel.startsWith('..')` alone would also refuse a folder named `..reports` inside the repository.
  const escapes = rel === '..' || rel.startsWith(`..${sep}`);
  if (isAbsolute(value) || escapes || isAbsolute(rel)) {
    throw new InputError(
      name,
      `${name} must be a path inside the repository, relative to its root; got "${value}"`,
    );
  }
  return absolute;
}
