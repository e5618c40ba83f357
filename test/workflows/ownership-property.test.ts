/**
 * Issue 9.6: the ownership rule as a property. Many random sets of stacks (tagged and untagged,
 * other repositories, other PRs, garbage tag values, names that look like ours) go through the
 * real destroy() and cleanup() workflows on the fakes; each time exactly the stacks the rule
 * selects are deleted, and nothing else, whatever the names. A failure prints its seed and case.
 */
import { describe, expect, it } from 'vitest';
import { TAG } from '../../src/domain/ownership.js';
import { cleanup } from '../../src/workflows/cleanup.js';
import { destroy } from '../../src/workflows/destroy.js';
import { Reporter } from '../../src/workflows/reporter.js';
import { FakeClock, FakeGitHub, FakeLog, FakeStep } from '../support/fake-ports.js';
import { type FakeStackSpec, FakeStacks } from '../support/fake-stacks.js';
import { FakeStateStore } from '../support/fake-state.js';
import { seeded } from '../support/random.js';

const REPO = 'acme/invoices';
const PR = 42;
const NOW = '2025-03-03T12:00:00Z';
const CASES = 250;

type Random = () => number;

function pick<T>(random: Random, values: readonly T[]): T {
  return values[Math.floor(random() * values.length)] as T;
}

function chance(random: Random, p: number): boolean {
  return random() < p;
}

/** Sets a tag, or removes it when the value is undefined. */
function setTag(tags: Record<string, string>, key: string, value: string | undefined): void {
  if (value === undefined) delete tags[key];
  else tags[key] = value;
}

// Values that are ours, and values that only look like ours.
const MANAGED_BY = [
  'prenv',
  'prenv',
  'prenv',
  'Prenv',
  'PRENV',
  'prenv ',
  ' prenv',
  '',
  'not-prenv',
  undefined,
];
const REPOSITORIES = [
  REPO,
  REPO,
  REPO,
  'acme/payments',
  'Acme/Invoices',
  'acme/invoices ',
  'acme/invoices-old',
  'acme/invoice',
  'other/invoices',
  '',
  undefined,
];
const PULL_REQUESTS = [
  '42',
  '42',
  '42',
  '7',
  '4',
  '420',
  '042',
  ' 42',
  '42 ',
  '0x2A',
  '4.2e1',
  '42.0',
  '',
  'abc',
];
const STATUSES = [
  'CREATE_COMPLETE',
  'CREATE_COMPLETE',
  'UPDATE_COMPLETE',
  'ROLLBACK_COMPLETE',
  'UPDATE_ROLLBACK_COMPLETE',
  'DELETE_FAILED',
  'REVIEW_IN_PROGRESS',
];
const NAME_PARTS = ['data', 'api', 'web', 'db', 'queue', 'shared', 'x'];

/** A stack name: often exactly one of ours, sometimes a neighbour's or a shared one, sometimes random. */
function randomName(random: Random, taken: Set<string>): string {
  for (;;) {
    const kind = Math.floor(random() * 6);
    const part = pick(random, NAME_PARTS);
    const name =
      kind === 0
        ? `pr-${PR}-${part}`
        : kind === 1
          ? `pr-${pick(random, [4, 7, 420])}-${part}`
          : kind === 2
            ? pick(random, ['CDKToolkit', 'shared-network', 'pr-42', 'prenv', 'invoices-pr-42-api'])
            : `${pick(random, ['pr-42', 'pr-4', 'app', 'Stack'])}-${part}-${Math.floor(random() * 1000)}`;
    if (!taken.has(name)) {
      taken.add(name);
      return name;
    }
  }
}

