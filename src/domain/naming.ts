import { InputError } from '../errors.js';

/** CloudFormation's stack name rule. */
export const STACK_NAME = /^[A-Za-z][A-Za-z0-9-]*$/;
export const STACK_NAME_MAX = 128;
/**
 * The tightest limit on names AWS derives from a stack name: S3 bucket names (63, lowercase);
 * Lambda function and IAM role names allow 64.
 */
export const DERIVED_NAME_MAX = 63;
/**
 * Room a derived name needs after `<name>-`: a short construct id plus the random suffix
 * CloudFormation appends (13 characters) and a separator.
 */
export const MIN_ROOM = 24;
/** The longest environment name that still leaves MIN_ROOM in every derived name. */
export const ENVIRONMENT_NAME_MAX = DERIVED_NAME_MAX - 1 - MIN_ROOM;

/** Expands the environment-name template (`{number}`, `{repo}`) and checks the result fits AWS limits. */
export function environmentName(template: string, values: { number: number; repository: string }): string {
  checkEnvironmentTemplate(template);
  const repo = (values.repository.split('/')[1] ?? values.repository)
    .replace(/[^A-Za-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '');
  const name = template.replaceAll('{number}', String(values.number)).replaceAll('{repo}', repo);
  checkEnvironmentName(name, template);
  return name;
}

/** Returns the template when it uses no placeholder other than {number} and {repo}; throws InputError otherwise. */
export function checkEnvironmentTemplate(template: string): string {
  const unknown = template.match(/\{(?!number\}|repo\})[^}]*\}/);
  if (unknown !== null) {
    throw new InputError(
      'environment-name',
      `environment-name may use {number} and {repo} only; got "${unknown[0]}" in "${template}"`,
    );
  }
  return template;
}

/** Throws InputError when a name is not a valid stack-name prefix with room for derived names. */
export function checkEnvironmentName(name: string, template = name): void {
  if (!STACK_NAME.test(name) || name.endsWith('-') || name.includes('--')) {
    throw new InputError(
      'environment-name',
      `environment-name must expand to letters, digits and single hyphens, starting with a letter ` +
        `(CloudFormation's stack name rule); "${template}" gave "${name}"`,
    );
  }
  if (name.length > ENVIRONMENT_NAME_MAX) {
    const room = DERIVED_NAME_MAX - name.length - 1;
    throw new InputError(
      'environment-name',
      `environment-name "${name}" is ${name.length} characters: after "${name}-" only ${Math.max(room, 0)} of the ` +
        `${DERIVED_NAME_MAX} characters AWS allows in names derived from stack names (S3 buckets 63, ` +
        `Lambda functions and IAM roles 64) are left, and at least ${MIN_ROOM} are needed. ` +
        `Shorten it to ${ENVIRONMENT_NAME_MAX} characters or fewer.`,
    );
  }
}

/** Returns the stacks whose names do not start with `<name>-` or break CloudFormation's rules. */
export function stacksOutsidePrefix(name: string, stacks: readonly string[]): string[] {
  return stacks.filter(
    (stack) =>
      !stack.startsWith(`${name}-`) ||
      stack.length === name.length + 1 ||
      !STACK_NAME.test(stack) ||
      stack.length > STACK_NAME_MAX,
  );
}

/** A role session name fitting STS's rule (2-64 of [\w+=,.@-]), e.g. prenv-invoices-pr-42. */
export function roleSessionName(repository: string, pullRequest: number | undefined): string {
  const repo = (repository.split('/')[1] ?? repository).replace(/[^\w+=,.@-]+/g, '-');
  const suffix = pullRequest === undefined ? '-sweep' : `-pr-${pullRequest}`;
  const head = `prenv-${repo}`.slice(0, 64 - suffix.length);
  return `${head}${suffix}`;
}
