/**
 * An in-memory state store (our StateStore port) for the workflow tests: it keeps the documents
 * by environment, records every call (writes also in the shared Journal) and can be made to fail.
 */
import type { EnvironmentState, StackState } from '../../src/domain/state.js';
import type { StateStore } from '../../src/ports.js';
import { type Journal, tick } from './fake-ports.js';

type Method = keyof StateStore;

/** The fake store. */
export class FakeStateStore implements StateStore {
  readonly documents = new Map<string, EnvironmentState>();
  readonly calls: { method: Method; environment: string }[] = [];
  /** Methods that reject, with what. */
  readonly failures = new Map<Method, unknown>();

  constructor(private readonly journal?: Journal) {}

  /** Seeds an environment's state with stack records. */
  seed(environment: string, stacks: Readonly<Record<string, StackState>>): this {
    this.documents.set(environment, { schema: 1, stacks });
    return this;
  }

  /** The record of one stack, if any. */
  stack(environment: string, name: string): StackState | undefined {
    return this.documents.get(environment)?.stacks[name];
  }

  /** Calls of one method. */
  count(method: Method): number {
    return this.calls.filter((call) => call.method === method).length;
  }

  async read(environment: string): Promise<EnvironmentState | undefined> {
    await this.enter('read', environment, false);
    return this.documents.get(environment);
  }

  async write(environment: string, state: EnvironmentState): Promise<void> {
    await this.enter('write', environment, true);
    this.documents.set(environment, structuredClone(state));
  }

  async delete(environment: string): Promise<void> {
    await this.enter('delete', environment, true);
    this.documents.delete(environment);
  }

  private async enter(method: Method, environment: string, write: boolean): Promise<void> {
    this.calls.push({ method, environment });
    this.journal?.record({ port: 'state', method, target: environment, write });
    await tick();
    if (this.failures.has(method)) throw this.failures.get(method);
  }
}
