import { templateHash } from '../domain/fingerprint.js';
import { describeOwner, keptExpiry, LEGACY_TAG, ownerOf, ownershipTags, TAG } from '../domain/ownership.js';
import { type EnvironmentState, emptyState, type StackState } from '../domain/state.js';
import { waveOf } from '../domain/waves.js';
import { DeployError, messageOf, OwnershipError } from '../errors.js';
import type { Assembly, StackInfo, StackToDeploy, SynthesizedStack } from '../ports.js';
import { deleteStack, STACK_TIMEOUT_MS } from './delete-stacks.js';
import type { DeployRecord } from './deploy-record.js';
import type { DeployPorts, DeployRequest } from './deploy-types.js';

const SETTLED_OK = new Set(['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'IMPORT_COMPLETE']);
const REPLACE = new Set(['ROLLBACK_COMPLETE', 'ROLLBACK_FAILED', 'DELETE_FAILED', 'REVIEW_IN_PROGRESS']);

/** What the deploy will write, decided before any write. */
export interface DeployPlan {
  /** The app's stacks that exist and are prenv's, as they are now. */
  readonly existing: ReadonlyMap<string, StackInfo>;
  /** The stacks to deploy, with the tags each must carry. */
  readonly changed: readonly StackToDeploy[];
  /** The ownership tags a new stack gets. */
  readonly tags: Readonly<Record<string, string>>;
  /** The environment's state as the deploy found it (empty when there was none). */
  readonly state: EnvironmentState;
}

/**
 * Looks at every stack of the app and decides what to deploy: refuses foreign stacks, waits on or
 * replaces stacks in odd states, and skips stacks that prenv's state says have not changed.
 */
export async function planDeploy(
  assembly: Assembly,
  request: DeployRequest,
  ports: DeployPorts,
  record: DeployRecord,
): Promise<DeployPlan> {
  const existing = await inspectStacks(
    assembly.stacks.map((stack) => stack.name),
    request,
    ports,
  );
  const state = await readState(request, ports);
  const waves = waveOf(assembly.stacks);
  const now = ports.clock.now();
  const { ttlHours } = request.inputs;
  // Tags must not change from push to push: an expiry is kept until less than half the TTL is
  // left, then renewed, so an open PR that keeps pushing is never swept.
  const live = [...existing.values()];
  const createdAt = live.map((stack) => stack.tags[TAG.createdAt]).find((value) => value);
  const sharedExpiry = latestOf(live.map((stack) => keptExpiry(stack.tags, now, ttlHours)));
  const tagsFor = (expiresAt: string | undefined) =>
    ownershipTags({
      repository: request.repository,
      pullRequest: request.pullRequest,
      environment: request.environment,
      now,
      ttlHours,
      ...(createdAt === undefined ? {} : { createdAt }),
      ...(expiresAt === undefined ? {} : { expiresAt }),
    });
  const changed: StackToDeploy[] = [];
  for (const stack of assembly.stacks) {
    const wave = String(waves.get(stack.name) ?? 0);
    const current = existing.get(stack.name);
    const check = { wave, now, ttlHours, recorded: state.stacks[stack.name] };
    const reason = current === undefined ? undefined : await whyDeploy(current, stack, check, ports);
    if (current !== undefined && reason === undefined) {
      record.setStack({ name: stack.name, outcome: 'unchanged', status: current.status });
      continue;
    }
    if (reason !== undefined) ports.log.info(`${stack.name}: deploying, ${reason}`);
    record.setStack({ name: stack.name, outcome: 'not-deployed' });
    // A new stack joins the environment's expiry; an existing one keeps its own until it renews.
    const expiresAt = current === undefined ? sharedExpiry : keptExpiry(current.tags, now, ttlHours);
    changed.push({ name: stack.name, tags: { ...tagsFor(expiresAt), [TAG.wave]: wave } });
  }
  return { existing, changed, tags: tagsFor(sharedExpiry), state };
}

/** The environment's state; a store that cannot be read counts as no state (every stack deploys). */
async function readState(request: DeployRequest, ports: DeployPorts): Promise<EnvironmentState> {
  try {
    return (await ports.state.read(request.environment)) ?? emptyState();
  } catch (error) {
    ports.log.warning(`${messageOf(error)}: every stack is deployed, as if nothing were recorded.`);
    return emptyState();
  }
}

/**
 * Why an existing stack must be deployed, or undefined when it is as prenv left it: settled, the
 * same fingerprint and wave, an expiry far enough away, and a live template whose hash is the one
 * prenv recorded (one GetTemplate, only for a stack that passes every other check).
 */
async function whyDeploy(
  current: StackInfo,
  stack: SynthesizedStack,
  check: { wave: string; now: Date; ttlHours: number; recorded: StackState | undefined },
  ports: DeployPorts,
): Promise<string | undefined> {
  const { recorded } = check;
  if (!SETTLED_OK.has(current.status)) return `it is ${current.status}`;
  if (LEGACY_TAG.sha in current.tags || LEGACY_TAG.fingerprint in current.tags) {
    return 'once, to drop the per-push tags prenv 0.1.0 wrote';
  }
  if (recorded === undefined) return 'prenv has no record of what it deployed there';
  if (recorded.fingerprint !== stack.fingerprint) return 'it changed';
  if (current.tags[TAG.wave] !== check.wave) return 'its dependency order changed';
  if (keptExpiry(current.tags, check.now, check.ttlHours) === undefined) return 'to renew its expiry';
  if ((stack.ssmParameters ?? []).length > 0) {
    return `its template resolves SSM parameters at each deploy (${stack.ssmParameters?.join(', ')})`;
  }
  const body = await ports.stacks.template(current.name);
  if (body === undefined || templateHash(body) !== recorded.templateHash) {
    ports.log.warning(
      `${current.name} was changed outside prenv: its live template is not the one prenv deployed. Deploying it again.`,
    );
    return 'its live template was changed out of band';
  }
  return undefined;
}

/** The latest of some ISO timestamps. */
function latestOf(values: readonly (string | undefined)[]): string | undefined {
  return values
    .filter((value): value is string => value !== undefined && value !== '')
    .sort()
    .at(-1);
}

/** Looks at every stack of the app before any write: refuses foreign stacks, repairs or waits on odd states. */
async function inspectStacks(
  names: readonly string[],
  request: DeployRequest,
  ports: DeployPorts,
): Promise<Map<string, StackInfo>> {
  const found = new Map<string, StackInfo>();
  for (const name of names) {
    const stack = await ports.stacks.get(name);
    if (stack === undefined) continue;
    if (await isLeftoverChangeSet(stack, ports)) {
      // DESIGN.md's narrow addition: an unexecuted change set's stack in our prefix is ours to replace.
      ports.log.warning(
        `${name} is REVIEW_IN_PROGRESS with no resources and no tags (a change set created but never ` +
          'executed): deleting it to create the stack again',
      );
      found.set(name, stack);
      continue;
    }
    const owner = ownerOf(stack.tags, request.repository, request.pullRequest);
    if (owner.kind !== 'this-pr') {
      throw new OwnershipError(
        `Stack ${name} already exists and belongs to ${describeOwner(owner)}, so prenv will not update it. ` +
          'If two repositories share this sandbox account, give each its own names with ' +
          'environment-name: {repo}-pr-{number}.',
      );
    }
    found.set(name, stack);
  }
  for (const [name, stack] of found) {
    const current = await readyForUpdate(name, stack, ports);
    if (current === undefined) found.delete(name);
    else found.set(name, current);
  }
  return found;
}

/**
 * A stack left by a change set that was created and never executed: REVIEW_IN_PROGRESS, no tags
 * (real CloudFormation may show none then) and no resources. Its name is the app's, which
 * prenv has already checked to be in the environment's prefix.
 */
async function isLeftoverChangeSet(stack: StackInfo, ports: DeployPorts): Promise<boolean> {
  if (stack.status !== 'REVIEW_IN_PROGRESS' || Object.keys(stack.tags).length > 0) return false;
  return (await ports.stacks.resources(stack.id)).length === 0;
}

/** Waits for a stack in progress to settle, and deletes one that cannot be updated; undefined once gone. */
async function readyForUpdate(
  name: string,
  stack: StackInfo,
  ports: DeployPorts,
): Promise<StackInfo | undefined> {
  let current: StackInfo | undefined = stack;
  if (current.status.endsWith('_IN_PROGRESS') && current.status !== 'REVIEW_IN_PROGRESS') {
    ports.log.info(
      `${name} is ${current.status} (another run, or a cancelled one); waiting for it to settle`,
    );
    current = await ports.stacks.settle(current.id, STACK_TIMEOUT_MS);
    if (current?.status.endsWith('_IN_PROGRESS')) {
      throw new DeployError(
        `${name} is still ${current.status} after ${STACK_TIMEOUT_MS / 60_000} minutes; try again later.`,
        name,
      );
    }
  }
  if (current?.status === 'UPDATE_ROLLBACK_FAILED') {
    throw new DeployError(
      `${name} is UPDATE_ROLLBACK_FAILED: CloudFormation needs the rollback finished before anything else. ` +
        `Run \`aws cloudformation continue-update-rollback --stack-name ${name}\` (skipping the resources ` +
        'that cannot roll back), or close and reopen the PR to destroy and recreate the environment.',
      name,
    );
  }
  if (current !== undefined && REPLACE.has(current.status)) {
    ports.log.warning(
      `${name} is ${current.status}, which cannot be updated: deleting it to create it again`,
    );
    const deleted = await deleteStack(ports.stacks, current, ports.log, ports.buckets);
    if (deleted.report.outcome !== 'deleted') {
      throw new DeployError(`${name} is ${current.status} and could not be deleted to recreate it.`, name);
    }
    return undefined;
  }
  return current;
}
