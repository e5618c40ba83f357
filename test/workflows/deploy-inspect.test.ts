/**
 * planDeploy called directly: why each existing stack is deployed (the log line a user reads), the
 * tags and flags each stack is deployed with (an expiry kept, renewed, or shared by a new stack),
 * stacks in progress or in a state that cannot be updated, and the stacks prenv refuses to touch.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { templateHash } from '../../src/domain/fingerprint.js';
import { LEGACY_TAG, TAG } from '../../src/domain/ownership.js';
import type { StackState } from '../../src/domain/state.js';
import { OwnershipError } from '../../src/errors.js';
import type { Inputs } from '../../src/inputs.js';
import type { Assembly, SynthesizedStack } from '../../src/ports.js';
import { planDeploy } from '../../src/workflows/deploy-inspect.js';
import { deployParts, removeDeployPartsDirs } from '../support/deploy-parts.js';
import { fakeTemplate } from '../support/fake-ports.js';
import { type FakeStackSpec, inProgressFor } from '../support/fake-stacks.js';

afterEach(removeDeployPartsDirs);

/** deployParts' clock: 2025-03-03T12:00:00Z with a 72 h TTL, so an expiry is kept from 2025-03-05T00:00:00Z on. */
const CREATED = '2025-03-01T09:00:00Z';
const KEPT = '2025-03-05T06:00:00Z';
const FRESH = '2025-03-06T12:00:00Z';

/** The tags prenv wrote on a stack of PR 42's environment. */
function tags(extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  return {
    [TAG.managedBy]: 'prenv',
    [TAG.repository]: 'acme/invoices',
    [TAG.pullRequest]: '42',
    [TAG.environment]: 'pr-42',
    [TAG.wave]: '0',
    [TAG.expiresAt]: KEPT,
    [TAG.createdAt]: CREATED,
    ...extra,
  };
}

/** The ownership tags planDeploy gives a stack, with that expiry and the environment's created-at. */
function ownership(expiresAt: string): Record<string, string> {
  return {
    [TAG.managedBy]: 'prenv',
    [TAG.repository]: 'acme/invoices',
    [TAG.pullRequest]: '42',
    [TAG.environment]: 'pr-42',
    [TAG.expiresAt]: expiresAt,
    [TAG.createdAt]: CREATED,
  };
}

/** The tags a stack of wave 0 is deployed with. */
function written(expiresAt: string): Record<string, string> {
  return { ...ownership(expiresAt), [TAG.wave]: '0' };
}

/** The record prenv keeps for a stack it deployed from `fp-<name>` (the fake CDK's template). */
function recordOf(name: string, via: StackState['via'] = 'deploy'): StackState {
  return {
    fingerprint: `fp-${name}`,
    templateHash: templateHash(fakeTemplate(name)),
    sha: '1'.repeat(40),
    deployedAt: '2025-03-02T10:00:00Z',
    via,
  };
}

function assembly(stacks: readonly (Partial<SynthesizedStack> & { name: string })[]): Assembly {
  return {
    stacks: stacks.map((stack) => ({ dependencies: [], fingerprint: `fp-${stack.name}`, ...stack })),
    dispose: async () => {},
  };
}

/** An environment with these live stacks and records; planDeploy on the app's stacks. */
async function plan(
  live: readonly FakeStackSpec[],
  records: Readonly<Record<string, StackState>>,
  app: readonly (Partial<SynthesizedStack> & { name: string })[],
  inputs: Partial<Inputs> = {},
) {
  const parts = await deployParts({ inputs });
  for (const spec of live) parts.stacks.add(spec);
  parts.state.seed('pr-42', records);
  const run = () => planDeploy(assembly(app), parts.request, parts.ports, parts.record);
  return { ...parts, run };
}

