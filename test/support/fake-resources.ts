import type { FoundResource } from '../../src/domain/leftovers.js';
import type { ResourcesPort } from '../../src/ports.js';

/** A tagging API that answers from a list, and records what is asked and deleted. */
export class FakeResources implements ResourcesPort {
  readonly queries: Readonly<Record<string, string | undefined>>[] = [];
  readonly prefixes: string[] = [];
  readonly deleted: string[] = [];
  /** How often prepare was called. */
  prepared = 0;

  constructor(
    private readonly found: readonly FoundResource[] | Error,
    private readonly groups: readonly FoundResource[] = [],
    private readonly failures: ReadonlyMap<string, Error> = new Map(),
  ) {}

  async tagged(filters: Readonly<Record<string, string | undefined>>): Promise<FoundResource[]> {
    this.queries.push(filters);
    if (this.found instanceof Error) throw this.found;
    return [...this.found];
  }
  async logGroups(prefix: string): Promise<FoundResource[]> {
    this.prefixes.push(prefix);
    return this.groups.filter((group) => group.arn.includes(`log-group:${prefix}`));
  }
  async prepare(): Promise<void> {
    this.prepared++;
  }
  async delete(arn: string): Promise<void> {
    const failure = this.failures.get(arn);
    if (failure !== undefined) throw failure;
    this.deleted.push(arn);
  }
}