/** A random stack for destroy: one of ours, one of ours with a tag changed, or anything else. */
function destroyCandidate(random: Random, taken: Set<string>): FakeStackSpec {
  const tags: Record<string, string> = {};
  if (chance(random, 0.85)) {
    tags[TAG.managedBy] = 'prenv';
    tags[TAG.repository] = REPO;
    tags[TAG.pullRequest] = String(PR);
    // Change (or drop) each of the three tags that decide, each with probability 0.3.
    if (chance(random, 0.3)) setTag(tags, TAG.managedBy, pick(random, MANAGED_BY));
    if (chance(random, 0.3)) setTag(tags, TAG.repository, pick(random, REPOSITORIES));
    if (chance(random, 0.3)) tags[TAG.pullRequest] = pick(random, PULL_REQUESTS);
    // The environment tag must be the one the template gives for PR 42; the wave never decides.
    tags[TAG.environment] = 'pr-42';
    if (chance(random, 0.3))
      setTag(tags, TAG.environment, pick(random, ['pr-7', 'pr-420', '', 'garbage', undefined]));
    if (chance(random, 0.5)) tags[TAG.wave] = pick(random, ['0', '1', '2', 'x', '-1']);
  }
  if (chance(random, 0.2)) tags.team = pick(random, ['platform', 'prenv']);
  return { name: randomName(random, taken), tags, status: pick(random, STATUSES) };
}

/**
 * Destroy's rule, written from DESIGN.md: managed-by is prenv, the repository is ours, the PR is 42,
 * the environment tag is pr-42 (what pr-{number} gives for 42) and the name starts with `pr-42-`.
 */
function destroyOwns(spec: FakeStackSpec): boolean {
  const tags = spec.tags ?? {};
  return (
    tags[TAG.managedBy] === 'prenv' &&
    tags[TAG.repository] === REPO &&
    tags[TAG.pullRequest] === String(PR) &&
    tags[TAG.environment] === `pr-${PR}` &&
    spec.name.startsWith(`pr-${PR}-`)
  );
}

describe('destroy deletes exactly the stacks its PR owns', () => {
  it(`over ${CASES} random stack sets`, async () => {
    let sawOwned = 0;
    let sawDecoys = 0;
    for (let seed = 1; seed <= CASES; seed++) {
      const random = seeded(seed);
      const taken = new Set<string>();
      const specs = Array.from({ length: 1 + Math.floor(random() * 12) }, () =>
        destroyCandidate(random, taken),
      );
      const clock = new FakeClock(NOW);
      const log = new FakeLog();
      const step = new FakeStep();
      const stacks = new FakeStacks(clock);
      for (const spec of specs) stacks.add(spec);
      const github = new FakeGitHub().withPull(PR, 'closed', true);

      const outcome = await destroy(
        { repository: REPO, pullRequest: PR, environment: 'pr-42' },
        {
          log,
          clock,
          step,
          stacks,
          state: new FakeStateStore(),
          reporter: new Reporter({ github, step, log, comment: true }),
        },
      );

      const owned = specs.filter(destroyOwns).map((spec) => spec.name);
      const decoys = specs.filter((spec) => !destroyOwns(spec)).map((spec) => spec.name);
      sawOwned += owned.length;
      sawDecoys += decoys.length;
      const context = `seed ${seed}: ${JSON.stringify(specs)}`;
      expect(new Set(stacks.deletes().map(([name]) => name)), context).toEqual(new Set(owned));
      expect(stacks.names().sort(), context).toEqual([...decoys].sort());
      expect(outcome.failure, context).toBeUndefined();
      expect(JSON.parse(step.outputs.stacks ?? '[]').sort(), context).toEqual([...owned].sort());
    }
    // The generator really produced both kinds, in numbers.
    expect(sawOwned).toBeGreaterThan(CASES / 2);
    expect(sawDecoys).toBeGreaterThan(CASES * 2);
  });
});

// Cleanup: tag values for expiry that are clearly past, clearly future, or garbage (never expires).
const PAST = [
  '2025-03-01T12:00:00Z',
  '2025-03-03T11:59:59Z',
  '2025-03-03T13:00:00+02:00',
  '2024-12-31T23:59:59.5Z',
];
const FUTURE = ['2025-03-06T12:00:00Z', '2999-01-01T00:00:00Z', '2025-03-03T12:00:01Z'];
const GARBAGE_EXPIRY = ['soon', '1', 'never', '', 'yesterday', '2025-13-45T00:00:00Z'];

type PrState = 'open' | 'closed' | 'missing';
type GitHubMode = 'answers' | 'fails' | 'no-token';

interface PlannedEnvironment {
  readonly name: string;
  /** The pull-request tag: a PR number, or garbage that names no PR. */
  readonly pullRequest: string;
  readonly stacks: FakeStackSpec[];
}