describe('planDeploy: why an existing stack is deployed', () => {
  it('logs each reason whole and deploys each stack with its own kept or renewed expiry', async () => {
    const names = ['failed', 'sha', 'fp', 'unrecorded', 'moved', 'due', 'ssm', 'edited', 'code', 'same'];
    const name = (short: string) => `pr-42-${short}`;
    const { run, log, record, stacks } = await plan(
      [
        { name: name('failed'), status: 'UPDATE_ROLLBACK_COMPLETE', tags: tags() },
        { name: name('sha'), tags: tags({ [LEGACY_TAG.sha]: 'abc' }) },
        { name: name('fp'), tags: tags({ [LEGACY_TAG.fingerprint]: 'fp' }) },
        { name: name('unrecorded'), tags: tags() },
        { name: name('moved'), tags: tags({ [TAG.wave]: '1' }) },
        { name: name('due'), tags: tags({ [TAG.expiresAt]: '2025-03-04T23:59:59Z' }) },
        { name: name('ssm'), tags: tags() },
        { name: name('edited'), tags: tags(), template: '{"Resources":{"Edited":{}}}' },
        { name: name('code'), tags: tags() },
        { name: name('same'), tags: tags(), status: 'UPDATE_COMPLETE' },
      ],
      Object.fromEntries(
        names.filter((short) => short !== 'unrecorded').map((short) => [name(short), recordOf(name(short))]),
      ),
      names.map((short) => ({
        name: name(short),
        ...(short === 'ssm' ? { ssmParameters: ['/acme/db-host', '/acme/db-port'] } : {}),
        ...(short === 'code' ? { fingerprint: 'fp-new' } : {}),
      })),
    );
    const result = await run();
    expect(log.lines).toStrictEqual([
      { level: 'info', message: 'pr-42-failed: deploying, it is UPDATE_ROLLBACK_COMPLETE' },
      { level: 'info', message: 'pr-42-sha: deploying, once, to drop the per-push tags prenv 0.1.0 wrote' },
      { level: 'info', message: 'pr-42-fp: deploying, once, to drop the per-push tags prenv 0.1.0 wrote' },
      {
        level: 'info',
        message: 'pr-42-unrecorded: deploying, prenv has no record of what it deployed there',
      },
      { level: 'info', message: 'pr-42-moved: deploying, its dependency order changed' },
      { level: 'info', message: 'pr-42-due: deploying, to renew its expiry' },
      {
        level: 'info',
        message:
          'pr-42-ssm: deploying, its template resolves SSM parameters at each deploy (/acme/db-host, /acme/db-port)',
      },
      {
        level: 'warning',
        message:
          'pr-42-edited was changed outside prenv: its live template is not the one prenv deployed. Deploying it again.',
      },
      { level: 'info', message: 'pr-42-edited: deploying, its live template was changed out of band' },
      { level: 'info', message: 'pr-42-code: deploying, it changed (hotswap where possible)' },
    ]);
    const deployed = names.filter((short) => short !== 'same');
    expect(result.changed).toStrictEqual(
      deployed.map((short) => ({
        name: name(short),
        tags: written(short === 'due' ? FRESH : KEPT),
        ...(short === 'code' ? { hotswap: true } : {}),
      })),
    );
    expect(result.tags).toStrictEqual(ownership(KEPT));
    expect([...result.existing.keys()]).toStrictEqual(names.map(name));
    // GetTemplate only for the stacks that passed every other check.
    expect(result.templates).toStrictEqual(
      new Map([
        [name('edited'), '{"Resources":{"Edited":{}}}'],
        [name('code'), fakeTemplate(name('code'))],
        [name('same'), fakeTemplate(name('same'))],
      ]),
    );
    expect(stacks.callsOf('template').map((call) => call.target)).toStrictEqual([
      name('edited'),
      name('code'),
      name('same'),
    ]);
    expect(record.stackReports()).toStrictEqual([
      ...deployed.map((short) => ({ name: name(short), outcome: 'not-deployed' })),
      { name: name('same'), outcome: 'unchanged', status: 'UPDATE_COMPLETE' },
    ]);
  });

  it('deploys every stack through CloudFormation when force is set, hotswapped or not', async () => {
    const { run, log } = await plan(
      [
        { name: 'pr-42-api', tags: tags() },
        { name: 'pr-42-web', tags: tags() },
      ],
      { 'pr-42-api': recordOf('pr-42-api'), 'pr-42-web': recordOf('pr-42-web', 'hotswap') },
      [{ name: 'pr-42-api' }, { name: 'pr-42-web', fingerprint: 'fp-new' }],
      { force: true },
    );
    const result = await run();
    expect(log.lines).toStrictEqual([
      { level: 'info', message: 'pr-42-api: deploying, force is set' },
      { level: 'info', message: 'pr-42-web: deploying, force is set' },
    ]);
    expect(result.changed).toStrictEqual([
      { name: 'pr-42-api', tags: written(KEPT), revertDrift: true },
      { name: 'pr-42-web', tags: written(KEPT), revertDrift: true },
    ]);
    expect(result.templates).toStrictEqual(new Map());
  });

  it('deploys a stack whose live template is gone by GetTemplate, and keeps no template for it', async () => {
    const { run, log, stacks } = await plan(
      [{ name: 'pr-42-api', tags: tags() }],
      { 'pr-42-api': recordOf('pr-42-api') },
      [{ name: 'pr-42-api' }],
    );
    stacks.beforeEachCall((call) => {
      if (call.method === 'template') stacks.vanish('pr-42-api');
    });
    const result = await run();
    expect(log.lines).toStrictEqual([
      {
        level: 'warning',
        message:
          'pr-42-api was changed outside prenv: its live template is not the one prenv deployed. Deploying it again.',
      },
      { level: 'info', message: 'pr-42-api: deploying, its live template was changed out of band' },
    ]);
    expect(result.templates).toStrictEqual(new Map());
  });
});

