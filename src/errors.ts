/** Errors prenv raises. One base class; `cause` is always kept. */

/** Base class of every error prenv raises on purpose. */
export class PrenvError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** An action input (or the environment standing in for one) is invalid. Raised before any AWS call. */
export class InputError extends PrenvError {
  constructor(
    readonly input: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The event cannot be handled in the requested mode. */
export class PlanError extends PrenvError {}

/** Credentials could not be obtained, or the account is not allowed. */
export class CredentialsError extends PrenvError {}

/** A stack is not prenv's to touch (untagged, another repository or another PR). */
export class OwnershipError extends PrenvError {}

/** The CDK app failed to synthesize, or produced stacks prenv refuses. */
export class SynthError extends PrenvError {}

/** A stack failed to deploy. */
export class DeployError extends PrenvError {
  constructor(
    message: string,
    readonly stackName?: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The stacks could not be compared with their live templates. */
export class DiffError extends PrenvError {}

/** fail-on found a change the pull request's labels do not approve; nothing was deployed. */
export class BlockedError extends PrenvError {}

/** The per-environment state store could not be read, written or deleted. */
export class StateStoreError extends PrenvError {}

/** Stack outputs cannot be turned into environment variables (e.g. the same key twice). */
export class OutputsError extends PrenvError {}

/** A leftover resource prenv must not delete after all (e.g. a table with deletion protection). */
export class LeftoverRefusedError extends PrenvError {}

/** Returns the message of anything thrown, Error or not. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}