/** The templates the sweep runs with, and what each gives for a PR (the repository is `invoices`). */
const TEMPLATES: Readonly<Record<string, (pullRequest: string) => string>> = {
  'pr-{number}': (pullRequest) => `pr-${pullRequest}`,
  '{repo}-pr-{number}': (pullRequest) => `invoices-pr-${pullRequest}`,
};

/**
 * Cleanup's rule, from DESIGN.md: managed by prenv for this repository, its environment tag is what
 * the template gives for its (well-formed) PR tag, and its name starts with that environment's prefix.
 */
function cleanupOwns(spec: FakeStackSpec, template = 'pr-{number}'): boolean {
  const tags = spec.tags ?? {};
  const pullRequest = tags[TAG.pullRequest] ?? '';
  const environment = TEMPLATES[template]?.(pullRequest);
  return (
    tags[TAG.managedBy] === 'prenv' &&
    tags[TAG.repository] === REPO &&
    /^[1-9]\d*$/.test(pullRequest) &&
    tags[TAG.environment] === environment &&
    spec.name.startsWith(`${environment}-`)
  );
}

function expired(spec: FakeStackSpec): boolean {
  return PAST.includes(spec.tags?.[TAG.expiresAt] ?? '');
}

/**
 * Stale: its PR is closed or does not exist (when GitHub can say), or every one of its stacks is
 * past its expires-at. A garbage PR tag names no PR: only the TTL decides.
 */
function stale(
  environment: PlannedEnvironment,
  prs: ReadonlyMap<number, PrState>,
  mode: GitHubMode,
): boolean {
  const number = /^[1-9]\d*$/.test(environment.pullRequest) ? Number(environment.pullRequest) : undefined;
  const closed = mode === 'answers' && number !== undefined && (prs.get(number) ?? 'missing') !== 'open';
  return closed || environment.stacks.every(expired);
}

/**
 * The stacks a sweep with this template deletes: the owned ones, grouped by their environment and
 * PR tags (a stack in an environment's prefix that carries its tags is one of its stacks, planned
 * or not), of each stale group.
 */
function sweptBy(
  template: string,
  specs: readonly FakeStackSpec[],
  prs: ReadonlyMap<number, PrState>,
  mode: GitHubMode,
): string[] {
  const groups = new Map<string, PlannedEnvironment>();
  for (const spec of specs.filter((candidate) => cleanupOwns(candidate, template))) {
    const tags = spec.tags ?? {};
    const pullRequest = tags[TAG.pullRequest] ?? '';
    const key = `${tags[TAG.environment]} ${pullRequest}`;
    const group = groups.get(key) ?? { name: key, pullRequest, stacks: [] };
    group.stacks.push(spec);
    groups.set(key, group);
  }
  return [...groups.values()]
    .filter((environment) => stale(environment, prs, mode))
    .flatMap((environment) => environment.stacks.map((spec) => spec.name));
}

