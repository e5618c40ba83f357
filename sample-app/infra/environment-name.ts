/** CDK context key prenv sets to the environment name, e.g. `pr-42`. */
export const NAME_CONTEXT = 'prenv:name';
/** CDK context key that selects the production stage: `-c stage=production`. */
export const STAGE_CONTEXT = 'stage';
/** The name used when no context is given (local synth). */
export const DEFAULT_NAME = 'dev';
/** The production stage's name, and so its stack's prefix. */
export const PRODUCTION = 'production';

const VALID = /^[a-z][a-z0-9-]{0,40}$/;

/**
 * Where the app is deployed: `production` (canary releases, data kept), or a throwaway environment (a PR's
 * `prenv:name`, or `dev` for local work: every release all at once, everything deleted with the stack).
 */
export interface Stage {
  readonly name: string;
  readonly production: boolean;
}

/** The stage from CDK context (`stage`, `prenv:name`), checked so every physical name built from it is valid. */
export function stageFrom(stage: unknown, name: unknown): Stage {
  if (stage !== undefined && stage !== PRODUCTION) {
    throw new Error(
      `CDK context ${STAGE_CONTEXT} must be ${PRODUCTION} or unset: got ${JSON.stringify(stage)}`,
    );
  }
  if (stage === PRODUCTION) {
    if (name !== undefined) {
      throw new Error(`CDK context ${STAGE_CONTEXT}=${PRODUCTION} and ${NAME_CONTEXT} exclude each other`);
    }
    return { name: PRODUCTION, production: true };
  }
  return { name: environmentName(name), production: false };
}

/** The environment name from context, checked so every physical name built from it is valid. */
export function environmentName(context: unknown): string {
  const name = context === undefined ? DEFAULT_NAME : String(context);
  if (!VALID.test(name)) {
    throw new Error(`CDK context ${NAME_CONTEXT} must match ${VALID}: got ${JSON.stringify(name)}`);
  }
  if (name === PRODUCTION) {
    throw new Error(
      `CDK context ${NAME_CONTEXT} may not be ${PRODUCTION}: use -c ${STAGE_CONTEXT}=${PRODUCTION}`,
    );
  }
  return name;
}

/** The stack's name: prenv only deploys stacks named `<name>-…`. */
export function stackName(name: string): string {
  return `${name}-invoices`;
}
