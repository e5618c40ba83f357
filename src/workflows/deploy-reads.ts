import { isStackArn } from '../domain/leftovers.js';
import { TAG } from '../domain/ownership.js';
import type { EnvironmentState } from '../domain/state.js';
import type { FoundResource, StackInfo } from '../ports.js';
import type { DeployPorts, DeployRequest } from './deploy-types.js';

const SETTLED_OK = new Set(['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'IMPORT_COMPLETE']);

/** A read started early: its value, or undefined when it failed (the caller then reads live). */
type Early<T> = Promise<{ readonly value: T } | undefined>;

function early<T>(read: () => Promise<T>): Early<T> {
  return read().then(
    (value) => ({ value }),
    () => undefined,
  );
}

/**
 * The reads a deploy needs only after synth, started while the CDK app runs (the app's synth is the
 * longest wait of a push that changes nothing): the environment's state, DescribeStacks and
 * GetTemplate of the stacks it records, and the environment's tagged resources. Each early answer
 * is used once, by the plan; one that failed, or was never started, is read live instead, so a
 * failure shows (and is handled) where it did before. Later reads (after a deploy) are always live.
 */
export class DeployReads {
  private started = false;
  private earlyState: Early<EnvironmentState | undefined> | undefined;
  private readonly earlyStacks = new Map<string, Early<StackInfo | undefined>>();
  private readonly earlyTemplates = new Map<string, Early<string | undefined>>();
  private earlyResources: Early<FoundResource[]> | undefined;

  constructor(
    private readonly request: DeployRequest,
    private readonly ports: DeployPorts,
  ) {}

  /** Starts the reads (once): called when the app is running, so nothing here delays its start. */
  start(): void {
    if (this.started) return;
    this.started = true;
    const { ports, request } = this;
    this.earlyState = early(() => ports.state.read(request.environment));
    void this.earlyState.then((state) => {
      for (const name of Object.keys(state?.value?.stacks ?? {})) {
        const stack = early(() => ports.stacks.get(name));
        this.earlyStacks.set(name, stack);
        // GetTemplate only for a stack the plan may call unchanged (settled); it reads it then.
        const template = stack.then(async (found) =>
          found?.value !== undefined && SETTLED_OK.has(found.value.status)
            ? await early(() => ports.stacks.template(name))
            : undefined,
        );
        this.earlyTemplates.set(name, template);
      }
    });
    const { resources } = ports;
    if (resources !== undefined) {
      this.earlyResources = early(() =>
        resources.tagged({ [TAG.repository]: request.repository, [TAG.environment]: request.environment }),
      );
    }
  }

  /** The environment's state (StateStore.read). */
  async state(): Promise<EnvironmentState | undefined> {
    const found = await this.earlyState;
    this.earlyState = undefined;
    return found === undefined ? this.ports.state.read(this.request.environment) : found.value;
  }

  /** A stack as DescribeStacks shows it (StacksPort.get). */
  async stack(name: string): Promise<StackInfo | undefined> {
    // The state's stacks are known only once it is read: wait for it before looking for one.
    await this.earlyState?.catch(() => undefined);
    return this.take(this.earlyStacks, name, () => this.ports.stacks.get(name));
  }

  /** A stack's live template (StacksPort.template). */
  async template(name: string): Promise<string | undefined> {
    return this.take(this.earlyTemplates, name, () => this.ports.stacks.template(name));
  }

  /**
   * The environment's resources (not its stacks) as counted while the app ran, for a push that
   * deployed nothing; undefined when not read or the read failed (count them live).
   */
  async resourceCountBeforeSynth(): Promise<number | undefined> {
    const found = await this.earlyResources;
    this.earlyResources = undefined;
    return found?.value.filter((resource) => !isStackArn(resource.arn)).length;
  }

  private async take<T>(from: Map<string, Early<T>>, name: string, live: () => Promise<T>): Promise<T> {
    const pending = from.get(name);
    from.delete(name);
    const found = await pending;
    return found === undefined ? live() : found.value;
  }
}
