/**
 * Issue 6 at scale: 30 stale environments' stacks and their decoys planted on moto, then the
 * scheduled sweep through the whole action, behind a proxy that counts every AWS call. Every
 * owned stale stack goes, every decoy stays, and the work is bounded: a constant number of
 * CloudFormation calls per stack, one GitHub lookup per distinct PR. No timing assertions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsProxy, startAwsProxy } from '../support/aws-proxy.js';
import { type GitHubServer, startGitHubServer } from '../support/github-server.js';
import { type Moto, startMoto } from '../support/moto.js';
import { liveStackNames, ownedTags, type PlantedStack, plantStacks } from '../support/moto-stacks.js';
import { runAction } from '../support/run-action.js';

let moto: Moto;
let proxy: AwsProxy;
let github: GitHubServer;

const REPO = 'octo-org/invoices';
const PAST = '2020-01-01T00:00:00Z';
const FUTURE = '2999-01-01T00:00:00Z';

type Planted = PlantedStack;

const owned = (pr: number, expiresAt: string, wave = 0, repository = REPO) =>
  ownedTags(repository, pr, expiresAt, { 'prenv:wave': String(wave) });

// 30 stale stacks: 10 closed PRs with two stacks each (a dependent in wave 1), 5 open PRs whose
// TTL passed, 5 PRs GitHub does not know (deleted or never existed: they count as closed).
const STALE: Planted[] = [
  ...Array.from({ length: 10 }, (_, i) => [
    { name: `pr-${101 + i}-data`, tags: owned(101 + i, FUTURE, 0) },
    { name: `pr-${101 + i}-api`, tags: owned(101 + i, FUTURE, 1) },
  ]).flat(),
  ...Array.from({ length: 5 }, (_, i) => ({ name: `pr-${201 + i}-api`, tags: owned(201 + i, PAST) })),
  ...Array.from({ length: 5 }, (_, i) => ({ name: `pr-${301 + i}-api`, tags: owned(301 + i, FUTURE) })),
];

// Decoys: this repository's live environments, another repository's stale ones (same names as
// ours would be), untagged stacks named like ours, someone else's tag.
const KEPT: Planted[] = [
  { name: 'pr-401-api', tags: owned(401, FUTURE) },
  { name: 'pr-402-api', tags: owned(402, FUTURE) },
  ...Array.from({ length: 4 }, (_, i) => ({
    name: `payments-pr-${101 + i}-api`,
    tags: owned(101 + i, PAST, 0, 'octo-org/payments'),
  })),
  { name: 'pr-101-extra', tags: {} },
  { name: 'pr-201-cache', tags: { team: 'platform' } },
  { name: 'shared-network', tags: { ...owned(102, PAST), 'prenv:managed-by': 'someone-else' } },
];

const plant = (stacks: readonly Planted[]) => plantStacks(moto, stacks);
const liveStacks = () => liveStackNames(moto);

beforeAll(async () => {
  [moto, github] = await Promise.all([startMoto(), startGitHubServer()]);
  proxy = await startAwsProxy(moto.endpoint);
  for (let pr = 101; pr <= 110; pr++) github.addPull({ number: pr, state: 'closed', merged: pr % 2 === 0 });
  for (let pr = 201; pr <= 205; pr++) github.addPull({ number: pr, state: 'open' });
  github.addPull({ number: 401, state: 'open' });
  github.addPull({ number: 402, state: 'open' });
  await plant([...STALE, ...KEPT]);
  // Sanity: moto holds them all.
  expect(await liveStacks()).toHaveLength(STALE.length + KEPT.length);
}, 120_000);
afterAll(async () => {
  await Promise.all([proxy?.close(), github?.close()]);
  await moto?.stop();
});

const env = () => ({ AWS_ENDPOINT_URL: proxy.endpoint });
const staleNames = STALE.map((stack) => stack.name).sort();
const keptNames = KEPT.map((stack) => stack.name).sort();
const ownedPullRequests = [
  ...new Set(
    [...STALE, ...KEPT]
      .filter(
        (stack) => stack.tags['prenv:repository'] === REPO && stack.tags['prenv:managed-by'] === 'prenv',
      )
      .map((stack) => Number(stack.tags['prenv:pull-request'])),
  ),
].sort((a, b) => a - b);

function pullLookups(from: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (const request of github.requests.slice(from)) {
    if (/\/pulls\/\d+$/.test(request.path)) counts.set(request.path, (counts.get(request.path) ?? 0) + 1);
  }
  return counts;
}

describe(`cleanup of ${STALE.length} stale stacks among ${KEPT.length} decoys, on moto`, () => {
  it('a dry run lists every stale stack and writes nothing', async () => {
    proxy.calls.length = 0;
    const run = await runAction({
      moto,
      github,
      event: 'workflow-dispatch',
      inputs: { 'dry-run': 'true' },
      env: env(),
    });

    expect(run.exitCode, run.log).toBe(0);
    expect(JSON.parse(run.outputs.stacks ?? '[]').sort()).toEqual(staleNames);
    expect(proxy.writes('cloudformation')).toEqual([]);
    expect(await liveStacks()).toEqual([...staleNames, ...keptNames].sort());
    expect(github.comments(101)).toEqual([]);
  });

  it('the sweep deletes every owned stale stack, keeps every decoy, with bounded calls', async () => {
    proxy.calls.length = 0;
    const from = github.requests.length;
    const run = await runAction({
      moto,
      github,
      event: 'schedule',
      inputs: { comment: 'false' },
      env: env(),
    });

    expect(run.exitCode, run.log).toBe(0);
    expect(await liveStacks()).toEqual(keptNames);
    expect(JSON.parse(run.outputs.stacks ?? '[]').sort()).toEqual(staleNames);

    const cloudformation = proxy.calls.filter((call) => call.service === 'cloudformation');
    const deletes = cloudformation.filter((call) => call.action === 'DeleteStack');
    // One delete per stale stack, none for a decoy; every call answered without error.
    expect(deletes).toHaveLength(STALE.length);
    expect(cloudformation.every((call) => call.status === 200)).toBe(true);
    // A constant per stack: one listing, then a delete and a status poll (moto deletes at once).
    expect(cloudformation.length).toBeLessThanOrEqual(6 * STALE.length);
    expect(cloudformation.length).toBeLessThanOrEqual(2 * STALE.length + 5);
    // Besides: one delete of prenv's state (an SSM parameter) per swept environment, nothing else.
    const others = proxy.calls.filter((call) => call.service !== 'cloudformation' && call.service !== 'sts');
    expect(others.every((call) => call.service === 'ssm' && call.action === 'DeleteParameter')).toBe(true);
    expect(others.length).toBeGreaterThan(0);
    expect(others.length).toBeLessThanOrEqual(STALE.length);

    // GitHub: at most one lookup per distinct PR, and only this repository's PRs.
    const lookups = pullLookups(from);
    expect([...lookups.values()].every((count) => count === 1)).toBe(true);
    expect([...lookups.keys()].sort()).toEqual(
      ownedPullRequests.map((pr) => `/repos/${REPO}/pulls/${pr}`).sort(),
    );
    // comment: false leaves the PRs' conversations alone.
    expect(github.requests.slice(from).filter((request) => request.method !== 'GET')).toEqual([]);
    expect(run.summary).toContain('pr-101');
    expect(run.summary).toContain('pr-305');
  });

  it('a second sweep finds nothing left to delete', async () => {
    proxy.calls.length = 0;
    const run = await runAction({
      moto,
      github,
      event: 'schedule',
      inputs: { comment: 'false' },
      env: env(),
    });

    expect(run.exitCode, run.log).toBe(0);
    expect(JSON.parse(run.outputs.stacks ?? '[]')).toEqual([]);
    expect(proxy.writes('cloudformation')).toEqual([]);
    expect(await liveStacks()).toEqual(keptNames);
  });
});