function cleanupWorld(random: Random) {
  const template = pick(random, Object.keys(TEMPLATES));
  const taken = new Set<string>();
  const prs = new Map<number, PrState>();
  for (const number of [1, 2, 3, 4, 5, 6, 7, 8]) {
    const state = pick<PrState>(random, ['open', 'open', 'closed', 'missing']);
    if (state !== 'missing') prs.set(number, state);
  }
  const environments: PlannedEnvironment[] = [];
  const usedEnvironments = new Set<string>();
  for (let i = Math.floor(random() * 6); i > 0; i--) {
    const garbagePr = chance(random, 0.15);
    const number = 1 + Math.floor(random() * 9);
    const pullRequest = garbagePr ? pick(random, ['', 'abc', '-3', '4.5', 'NaN', 'pr-3']) : String(number);
    // Mostly the name the template gives; sometimes the other template's (not this sweep's to delete).
    const name = garbagePr
      ? `env-${i}`
      : chance(random, 0.8)
        ? (TEMPLATES[template]?.(String(number)) ?? '')
        : pick(random, [`pr-${number}`, `invoices-pr-${number}`]);
    if (usedEnvironments.has(name)) continue;
    usedEnvironments.add(name);
    const stacks: FakeStackSpec[] = [];
    for (let s = 1 + Math.floor(random() * 3); s > 0; s--) {
      const tags: Record<string, string> = {
        [TAG.managedBy]: 'prenv',
        [TAG.repository]: REPO,
        [TAG.pullRequest]: pullRequest,
        [TAG.environment]: name,
        [TAG.wave]: String(Math.floor(random() * 3)),
      };
      const expiry = random();
      setTag(
        tags,
        TAG.expiresAt,
        expiry < 0.45
          ? pick(random, PAST)
          : expiry < 0.8
            ? pick(random, FUTURE)
            : expiry < 0.95
              ? pick(random, GARBAGE_EXPIRY)
              : undefined,
      );
      // Mostly named in the environment's prefix; sometimes not (tags forged onto someone's stack).
      const stackName = chance(random, 0.8) ? `${name}-${s}` : randomName(random, taken);
      taken.add(stackName);
      stacks.push({ name: stackName, tags, status: pick(random, STATUSES) });
    }
    environments.push({ name, pullRequest, stacks });
  }
  // Decoys: everything that is not this repository's prenv stack, often with our environment's tags.
  const decoys: FakeStackSpec[] = [];
  for (let i = Math.floor(random() * 8); i > 0; i--) {
    const tags: Record<string, string> = {};
    const planted = pick(random, environments.length > 0 ? environments : [undefined]);
    const ours = planted?.stacks[0]?.tags ?? {
      [TAG.managedBy]: 'prenv',
      [TAG.repository]: REPO,
      [TAG.pullRequest]: '1',
      [TAG.environment]: 'pr-1',
      [TAG.expiresAt]: PAST[0] as string,
    };
    Object.assign(tags, ours);
    // Break at least one of the two tags that make a stack this repository's.
    const broken = Math.floor(random() * 3);
    if (broken !== 1)
      setTag(
        tags,
        TAG.managedBy,
        pick(
          random,
          MANAGED_BY.filter((v) => v !== 'prenv'),
        ),
      );
    if (broken !== 0)
      setTag(
        tags,
        TAG.repository,
        pick(
          random,
          REPOSITORIES.filter((v) => v !== REPO),
        ),
      );
    if (tags[TAG.managedBy] === 'prenv' && tags[TAG.repository] === REPO) delete tags[TAG.managedBy];
    if (chance(random, 0.3)) delete tags[TAG.environment];
    if (chance(random, 0.2)) for (const key of Object.keys(tags)) delete tags[key];
    decoys.push({ name: randomName(random, taken), tags, status: pick(random, STATUSES) });
  }
  // Forged: all of an environment's tags, intact, on a stack outside its prefix.
  for (let i = Math.floor(random() * 3); i > 0; i--) {
    const planted = pick(random, environments.length > 0 ? environments : [undefined]);
    const tags = { ...(planted?.stacks[0]?.tags ?? {}) };
    decoys.push({ name: randomName(random, taken), tags, status: pick(random, STATUSES) });
  }
  const mode = pick<GitHubMode>(random, ['answers', 'answers', 'answers', 'fails', 'no-token']);
  return { environments, decoys, prs, mode, template };
}

