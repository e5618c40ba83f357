import { templateHash } from '../domain/fingerprint.js';
import {
  describeOwner,
  keptExpiry,
  LEGACY_TAG,
  latestExpiry,
  ownerOf,
  ownershipTags,
  TAG,
} from '../domain/ownership.js';
import { type EnvironmentState, emptyState, type StackState } from '../domain/state.js';
import { waveOf } from '../domain/waves.js';
import { DeployError, messageOf, OwnershipError } from '../errors.js';
import type { Assembly, StackInfo, StackToDeploy, SynthesizedStack } from '../ports.js';
import { deleteStack, STACK_TIMEOUT_MS } from './delete-stacks.js';
import { DeployReads } from './deploy-reads.js';
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
  /** The live templates the plan read (GetTemplate), by stack name: the diff starts from these. */
  readonly templates: ReadonlyMap<string, string>;
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
  reads: DeployReads = new DeployReads(request, ports),
): Promise<DeployPlan> {
  const existing = await inspectStacks(
    assembly.stacks.map((stack) => stack.name),
    request,
    ports,
    reads,
  );
  const state = await readState(reads, ports);
  const waves = waveOf(assembly.stacks);
  const now = ports.clock.now();
  const { ttlHours } = request.inputs;
  // Tags must not change from push to push: an expiry is kept until less than half the TTL is
  // left, then renewed, so an open PR that keeps pushing is never swept.
  const live = [...existing.values()];
  const createdAt = live.map((stack) => stack.tags[TAG.createdAt]).find((value) => value);
  const sharedExpiry = latestExpiry(live.map((stack) => keptExpiry(stack.tags, now, ttlHours)));
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
  const templates = new Map<string, string>();
  const template = async (name: string) => {
    const body = await reads.template(name);
    if (body !== undefined) templates.set(name, body);
    return body;
  };
  for (const stack of assembly.stacks) {
    const wave = String(waves.get(stack.name) ?? 0);
    const current = existing.get(stack.name);
    const recorded = state.stacks[stack.name];
    const check = { wave, now, ttlHours, recorded, force: request.inputs.force };
    const decision =
      current === undefined ? undefined : await whyDeploy(current, stack, check, template, ports);
    if (current !== undefined && decision === undefined) {
      record.setStack({ name: stack.name, outcome: 'unchanged', status: current.status });
      continue;
    }
    // Only a stack prenv deployed, changed in nothing but the app's own template, may be hotswapped.
    const hotswap = request.inputs.hotswap && !request.inputs.force && decision?.hotswappable === true;
    if (decision !== undefined) {
      ports.log.info(
        `${stack.name}: deploying, ${decision.reason}${hotswap ? ' (hotswap where possible)' : ''}`,
      );
    }
    record.setStack({ name: stack.name, outcome: 'not-deployed' });
    // A new stack joins the environment's expiry; an existing one keeps its own until it renews.
    const expiresAt = current === undefined ? sharedExpiry : keptExpiry(current.tags, now, ttlHours);
    changed.push({
      name: stack.name,
      tags: { ...tagsFor(expiresAt), [TAG.wave]: wave },
      ...(hotswap ? { hotswap } : {}),
      ...(recorded?.via === 'hotswap' || request.inputs.force ? { revertDrift: true } : {}),
    });
  }
  return { existing, changed, tags: tagsFor(sharedExpiry), state, templates };
}

/** The environment's state; a store that cannot be read counts as no state (every stack deploys). */
async function readState(reads: DeployReads, ports: DeployPorts): Promise<EnvironmentState> {
  try {
    return (await reads.state()) ?? emptyState();
  } catch (error) {
    ports.log.warning(`${messageOf(error)}: every stack is deployed, as if nothing were recorded.`);
    return emptyState();
  }
}

/** Why a stack is deployed, and whether its change is only the app's template (then it may be hotswapped). */
interface Decision {
  readonly reason: string;
  readonly hotswappable: boolean;
}

/**
 * Why an existing stack must be deployed, or undefined when it is as prenv left it: settled, the
 * same fingerprint and wave, an expiry far enough away, and a live template whose hash is the one
 * prenv recorded (one GetTemplate, only for a stack that passes every other check). A stack whose
 * only difference is its fingerprint is hotswappable; any other reason goes through CloudFormation.
 */
async function whyDeploy(
  current: StackInfo,
  stack: SynthesizedStack,
  check: { wave: string; now: Date; ttlHours: number; recorded: StackState | undefined; force: boolean },
  template: (name: string) => Promise<string | undefined>,
  ports: DeployPorts,
): Promise<Decision | undefined> {
  const { recorded } = check;
  const cloudFormation = (reason: string): Decision => ({ reason, hotswappable: false });
  if (check.force) return cloudFormation('force is set');
  if (!SETTLED_OK.has(current.status)) return cloudFormation(`it is ${current.status}`);
  if (LEGACY_TAG.sha in current.tags || LEGACY_TAG.fingerprint in current.tags) {
    return cloudFormation('once, to drop the per-push tags prenv 0.1.0 wrote');
  }
  if (recorded === undefined) return cloudFormation('prenv has no record of what it deployed there');
  if (current.tags[TAG.wave] !== check.wave) return cloudFormation('its dependency order changed');
  if (keptExpiry(current.tags, check.now, check.ttlHours) === undefined) {
    return cloudFormation('to renew its expiry');
  }
  if ((stack.ssmParameters ?? []).length > 0) {
    return cloudFormation(
      `its template resolves SSM parameters at each deploy (${stack.ssmParameters?.join(', ')})`,
    );
  }
  const body = await template(current.name);
  if (body === undefined || templateHash(body) !== recorded.templateHash) {
    ports.log.warning(
      `${current.name} was changed outside prenv: its live template is not the one prenv deployed. Deploying it again.`,
    );
    return cloudFormation('its live template was changed out of band');
  }
  if (recorded.fingerprint !== stack.fingerprint) return { reason: 'it changed', hotswappable: true };
  return undefined;
}

/** Looks at every stack of the app before any write: refuses foreign stacks, repairs or waits on odd states. */
async function inspectStacks(
  names: readonly string[],
  request: DeployRequest,
  ports: DeployPorts,
  reads: DeployReads,
): Promise<Map<string, StackInfo>> {
  const found = new Map<string, StackInfo>();
  // Read at once (reads only); judged one by one, in the app's order.
  const described = await Promise.all(names.map((name) => reads.stack(name)));
  for (const [index, name] of names.entries()) {
    const stack = described[index];
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
