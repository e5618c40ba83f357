/**
 * A stateful in-memory CloudFormation, as our StacksPort sees it, for the states moto cannot
 * produce: *_IN_PROGRESS for a number of polls, DELETE_FAILED on the first deletes, FORCE deletes,
 * stacks vanishing out of band, rollbacks with a root cause. It records every call, tracks how
 * many deletes are in flight at once, and polls on a FakeClock (so nothing sleeps for real).
 */
import { TAG } from '../../src/domain/ownership.js';
import type { FailureCause, StackOutput } from '../../src/domain/report.js';
import type { BucketsPort, StackInfo, StackResource, StacksPort } from '../../src/ports.js';
import { type DeployTarget, type FakeClock, fakeTemplate, type Journal, tick } from './fake-ports.js';

/** A stack to seed the fake with. */
export interface FakeStackSpec {
  readonly name: string;
  /** @default CREATE_COMPLETE */
  readonly status?: string;
  readonly statusReason?: string;
  readonly tags?: Readonly<Record<string, string>>;
  /** OutputKey → value. */
  readonly outputs?: Readonly<Record<string, string>>;
  readonly createdAt?: Date;
  /**
   * Statuses the stack shows on successive settle polls (the first poll shows the first); once
   * used up the last one stays; DELETE_COMPLETE makes the stack vanish. See inProgressFor.
   */
  readonly polls?: readonly string[];
  /** How many standard (non-force) deletes end in DELETE_FAILED. @default 0 */
  readonly deleteFailures?: number;
  /** A FORCE_DELETE_STACK delete ends in DELETE_FAILED too. @default false */
  readonly forceDeleteFails?: boolean;
  /** StackStatusReason after a failed delete. */
  readonly deleteFailureReason?: string;
  /** Settle polls a delete stays DELETE_IN_PROGRESS before it ends. @default 1 */
  readonly deletePolls?: number;
  /** delete() rejects with this (e.g. termination protection, AccessDenied). */
  readonly deleteError?: unknown;
  /** What firstFailure answers for this stack. */
  readonly failure?: FailureCause;
  /** EnableTerminationProtection: delete() refuses, as CloudFormation does, until unprotect(). */
  readonly terminationProtection?: boolean;
  /** A nested stack's parent id. */
  readonly parentId?: string;
  /** What resources() answers. */
  readonly resources?: readonly StackResource[];
  /** The live template (GetTemplate). @default the fake CDK's template for `fp-<name>` */
  readonly template?: string;
}

/** One call on the port. */
export interface StacksCall {
  readonly method:
    | 'get'
    | 'list'
    | 'delete'
    | 'settle'
    | 'firstFailure'
    | 'resources'
    | 'unprotect'
    | 'template';
  /** The stack's name (for id-based calls, the name the id belongs to). */
  readonly target?: string;
  readonly id?: string;
  /** delete only: the DeletionMode asked for. */
  readonly mode?: 'STANDARD' | 'FORCE_DELETE_STACK';
  readonly timeoutMs?: number;
}

/** `n` polls of `status`, then `then`: e.g. inProgressFor('UPDATE_IN_PROGRESS', 3, 'UPDATE_COMPLETE'). */
export function inProgressFor(status: string, n: number, then: string): string[] {
  return [...Array.from({ length: n }, () => status), then];
}

interface Entry {
  readonly id: string;
  readonly name: string;
  status: string;
  statusReason?: string;
  tags: Record<string, string>;
  outputs: StackOutput[];
  readonly createdAt: Date;
  updatedAt?: Date;
  polls: string[];
  deleteFailures: number;
  forceDeleteFails: boolean;
  deleteFailureReason: string;
  deletePolls: number;
  deleteError?: unknown;
  failure?: FailureCause;
  terminationProtection: boolean;
  parentId?: string;
  resources: StackResource[];
  template: string;
  gone: boolean;
  /** A delete under way: polls left, and how it ends. */
  deleting?: { pollsLeft: number; fails: boolean };
}

