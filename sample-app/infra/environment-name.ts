/** CDK context key prenv sets to the environment name, e.g. `pr-42`. */
export const NAME_CONTEXT = 'prenv:name';
/** The name used when no context is given (local synth). */
export const DEFAULT_NAME = 'dev';

const VALID = /^[a-z][a-z0-9-]{0,40}$/;

/** The environment name from context, checked so every physical name built from it is valid. */
export function environmentName(context: unknown): string {
  const name = context === undefined ? DEFAULT_NAME : String(context);
  if (!VALID.test(name)) {
    throw new Error(`CDK context ${NAME_CONTEXT} must match ${VALID}: got ${JSON.stringify(name)}`);
  }
  return name;
}

/** The stack's name: prenv only deploys stacks named `<name>-…`. */
export function stackName(name: string): string {
  return `${name}-invoices`;
}