describe('planDeploy: the expiry a new stack joins', () => {
  it('is the latest expiry the existing stacks keep, whatever their order', async () => {
    const live: FakeStackSpec[] = [
      { name: 'pr-42-a', tags: tags({ [TAG.expiresAt]: '2025-03-05T06:00:00Z' }) },
      { name: 'pr-42-b', tags: tags({ [TAG.expiresAt]: '2025-03-04T12:00:00Z' }) },
      { name: 'pr-42-c', tags: tags({ [TAG.expiresAt]: '2025-03-06T00:00:00Z' }) },
      { name: 'pr-42-d', tags: tags({ [TAG.expiresAt]: '2025-03-05T00:00:00Z' }) },
    ];
    const { run, log } = await plan(
      live,
      Object.fromEntries(live.map((spec) => [spec.name, recordOf(spec.name)])),
      [...live.map((spec) => ({ name: spec.name })), { name: 'pr-42-new' }],
    );
    const result = await run();
    expect(log.messages('info')).toStrictEqual(['pr-42-b: deploying, to renew its expiry']);
    expect(result.changed).toStrictEqual([
      { name: 'pr-42-b', tags: written(FRESH) },
      { name: 'pr-42-new', tags: written('2025-03-06T00:00:00Z') },
    ]);
    expect(result.tags).toStrictEqual(ownership('2025-03-06T00:00:00Z'));
  });

  it('is a fresh one when no existing stack keeps its expiry', async () => {
    const { run } = await plan(
      [{ name: 'pr-42-a', tags: tags({ [TAG.expiresAt]: '2025-03-04T12:00:00Z' }) }],
      { 'pr-42-a': recordOf('pr-42-a') },
      [{ name: 'pr-42-a' }, { name: 'pr-42-new' }],
    );
    const result = await run();
    expect(result.changed).toStrictEqual([
      { name: 'pr-42-a', tags: written(FRESH) },
      { name: 'pr-42-new', tags: written(FRESH) },
    ]);
  });
});

describe('planDeploy: stacks in progress or that cannot be updated', () => {
  it('waits for a stack in progress and judges it as it settled', async () => {
    const { run, log, record } = await plan(
      [
        {
          name: 'pr-42-api',
          status: 'UPDATE_IN_PROGRESS',
          tags: tags(),
          polls: inProgressFor('UPDATE_IN_PROGRESS', 1, 'UPDATE_COMPLETE'),
        },
      ],
      { 'pr-42-api': recordOf('pr-42-api') },
      [{ name: 'pr-42-api' }],
    );
    const result = await run();
    expect(log.lines).toStrictEqual([
      {
        level: 'info',
        message:
          'pr-42-api is UPDATE_IN_PROGRESS (another run, or a cancelled one); waiting for it to settle',
      },
    ]);
    expect(result.changed).toStrictEqual([]);
    expect(result.existing.get('pr-42-api')?.status).toBe('UPDATE_COMPLETE');
    expect(record.stackReports()).toStrictEqual([
      { name: 'pr-42-api', outcome: 'unchanged', status: 'UPDATE_COMPLETE' },
    ]);
  });

  it('deletes a stack that cannot be updated and creates it as a new one', async () => {
    const { run, log, stacks } = await plan(
      [
        { name: 'pr-42-api', tags: tags({ [TAG.expiresAt]: '2025-03-06T00:00:00Z' }) },
        { name: 'pr-42-data', status: 'ROLLBACK_COMPLETE', tags: tags() },
      ],
      { 'pr-42-api': recordOf('pr-42-api') },
      [{ name: 'pr-42-api' }, { name: 'pr-42-data' }],
    );
    const result = await run();
    expect(log.messages('warning')).toStrictEqual([
      'pr-42-data is ROLLBACK_COMPLETE, which cannot be updated: deleting it to create it again',
    ]);
    expect(log.messages('info').filter((line) => line.includes('deploying'))).toStrictEqual([]);
    expect(stacks.deletes()).toStrictEqual([['pr-42-data', 'STANDARD']]);
    expect([...result.existing.keys()]).toStrictEqual(['pr-42-api']);
    // A new stack again: it joins the environment's expiry, not the one the deleted stack had.
    expect(result.changed).toStrictEqual([{ name: 'pr-42-data', tags: written('2025-03-06T00:00:00Z') }]);
  });
});

describe('planDeploy: stacks prenv will not touch', () => {
  const refusal =
    'Stack pr-42-api already exists and belongs to pull request #7 of acme/invoices, so prenv will not ' +
    'update it. If two repositories share this sandbox account, give each its own names with ' +
    'environment-name: {repo}-pr-{number}.';

  it('refuses a stack of another pull request, with the whole advice', async () => {
    const { run, stacks } = await plan([{ name: 'pr-42-api', tags: tags({ [TAG.pullRequest]: '7' }) }], {}, [
      { name: 'pr-42-api' },
    ]);
    const error: unknown = await run().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OwnershipError);
    expect((error as Error).message).toBe(refusal);
    expect(stacks.deletes()).toStrictEqual([]);
  });

  it("refuses another pull request's stack under review with no resources: only an untagged one is a leftover change set", async () => {
    const { run, stacks, log } = await plan(
      [{ name: 'pr-42-api', status: 'REVIEW_IN_PROGRESS', tags: tags({ [TAG.pullRequest]: '7' }) }],
      {},
      [{ name: 'pr-42-api' }],
    );
    const error: unknown = await run().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OwnershipError);
    expect((error as Error).message).toBe(refusal);
    expect(stacks.deletes()).toStrictEqual([]);
    expect(log.lines).toStrictEqual([]);
  });
});
