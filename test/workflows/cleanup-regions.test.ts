import { describe, expect, it } from 'vitest';
import { TAG } from '../../src/domain/ownership.js';
import type { StacksPort } from '../../src/ports.js';
import { cleanup, type RegionStacks } from '../../src/workflows/cleanup.js';
import { FakeClock, FakeGitHub, FakeLog, FakeStep } from '../support/fake-ports.js';
import { type FakeStackSpec, FakeStacks } from '../support/fake-stacks.js';

const REPO = 'acme/invoices';

function stack(name: string, pullRequest: number): FakeStackSpec {
  return {
    name,
    tags: {
      [TAG.managedBy]: 'prenv',
      [TAG.repository]: REPO,
      [TAG.pullRequest]: String(pullRequest),
      [TAG.environment]: `pr-${pullRequest}`,
      [TAG.expiresAt]: '2025-03-06T12:00:00Z',
      [TAG.wave]: '0',
    },
  };
}

/** A region whose stacks cannot be listed (e.g. an opt-in region the account has not enabled). */
function unlisted(reason: string): StacksPort {
  const stacks = new FakeStacks(new FakeClock('2025-03-03T12:00:00Z'));
  return Object.assign(Object.create(stacks) as StacksPort, {
    list: () => Promise.reject(new Error(reason)),
  });
}

function world(regions: Record<string, readonly FakeStackSpec[] | StacksPort>) {
  const clock = new FakeClock('2025-03-03T12:00:00Z');
  const log = new FakeLog();
  const step = new FakeStep();
  const github = new FakeGitHub().withPull(1, 'closed').withPull(2, 'open');
  const ports: RegionStacks[] = Object.entries(regions).map(([region, content]) => {
    if (!Array.isArray(content)) return { region, stacks: content as StacksPort };
    const stacks = new FakeStacks(clock);
    for (const spec of content) stacks.add(spec);
    return { region, stacks };
  });
  const first = ports[0]?.stacks as StacksPort;
  const run = () =>
    cleanup(
      { repository: REPO, dryRun: false, comment: true },
      {
        log,
        clock,
        step,
        stacks: first,
        regions: ports,
        github,
      },
    );
  return { ports, log, step, github, run };
}

const names = (port: RegionStacks | undefined) => (port?.stacks as FakeStacks | undefined)?.names();

describe('cleanup across regions', () => {
  it('sweeps every region, reports each environment with its region, asks GitHub once per PR', async () => {
    const w = world({
      'eu-west-2': [stack('pr-1-api', 1), stack('pr-2-api', 2)],
      'us-east-1': [stack('pr-1-api', 1), stack('pr-2-edge', 2)],
    });

    const outcome = await w.run();

    expect(outcome.failure).toBeUndefined();
    expect(names(w.ports[0])).toEqual(['pr-2-api']);
    expect(names(w.ports[1])).toEqual(['pr-2-edge']);
    expect(outcome.report.environments.map((env) => [env.region, env.environment, env.result])).toEqual([
      ['eu-west-2', 'pr-1', 'deleted'],
      ['us-east-1', 'pr-1', 'deleted'],
    ]);
    expect(outcome.report.regions).toEqual([
      { region: 'eu-west-2', kept: 1 },
      { region: 'us-east-1', kept: 1 },
    ]);
    expect(outcome.report.kept).toBe(2);
    expect(w.github.count('pullRequest', 1)).toBe(1);
    expect(w.github.count('pullRequest', 2)).toBe(1);
    expect(w.step.summaries.join('\n')).toContain('### `us-east-1`');
  });

  it('a region that cannot be listed fails the step but not the sweep of the others', async () => {
    const w = world({
      'ap-south-2': unlisted('The security token included in the request is invalid.'),
      'eu-west-2': [stack('pr-1-api', 1)],
    });

    const outcome = await w.run();

    expect(names(w.ports[1])).toEqual([]);
    expect(outcome.report.regions?.[0]).toMatchObject({ region: 'ap-south-2', error: /security token/ });
    expect(outcome.failure).toContain('ap-south-2 (The security token included in the request is invalid.)');
    expect(w.step.summaries.join('\n')).toContain('Could not sweep this region');
  });

  it('names the region of an environment that could not be deleted', async () => {
    const w = world({
      'eu-west-2': [],
      'us-east-1': [{ ...stack('pr-1-api', 1), deleteError: new Error('AccessDenied') }],
    });

    const outcome = await w.run();

    expect(outcome.failure).toMatch(/^Cleanup could not delete pr-1 in us-east-1 \(/);
  });
});
