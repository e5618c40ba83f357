/**
 * After a hotswap the live template still holds the old code asset: the next push's diff must start
 * from what prenv applied, or every later push shows the hotswapped function's code as modified.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { patchTemplate, type TemplateOverlay } from '../../src/domain/applied-overlay.js';
import { templateHash } from '../../src/domain/fingerprint.js';
import { TAG } from '../../src/domain/ownership.js';
import type { Inputs } from '../../src/inputs.js';
import type { AwsSession } from '../../src/ports.js';
import { type DeployPorts, deploy } from '../../src/workflows/deploy.js';
import { diffBases } from '../../src/workflows/deploy-diff-base.js';
import type { DeployPlan } from '../../src/workflows/deploy-inspect.js';
import { Reporter } from '../../src/workflows/reporter.js';
import { deployParts, removeDeployPartsDirs } from '../support/deploy-parts.js';
import {
  FakeCdk,
  FakeClock,
  FakeGitHub,
  FakeJUnit,
  FakeLog,
  FakeRunner,
  FakeStep,
  Journal,
} from '../support/fake-ports.js';
import { FakeStacks } from '../support/fake-stacks.js';
import { FakeStateStore } from '../support/fake-state.js';

const STACK = 'pr-42-api';
const session: AwsSession = {
  credentials: { accessKeyId: 'ASIA', secretAccessKey: 'secret' },
  region: 'eu-west-2',
  account: '111122223333',
  arn: 'arn:aws:sts::111122223333:assumed-role/prenv-sandbox/s',
};
const INPUTS = {
  mode: 'deploy',
  awsRegion: 'eu-west-2',
  allowedAccountIds: [],
  roleDurationSeconds: 3600,
  audience: 'sts.amazonaws.com',
  appDir: '/ws',
  environmentName: 'pr-{number}',
  context: {},
  bootstrap: false,
  deploymentMethod: 'direct',
  ttlHours: 72,
  testWorkingDirectory: '/ws',
  testTimeoutMinutes: 30,
  githubToken: 'ghs_token',
  comment: true,
  dryRun: false,
  failOn: 'none',
  hideOutputs: [],
  commentAuthor: 'github-actions[bot]',
  regions: ['eu-west-2'],
  hotswap: true,
  force: false,
} satisfies Inputs;

const code = (key: string) => ({ S3Bucket: 'cdk-assets', S3Key: `${key}.zip` });
/** The template CloudFormation deployed: the handler's first code asset and 512 MB. */
const LIVE = JSON.stringify({
  Resources: {
    Handler: {
      Type: 'AWS::Lambda::Function',
      Properties: { Code: code('one'), MemorySize: 512 },
      Metadata: { 'aws:asset:path': 'asset.one' },
    },
    HandlerRole: { Type: 'AWS::IAM::Role', Properties: {} },
  },
});
/** What the code-only push's hotswap applied (toolkit-lib reports the resource's new values). */
const HOTSWAPPED: TemplateOverlay = {
  Handler: { Properties: { Code: code('two') }, Metadata: { 'aws:asset:path': 'asset.two' } },
};