/** How the fake behaves where CloudFormation has a choice. */
export interface FakeStacksOptions {
  /** Poll interval of settle. @default 5000 */
  readonly pollMs?: number;
  /**
   * What delete() does for an id that is already gone: real CloudFormation succeeds silently;
   * `throw` rejects with "Stack with id … does not exist". @default 'silent'
   */
  readonly missingDelete?: 'silent' | 'throw';
  readonly journal?: Journal;
}

type Hook = (call: StacksCall) => void | Promise<void>;

/** The fake CloudFormation. */
export class FakeStacks implements StacksPort, DeployTarget {
  readonly calls: StacksCall[] = [];
  /** Most deletes under way at once (from delete() until settle sees the end). */
  maxInFlight = 0;
  /** Most distinct prenv:environment tags among the deletes under way at once. */
  maxInFlightEnvironments = 0;
  private readonly entries: Entry[] = [];
  private readonly inFlight = new Set<Entry>();
  private readonly hooks: Hook[] = [];
  private readonly afterHooks: Hook[] = [];
  private serial = 0;

  constructor(
    private readonly clock: FakeClock,
    private readonly options: FakeStacksOptions = {},
  ) {}

  /** Seeds a live stack; returns its id. */
  add(spec: FakeStackSpec): string {
    const id = `arn:aws:cloudformation:eu-west-2:111122223333:stack/${spec.name}/${++this.serial}`;
    this.entries.push({
      id,
      name: spec.name,
      status: spec.status ?? 'CREATE_COMPLETE',
      ...(spec.statusReason === undefined ? {} : { statusReason: spec.statusReason }),
      tags: { ...spec.tags },
      outputs: Object.entries(spec.outputs ?? {}).map(([key, value]) => ({ stack: spec.name, key, value })),
      createdAt: spec.createdAt ?? this.clock.now(),
      polls: [...(spec.polls ?? [])],
      deleteFailures: spec.deleteFailures ?? 0,
      forceDeleteFails: spec.forceDeleteFails ?? false,
      deleteFailureReason:
        spec.deleteFailureReason ?? 'The following resource(s) failed to delete: [Bucket]. ',
      deletePolls: spec.deletePolls ?? 1,
      ...(spec.deleteError === undefined ? {} : { deleteError: spec.deleteError }),
      ...(spec.failure === undefined ? {} : { failure: spec.failure }),
      terminationProtection: spec.terminationProtection ?? false,
      ...(spec.parentId === undefined ? {} : { parentId: spec.parentId }),
      resources: [...(spec.resources ?? [])],
      template: spec.template ?? fakeTemplate(spec.name),
      gone: false,
    });
    return id;
  }

  /** Runs fn at the start of every later call (before the call looks at any stack). */
  beforeEachCall(fn: Hook): void {
    this.hooks.push(fn);
  }

  /** Runs fn once every later call has its answer (e.g. a stack vanishing right after list()). */
  afterEachCall(fn: Hook): void {
    this.afterHooks.push(fn);
  }

  /** Changes a stack's template out of band (another actor, the console), by name. */
  changeTemplate(name: string, template: string): void {
    const entry = this.live(name);
    if (entry !== undefined) entry.template = template;
  }

  /** Deletes a stack out of band (another actor), by name. */
  vanish(name: string): void {
    const entry = this.live(name);
    if (entry !== undefined) this.finish(entry);
  }

  /** The live stack of that name, without recording a call. */
  peek(name: string): StackInfo | undefined {
    const entry = this.live(name);
    return entry === undefined ? undefined : snapshot(entry);
  }

  /** Names of the live stacks. */
  names(): string[] {
    return this.entries.filter((entry) => !entry.gone).map((entry) => entry.name);
  }