describe('cleanup deletes exactly this repository’s stale environments', () => {
  it(`over ${CASES} random stack sets, with GitHub answering, failing or absent`, async () => {
    let sawSwept = 0;
    let sawKept = 0;
    for (let seed = 1; seed <= CASES; seed++) {
      const random = seeded(10_000 + seed);
      const { environments, decoys, prs, mode, template } = cleanupWorld(random);
      const specs = [...environments.flatMap((environment) => environment.stacks), ...decoys];
      // Listed in a random order: nothing may depend on which stack comes first.
      const shuffled = specs
        .map((spec) => ({ spec, key: random() }))
        .sort((a, b) => a.key - b.key)
        .map(({ spec }) => spec);
      const clock = new FakeClock(NOW);
      const log = new FakeLog();
      const step = new FakeStep();
      const stacks = new FakeStacks(clock);
      for (const spec of shuffled) stacks.add(spec);
      let github: FakeGitHub | undefined;
      if (mode !== 'no-token') {
        github = new FakeGitHub();
        for (const [number, state] of prs) github.withPull(number, state === 'open' ? 'open' : 'closed');
        if (mode === 'fails')
          github.failing('pullRequest', Object.assign(new Error('boom'), { status: 502 }));
      }

      const outcome = await cleanup(
        { repository: REPO, environmentName: template, dryRun: false, comment: true },
        { log, clock, step, stacks, github },
      );

      const expected = sweptBy(template, specs, prs, mode);
      const kept = specs.map((spec) => spec.name).filter((name) => !expected.includes(name));
      sawSwept += expected.length;
      sawKept += kept.length;
      const context = `seed ${10_000 + seed}, ${template}, GitHub ${mode}, PRs ${JSON.stringify([...prs])}: ${JSON.stringify(specs)}`;
      expect(new Set(stacks.deletes().map(([name]) => name)), context).toEqual(new Set(expected));
      expect(stacks.names().sort(), context).toEqual(kept.sort());
      expect(outcome.failure, context).toBeUndefined();
      expect(
        specs.filter((spec) => !cleanupOwns(spec, template)).every((spec) => kept.includes(spec.name)),
      ).toBe(true);
    }
    expect(sawSwept).toBeGreaterThan(CASES);
    expect(sawKept).toBeGreaterThan(CASES * 2);
  });

  it('a dry run over the same sets deletes nothing and lists exactly what a real run deletes', async () => {
    for (let seed = 1; seed <= 60; seed++) {
      const random = seeded(20_000 + seed);
      const { environments, decoys, prs, template } = cleanupWorld(random);
      const specs = [...environments.flatMap((environment) => environment.stacks), ...decoys];
      const clock = new FakeClock(NOW);
      const step = new FakeStep();
      const stacks = new FakeStacks(clock);
      for (const spec of specs) stacks.add(spec);
      const github = new FakeGitHub();
      for (const [number, state] of prs) github.withPull(number, state === 'open' ? 'open' : 'closed');

      await cleanup(
        { repository: REPO, environmentName: template, dryRun: true, comment: true },
        { log: new FakeLog(), clock, step, stacks, github },
      );

      const expected = sweptBy(template, specs, prs, 'answers');
      const context = `seed ${20_000 + seed}: ${JSON.stringify(specs)}`;
      expect(stacks.deletes(), context).toEqual([]);
      expect(JSON.parse(step.outputs.stacks ?? '[]').sort(), context).toEqual([...expected].sort());
    }
  });
});

describe('cleanup judges every stack by its own PR', () => {
  // BUG (src/domain/staleness.ts:19-27, groupByEnvironment): stacks are grouped by their
  // prenv:environment tag alone and the group takes the PR number of whichever stack was listed
  // first. An environment-name without {number} (e.g. `environment-name: preview`, which
  // checkEnvironmentTemplate accepts) gives every PR the same environment tag; an app whose stack
  // names differ per PR then has stacks of several PRs in one group. When a closed PR's stack is
  // listed first, cleanup deletes the open PR's stacks too ("pr-closed"); listed the other way
  // round, the closed PR's stacks leak. Each stack should be judged by its own PR (group by
  // environment AND pull-request).
  it("never deletes an open PR's stack because another PR with the same environment tag closed", async () => {
    const clock = new FakeClock(NOW);
    const stacks = new FakeStacks(clock);
    const tags = (pullRequest: number) => ({
      [TAG.managedBy]: 'prenv',
      [TAG.repository]: REPO,
      [TAG.pullRequest]: String(pullRequest),
      [TAG.environment]: 'preview',
      [TAG.expiresAt]: FUTURE[0] as string,
    });
    stacks.add({ name: 'preview-feature-a', tags: tags(7) });
    stacks.add({ name: 'preview-feature-b', tags: tags(PR) });
    const github = new FakeGitHub().withPull(7, 'closed').withPull(PR, 'open');

    await cleanup(
      { repository: REPO, environmentName: 'preview', dryRun: false, comment: false },
      { log: new FakeLog(), clock, step: new FakeStep(), stacks, github },
    );

    expect(stacks.names()).toEqual(['preview-feature-b']);
  });
});
