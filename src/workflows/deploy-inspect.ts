import { describeOwner, ownerOf, ownershipTags, TAG } from '../domain/ownership.js';
import { waveOf } from '../domain/waves.js';
import { DeployError, OwnershipError } from '../errors.js';
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
  /** The ownership tags written to every changed stack. */
  readonly tags: Readonly<Record<string, string>>;
}

/**
 * Looks at every stack of the app and decides what to deploy: refuses foreign stacks, waits on or
 * replaces stacks in odd states, and skips stacks whose fingerprint says they have not changed.
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
  const waves = waveOf(assembly.stacks);
  const createdAt = [...existing.values()].map((stack) => stack.tags[TAG.createdAt]).find((value) => value);
  const tags = ownershipTags({
    repository: request.repository,
    pullRequest: request.pullRequest,
    environment: request.environment,
    sha: request.sha,
    now: ports.clock.now(),
    ttlHours: request.inputs.ttlHours,
    ...(createdAt === undefined ? {} : { createdAt }),
  });
  // An unchanged stack is not deployed again (no CloudFormation write), unless less than half its
  // TTL is left: then its tags are rewritten, so an open PR that keeps pushing is never swept.
  const renewBefore = ports.clock.now().getTime() + (request.inputs.ttlHours * 3_600_000) / 2;
  const changed: StackToDeploy[] = [];
  for (const stack of assembly.stacks) {
    const wave = String(waves.get(stack.name) ?? 0);
    const current = existing.get(stack.name);
    if (current !== undefined && isUnchanged(current, stack, wave, renewBefore)) {
      record.setStack({ name: stack.name, outcome: 'unchanged', status: current.status });
      continue;
    }
    record.setStack({ name: stack.name, outcome: 'not-deployed' });
    changed.push({
      name: stack.name,
      tags: { ...tags, [TAG.fingerprint]: stack.fingerprint, [TAG.wave]: wave },
    });
  }
  return { existing, changed, tags };
}

function isUnchanged(
  current: StackInfo,
  stack: SynthesizedStack,
  wave: string,
  renewBefore: number,
): boolean {
  const expiresAt = Date.parse(current.tags[TAG.expiresAt] ?? '');
  return (
    SETTLED_OK.has(current.status) &&
    current.tags[TAG.fingerprint] === stack.fingerprint &&
    current.tags[TAG.wave] === wave &&
    Number.isFinite(expiresAt) &&
    expiresAt >= renewBefore
  );
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