  /** Calls of one method. */
  callsOf(method: StacksCall['method']): StacksCall[] {
    return this.calls.filter((call) => call.method === method);
  }

  /** Every delete, as [stack name, DeletionMode]. */
  deletes(): [string | undefined, string | undefined][] {
    return this.callsOf('delete').map((call) => [call.target, call.mode]);
  }

  async get(name: string): Promise<StackInfo | undefined> {
    const call: StacksCall = { method: 'get', target: name };
    await this.enter(call);
    return this.leave(call, this.peek(name));
  }

  async list(): Promise<StackInfo[]> {
    const call: StacksCall = { method: 'list' };
    await this.enter(call);
    return this.leave(call, this.entries.filter((entry) => !entry.gone).map(snapshot));
  }

  async delete(id: string, options?: { force?: boolean }): Promise<void> {
    const force = options?.force === true;
    const entry = this.byId(id);
    await this.enter(
      {
        method: 'delete',
        id,
        ...(entry === undefined ? {} : { target: entry.name }),
        mode: force ? 'FORCE_DELETE_STACK' : 'STANDARD',
      },
      true,
    );
    if (entry === undefined || entry.gone) {
      if (this.options.missingDelete === 'throw') throw new Error(`Stack with id ${id} does not exist`);
      return;
    }
    if (entry.deleteError !== undefined) throw entry.deleteError;
    if (entry.terminationProtection) {
      throw new Error(`Stack [${entry.name}] cannot be deleted while TerminationProtection is enabled`);
    }
    if (force && entry.status !== 'DELETE_FAILED') {
      throw new Error(
        `Invalid operation on stack [${id}]: DeletionMode FORCE_DELETE_STACK can only be used on stacks in DELETE_FAILED`,
      );
    }
    if (entry.deleting !== undefined) return;
    const fails = force ? entry.forceDeleteFails : entry.deleteFailures > 0;
    if (!force && fails) entry.deleteFailures--;
    entry.status = 'DELETE_IN_PROGRESS';
    delete entry.statusReason;
    entry.deleting = { pollsLeft: entry.deletePolls, fails };
    this.inFlight.add(entry);
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight.size);
    const environments = new Set([...this.inFlight].map((e) => e.tags[TAG.environment] ?? e.name));
    this.maxInFlightEnvironments = Math.max(this.maxInFlightEnvironments, environments.size);
  }

  async settle(id: string, timeoutMs: number): Promise<StackInfo | undefined> {
    const entry = this.byId(id);
    await this.enter({
      method: 'settle',
      id,
      ...(entry === undefined ? {} : { target: entry.name }),
      timeoutMs,
    });
    const deadline = this.clock.now().getTime() + timeoutMs;
    for (;;) {
      if (entry === undefined || entry.gone) return undefined;
      this.poll(entry);
      if (entry.gone) return undefined;
      if (!entry.status.endsWith('_IN_PROGRESS') || this.clock.now().getTime() >= deadline) {
        return snapshot(entry);
      }
      await this.clock.sleep(this.options.pollMs ?? 5000);
    }
  }

  async firstFailure(id: string): Promise<FailureCause | undefined> {
    const entry = this.byId(id);
    await this.enter({ method: 'firstFailure', id, ...(entry === undefined ? {} : { target: entry.name }) });
    return entry?.failure;
  }

  async resources(id: string): Promise<StackResource[]> {
    const entry = this.byId(id);
    await this.enter({ method: 'resources', id, ...(entry === undefined ? {} : { target: entry.name }) });
    return (entry?.resources ?? []).map((resource) => ({ ...resource }));
  }

  async unprotect(id: string): Promise<void> {
    const entry = this.byId(id);
    await this.enter(
      { method: 'unprotect', id, ...(entry === undefined ? {} : { target: entry.name }) },
      true,
    );
    if (entry === undefined || entry.gone) throw new Error(`Stack with id ${id} does not exist`);
    entry.terminationProtection = false;
  }

  async template(name: string): Promise<string | undefined> {
    await this.enter({ method: 'template', target: name });
    return this.live(name)?.template;
  }

  applyDeploy(
    name: string,
    tags: Readonly<Record<string, string>>,
    outputs: readonly StackOutput[],
    template: string,
  ): void {
    const entry = this.live(name);
    if (entry === undefined) {
      this.add({
        name,
        tags,
        outputs: Object.fromEntries(outputs.map((output) => [output.key, output.value])),
        template,
      });
      return;
    }
    entry.template = template;
    entry.status = 'UPDATE_COMPLETE';
    delete entry.statusReason;
    entry.tags = { ...tags };
    entry.outputs = outputs.map((output) => ({ ...output, stack: name }));
    entry.updatedAt = this.clock.now();
  }

  applyFailure(name: string, failure?: FailureCause): void {
    const entry = this.live(name);
    if (entry === undefined) {
      this.add({ name, status: 'ROLLBACK_COMPLETE', ...(failure === undefined ? {} : { failure }) });
      return;
    }
    entry.status = 'UPDATE_ROLLBACK_COMPLETE';
    if (failure === undefined) delete entry.failure;
    else entry.failure = failure;
  }

  private poll(entry: Entry): void {
    const deleting = entry.deleting;
    if (deleting !== undefined) {
      if (deleting.pollsLeft > 0) {
        deleting.pollsLeft--;
        return;
      }
      delete entry.deleting;
      this.inFlight.delete(entry);
      if (deleting.fails) {
        entry.status = 'DELETE_FAILED';
        entry.statusReason = entry.deleteFailureReason;
      } else {
        this.finish(entry);
      }
      return;
    }
    const next = entry.polls.shift();
    if (next === 'DELETE_COMPLETE') this.finish(entry);
    else if (next !== undefined) entry.status = next;
  }

  private finish(entry: Entry): void {
    entry.gone = true;
    entry.status = 'DELETE_COMPLETE';
    this.inFlight.delete(entry);
  }

  private live(name: string): Entry | undefined {
    return this.entries.find((entry) => entry.name === name && !entry.gone);
  }

  private byId(id: string): Entry | undefined {
    return this.entries.find((entry) => entry.id === id);
  }

  private async leave<T>(call: StacksCall, result: T): Promise<T> {
    for (const hook of this.afterHooks) await hook(call);
    return result;
  }

  private async enter(call: StacksCall, write = false): Promise<void> {
    this.calls.push(call);
    this.options.journal?.record({
      port: 'stacks',
      method: call.method,
      ...(call.target === undefined ? {} : { target: call.target }),
      write,
    });
    for (const hook of this.hooks) await hook(call);
    await tick();
  }
}

function snapshot(entry: Entry): StackInfo {
  return {
    name: entry.name,
    id: entry.id,
    status: entry.status,
    ...(entry.statusReason === undefined ? {} : { statusReason: entry.statusReason }),
    tags: { ...entry.tags },
    outputs: entry.outputs.map((output) => ({ ...output })),
    createdAt: entry.createdAt,
    ...(entry.updatedAt === undefined ? {} : { updatedAt: entry.updatedAt }),
    ...(entry.terminationProtection ? { terminationProtection: true } : {}),
    ...(entry.parentId === undefined ? {} : { parentId: entry.parentId }),
  };
}

/** S3 buckets by name with how many object versions each holds; records what was emptied. */
export class FakeBuckets implements BucketsPort {
  readonly emptied: string[] = [];

  constructor(readonly contents: Map<string, number> = new Map()) {}

  async empty(bucket: string): Promise<number> {
    this.emptied.push(bucket);
    await tick();
    const count = this.contents.get(bucket);
    if (count === undefined) throw new Error(`NoSuchBucket: ${bucket}`);
    this.contents.set(bucket, 0);
    return count;
  }
}
