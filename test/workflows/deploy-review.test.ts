import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TAG } from '../../src/domain/ownership.js';
import type { Inputs } from '../../src/inputs.js';
import type { AwsSession } from '../../src/ports.js';
import { type DeployPorts, deploy } from '../../src/workflows/deploy.js';
import { Reporter } from '../../src/workflows/reporter.js';
import { sqsWildcard } from '../fixtures/diff/changes.js';
import {
  FakeCdk,
  type FakeCdkOptions,
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

const PR = 42;
const REPO = 'acme/invoices';
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

const tempDirs: string[] = [];
afterEach(async () => {
  await Promise.all(tempDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** An environment whose pr-42-api stack exists (an earlier push) and whose new push adds sqs:* on *. */
async function setup(inputs: Partial<Inputs>, labels: string[] = [], cdk: Partial<FakeCdkOptions> = {}) {
  const journal = new Journal();
  const clock = new FakeClock('2025-03-03T12:00:00Z');
  const log = new FakeLog();
  const step = new FakeStep();
  const stacks = new FakeStacks(clock, { journal });
  stacks.add({
    name: 'pr-42-api',
    tags: {
      [TAG.managedBy]: 'prenv',
      [TAG.repository]: REPO,
      [TAG.pullRequest]: String(PR),
      [TAG.environment]: 'pr-42',
      [TAG.expiresAt]: '2025-03-05T00:00:00Z',
    },
  });
  const github = new FakeGitHub(journal).withPull(PR, 'open', false, labels);
  const fake = new FakeCdk({
    stacks: [{ name: 'pr-42-api', outputs: { SiteUrl: 'https://admin:hunter2@preview.example.com/' } }],
    target: stacks,
    journal,
    changes: { 'pr-42-api': sqsWildcard },
    ...cdk,
  });
  const tempDir = await mkdtemp(join(tmpdir(), 'prenv-review-test-'));
  tempDirs.push(tempDir);
  const reporter = new Reporter({ github, step, log, comment: true });
  const ports: DeployPorts = {
    log,
    clock,
    step,
    reporter,
    stacks,
    // No record of the stack: this push deploys it.
    state: new FakeStateStore(journal),
    cdk: fake,
    runner: new FakeRunner({ exitCode: 0, timedOut: false, durationMs: 1 }, journal),
    junit: new FakeJUnit({ total: 0, passed: 0, failed: 0, skipped: 0, failures: [] }),
    github,
  };
  const request = {
    inputs: { ...INPUTS, ...inputs } as Inputs,
    session,
    repository: REPO,
    pullRequest: PR,
    sha: 'a'.repeat(40),
    environment: 'pr-42',
    workspace: '/ws',
    tempDir,
    stepEnv: {},
  };
  return { cdk: fake, github, log, step, run: () => deploy(request, ports) };
}

describe('the infrastructure diff before a deploy', () => {
  it('diffs exactly the stacks it deploys and shows the wildcard statement in the comment', async () => {
    const world = await setup({});
    const outcome = await world.run();
    expect(outcome.failure).toBeUndefined();
    expect(world.cdk.diffCalls).toEqual([['pr-42-api']]);
    expect(world.cdk.deployCalls).toHaveLength(1);
    const body = world.github.comments[0]?.body ?? '';
    expect(body).toContain('IAM statement added: Allow `sqs:*` on `*`');
    expect(world.log.lines.map((line) => line.message).join('\n')).toContain(
      'Security-relevant change: pr-42-api: IAM statement added: Allow sqs:* on *',
    );
  });

  it('deploys without the diff when it cannot be read and fail-on is none', async () => {
    const world = await setup({}, [], { diffError: new Error('GetTemplate denied') });
    const outcome = await world.run();
    expect(outcome.failure).toBeUndefined();
    expect(world.cdk.deployCalls).toHaveLength(1);
  });
});

describe('fail-on: security', () => {
  it('blocks a push that adds sqs:* on * before any write, and says how to approve it', async () => {
    const world = await setup({ failOn: 'security', approveLabel: 'infra-approved' });
    const outcome = await world.run();
    expect(outcome.report.state).toBe('blocked');
    expect(outcome.failure).toContain('fail-on is security');
    expect(world.cdk.deployCalls).toHaveLength(0);
    const body = world.github.comments[0]?.body ?? '';
    expect(body).toContain('waiting for approval');
    expect(body).toContain('adding the label `infra-approved`');
    expect(body).toContain('Allow `sqs:*` on `*`');
  });

  it('deploys the same push while the PR carries approve-label, read from the API', async () => {
    const world = await setup({ failOn: 'security', approveLabel: 'infra-approved' }, ['infra-approved']);
    const outcome = await world.run();
    expect(outcome.failure).toBeUndefined();
    expect(world.cdk.deployCalls).toHaveLength(1);
    expect(outcome.report.notes?.join('\n')).toContain('approved by the label infra-approved');
  });

  it('takes approve-label in another case, as GitHub compares label names', async () => {
    const world = await setup({ failOn: 'security', approveLabel: 'infra-approved' }, ['Infra-Approved']);
    expect((await world.run()).failure).toBeUndefined();
    expect(world.cdk.deployCalls).toHaveLength(1);
  });

  it('blocks when the PR carries another label only', async () => {
    const world = await setup({ failOn: 'security', approveLabel: 'infra-approved' }, ['needs-review']);
    expect((await world.run()).report.state).toBe('blocked');
  });

  it('does not deploy unchecked when the diff cannot be read', async () => {
    const world = await setup({ failOn: 'security' }, [], { diffError: new Error('GetTemplate denied') });
    const outcome = await world.run();
    expect(outcome.failure).toContain('GetTemplate denied');
    expect(world.cdk.deployCalls).toHaveLength(0);
  });

  it('lets a push through that broadens nothing', async () => {
    const world = await setup({ failOn: 'security' }, [], { changes: {} });
    expect((await world.run()).failure).toBeUndefined();
  });
});

describe('fail-on: replacement', () => {
  it('blocks a replaced resource but not a wildcard statement', async () => {
    const replaced = {
      ...sqsWildcard,
      resources: [{ logicalId: 'Table', type: 'AWS::DynamoDB::Table', kind: 'replaced' as const }],
    };
    const blocked = await setup({ failOn: 'replacement' }, [], { changes: { 'pr-42-api': replaced } });
    expect((await blocked.run()).report.state).toBe('blocked');
    const passes = await setup({ failOn: 'replacement' });
    expect((await passes.run()).failure).toBeUndefined();
  });
});

describe('the URL', () => {
  it('reaches the url output and the deployment without the credentials, which are masked in the log', async () => {
    const world = await setup({});
    await world.run();
    expect(world.step.outputs.url).toBe('https://preview.example.com/');
    expect(world.log.masked).toContain('hunter2');
    expect(JSON.stringify(world.github.deployments)).not.toContain('hunter2');
    expect(world.github.comments[0]?.body).not.toContain('hunter2');
  });
});