const tempDirs: string[] = [];
afterEach(async () => {
  await Promise.all(tempDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** One environment whose stack CloudFormation deployed with LIVE; each push synthesizes `fingerprint`. */
function environment() {
  const journal = new Journal();
  const clock = new FakeClock('2025-03-03T12:00:00Z');
  const stacks = new FakeStacks(clock, { journal });
  stacks.add({
    name: STACK,
    template: LIVE,
    tags: {
      [TAG.managedBy]: 'prenv',
      [TAG.repository]: 'acme/invoices',
      [TAG.pullRequest]: '42',
      [TAG.environment]: 'pr-42',
      [TAG.wave]: '0',
      [TAG.expiresAt]: '2025-03-05T00:00:00Z',
    },
  });
  const state = new FakeStateStore(journal).seed('pr-42', {
    [STACK]: {
      fingerprint: 'fp-1',
      templateHash: templateHash(LIVE),
      sha: '1'.repeat(40),
      deployedAt: '2025-03-03T11:00:00Z',
      via: 'deploy',
    },
  });
  const github = new FakeGitHub(journal).withPull(42, 'open', false, []);
  const push = async (fingerprint: string, hotswappable: boolean) => {
    const log = new FakeLog();
    const step = new FakeStep();
    const cdk = new FakeCdk({
      stacks: [{ name: STACK, fingerprint }],
      target: stacks,
      journal,
      ...(hotswappable ? { hotswappable: [STACK], hotswapOverlay: HOTSWAPPED } : {}),
    });
    const tempDir = await mkdtemp(join(tmpdir(), 'prenv-diff-base-'));
    tempDirs.push(tempDir);
    const ports: DeployPorts = {
      log,
      clock,
      step,
      reporter: new Reporter({ github, step, log, comment: true }),
      stacks,
      state,
      cdk,
      runner: new FakeRunner({ exitCode: 0, timedOut: false, durationMs: 1 }, journal),
      junit: new FakeJUnit({ total: 0, passed: 0, failed: 0, skipped: 0, failures: [] }),
      github,
    };
    const outcome = await deploy(
      {
        inputs: INPUTS,
        session,
        repository: 'acme/invoices',
        pullRequest: 42,
        sha: fingerprint.slice(-1).repeat(40),
        environment: 'pr-42',
        workspace: '/ws',
        tempDir,
        stepEnv: {},
      },
      ports,
    );
    return { outcome, cdk, log: log.lines.map((line) => line.message).join('\n') };
  };
  return { stacks, state, push };
}

describe('the diff after a hotswap', () => {
  it('a code-only push records what its hotswap applied, in a few hundred bytes of state', async () => {
    const env = environment();
    const { outcome, cdk } = await env.push('fp-2', true);
    expect(outcome.failure).toBeUndefined();
    // The first diff has no hotswap to account for: it is against the live template, as read.
    expect(cdk.diffBases[0]?.get(STACK)).toBe(LIVE);
    const record = env.state.stack('pr-42', STACK);
    expect(record).toMatchObject({ via: 'hotswap', fingerprint: 'fp-2', applied: HOTSWAPPED });
    // The live template is unchanged, so its recorded hash is too: the out-of-band check still holds.
    expect(record?.templateHash).toBe(templateHash(LIVE));
    expect(JSON.stringify(env.state.documents.get('pr-42')).length).toBeLessThan(1_000);
  });

  it('the next push, an infrastructure change, is diffed against what the hotswap applied', async () => {
    const env = environment();
    await env.push('fp-2', true);
    const reads = env.stacks.callsOf('template').length;
    const { outcome, cdk, log } = await env.push('fp-3', false);
    expect(outcome.failure).toBeUndefined();
    // Two GetTemplates: the plan's (the out-of-band check, which is the diff's base too) and the
    // one after the deploy that records the new template's hash. None for the diff itself.
    expect(env.stacks.callsOf('template').length - reads).toBe(2);
    expect(log).not.toContain('changed outside prenv');
    const base = cdk.diffBases[0]?.get(STACK);
    expect(base).toBeDefined();
    const handler = JSON.parse(base ?? '{}').Resources.Handler;
    // The code the function runs now, not the asset CloudFormation still lists; the rest as deployed.
    expect(handler).toEqual({
      Type: 'AWS::Lambda::Function',
      Properties: { Code: code('two'), MemorySize: 512 },
      Metadata: { 'aws:asset:path': 'asset.two' },
    });
    expect(JSON.parse(base ?? '{}').Resources.HandlerRole).toEqual({
      Type: 'AWS::IAM::Role',
      Properties: {},
    });
    // A CloudFormation deploy puts the whole template in place: nothing is left to lay over.
    expect(env.state.stack('pr-42', STACK)).toMatchObject({ via: 'deploy' });
    expect(env.state.stack('pr-42', STACK)?.applied).toBeUndefined();
  });

  it('a template changed out of band after a hotswap is still caught', async () => {
    const env = environment();
    await env.push('fp-2', true);
    env.stacks.changeTemplate(STACK, LIVE.replace('512', '128'));
    const { log } = await env.push('fp-2', false);
    expect(log).toContain(`${STACK} was changed outside prenv`);
  });
});

describe('diffBases', () => {
  afterEach(removeDeployPartsDirs);

  const record = (applied?: TemplateOverlay) => ({
    fingerprint: 'fp-1',
    templateHash: templateHash(LIVE),
    sha: '1'.repeat(40),
    deployedAt: '2025-03-03T11:00:00Z',
    via: applied === undefined ? ('deploy' as const) : ('hotswap' as const),
    ...(applied === undefined ? {} : { applied }),
  });

  it('takes the templates the plan read, reads the others, none for a new stack, and lays each stack’s hotswaps over its template', async () => {
    const { ports, stacks, log } = await deployParts();
    for (const name of ['pr-42-read', 'pr-42-one', 'pr-42-two']) stacks.add({ name, template: LIVE });
    const two: TemplateOverlay = { ...HOTSWAPPED, HandlerRole: { Metadata: { note: 'hotswapped' } } };
    const plan: DeployPlan = {
      existing: new Map(
        ['pr-42-read', 'pr-42-one', 'pr-42-two', 'pr-42-plain'].map((name) => [
          name,
          { name, id: name, status: 'UPDATE_COMPLETE', tags: {}, outputs: [] },
        ]),
      ),
      changed: ['pr-42-read', 'pr-42-one', 'pr-42-two', 'pr-42-new', 'pr-42-plain'].map((name) => ({
        name,
        tags: {},
      })),
      tags: {},
      state: {
        schema: 1,
        stacks: { 'pr-42-read': record(), 'pr-42-one': record(HOTSWAPPED), 'pr-42-two': record(two) },
      },
      templates: new Map([
        ['pr-42-read', LIVE],
        ['pr-42-plain', LIVE],
      ]),
    };
    const bases = await diffBases(plan, ports);
    expect(stacks.callsOf('template').map((call) => call.target)).toStrictEqual(['pr-42-one', 'pr-42-two']);
    expect([...bases.keys()]).toStrictEqual(['pr-42-read', 'pr-42-one', 'pr-42-two', 'pr-42-plain']);
    expect(bases.get('pr-42-read')).toBe(LIVE);
    expect(bases.get('pr-42-plain')).toBe(LIVE);
    expect(bases.get('pr-42-one')).toBe(patchTemplate(LIVE, HOTSWAPPED));
    expect(bases.get('pr-42-two')).toBe(patchTemplate(LIVE, two));
    expect(log.lines).toStrictEqual([
      { level: 'info', message: 'pr-42-one: diffed against what prenv applied (1 hotswapped resource)' },
      { level: 'info', message: 'pr-42-two: diffed against what prenv applied (2 hotswapped resources)' },
    ]);
  });
});
