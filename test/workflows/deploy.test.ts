import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { markerFor } from '../../src/domain/comment.js';
import { templateHash } from '../../src/domain/fingerprint.js';
import { TAG } from '../../src/domain/ownership.js';
import type { TestSummary } from '../../src/domain/report.js';
import type { StackState } from '../../src/domain/state.js';
import type { Inputs } from '../../src/inputs.js';
import type { AwsSession, CommandResult, FoundResource, ResourcesPort } from '../../src/ports.js';
import { type DeployPorts, type DeployRequest, deploy } from '../../src/workflows/deploy.js';
import { Reporter } from '../../src/workflows/reporter.js';
import { loadRunState, type RunState } from '../../src/workflows/run-state.js';
import {
  FakeCdk,
  type FakeCdkOptions,
  FakeClock,
  FakeGitHub,
  FakeJUnit,
  FakeLog,
  FakeRunner,
  FakeStep,
  type FakeSynthStack,
  fakeTemplate,
  Journal,
} from '../support/fake-ports.js';
import { type FakeStackSpec, FakeStacks, inProgressFor } from '../support/fake-stacks.js';
import { FakeStateStore } from '../support/fake-state.js';

const REPO = 'acme/invoices';
const PR = 42;
const ENV = 'pr-42';
const SHA = '3f2a9c1b7e4d5a6b8c9d0e1f2a3b4c5d6e7f8a9b';
const NOW = '2025-03-03T12:00:00Z';
const THIRTY_MINUTES = 30 * 60_000;

const session: AwsSession = {
  credentials: {
    accessKeyId: 'ASIASESSIONKEY',
    secretAccessKey: 'session-secret-key',
    sessionToken: 'session-token-value',
  },
  region: 'eu-west-2',
  account: '111122223333',
  arn: 'arn:aws:sts::111122223333:assumed-role/prenv-sandbox/prenv-invoices-pr-42',
};

/** The app most tests deploy: a data stack and an API stack that depends on it. */
const APP: FakeSynthStack[] = [
  {
    name: 'pr-42-data',
    outputs: {
      TableName: 'pr-42-data-Invoices-1X2Y',
      ExportsOutputRefInvoices1234: 'pr-42-data-Invoices-1X2Y',
    },
  },
  {
    name: 'pr-42-api',
    dependencies: ['pr-42-data'],
    outputs: { ApiUrl: 'https://k3x9.execute-api.eu-west-2.amazonaws.com/prod/' },
  },
];

/** Tags of a stack an earlier prenv run deployed for (by default) this PR. */
function ownedTags(extra: Record<string, string> = {}, pullRequest = PR, repository = REPO) {
  return {
    [TAG.managedBy]: 'prenv',
    [TAG.repository]: repository,
    [TAG.pullRequest]: String(pullRequest),
    [TAG.environment]: `pr-${pullRequest}`,
    [TAG.expiresAt]: '2025-03-05T00:00:00Z',
    [TAG.createdAt]: '2025-02-01T08:00:00Z',
    ...extra,
  };
}

type InputOverrides = { [K in keyof Inputs]?: Inputs[K] | undefined };

/** Parsed inputs as parseInputs returns them by default; an override of undefined removes the input. */
function inputs(overrides: InputOverrides = {}): Inputs {
  const set = Object.fromEntries(Object.entries(overrides).filter(([, value]) => value !== undefined));
  const unset = Object.keys(overrides).filter((key) => overrides[key as keyof Inputs] === undefined);
  const all: Record<string, unknown> = {
    mode: 'deploy',
    awsRegion: 'eu-west-2',
    allowedAccountIds: [],
    roleDurationSeconds: 3600,
    audience: 'sts.amazonaws.com',
    appDir: '/ws/sample-app',
    environmentName: 'pr-{number}',
    context: {},
    bootstrap: false,
    deploymentMethod: 'direct',
    hotswap: true,
    force: false,
    ttlHours: 72,
    testCommand: 'npm run test:e2e',
    testWorkingDirectory: '/ws/sample-app',
    testReport: 'sample-app/reports/*.xml',
    testTimeoutMinutes: 30,
    githubToken: 'ghs_token',
    comment: true,
    dryRun: false,
    hideOutputs: [],
    commentAuthor: 'github-actions[bot]',
    ...set,
  };
  for (const key of unset) delete all[key];
  return all as unknown as Inputs;
}

const PASSED: TestSummary = { total: 3, passed: 3, failed: 0, skipped: 0, failures: [] };

interface SetupOptions {
  readonly app?: readonly FakeSynthStack[];
  readonly existing?: readonly FakeStackSpec[];
  readonly cdk?: Partial<FakeCdkOptions>;
  /** null: no github-token. */
  readonly github?: FakeGitHub | null;
  readonly inputs?: InputOverrides;
  readonly run?: CommandResult;
  readonly junit?: TestSummary;
  readonly session?: AwsSession;
  /** The environment's state. @default a record of each existing stack as the fake CDK deploys it */
  readonly state?: Readonly<Record<string, StackState>>;
  /** The tagging API the resource count reads. @default none */
  readonly resources?: ResourcesPort;
}

/** The record prenv keeps of a stack it deployed at `fp-<name>` (or fingerprint). */
function recordOf(name: string, fingerprint = `fp-${name}`): StackState {
  return {
    fingerprint,
    templateHash: templateHash(fakeTemplate(name, fingerprint)),
    sha: 'oldsha',
    deployedAt: '2025-03-02T12:00:00Z',
    via: 'deploy',
  };
}

const tempDirs: string[] = [];
afterEach(async () => {
  await Promise.all(tempDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function setup(options: SetupOptions = {}) {
  const journal = new Journal();
  const clock = new FakeClock(NOW);
  const log = new FakeLog();
  const step = new FakeStep();
  const stacks = new FakeStacks(clock, { journal });
  for (const spec of options.existing ?? []) stacks.add(spec);
  const state = new FakeStateStore(journal).seed(
    ENV,
    options.state ??
      Object.fromEntries((options.existing ?? []).map((spec) => [spec.name, recordOf(spec.name)])),
  );
  const github =
    options.github === null ? undefined : (options.github ?? new FakeGitHub(journal).withPull(PR));
  const cdk = new FakeCdk({ stacks: options.app ?? APP, target: stacks, journal, ...options.cdk });
  const runner = new FakeRunner(options.run ?? { exitCode: 0, timedOut: false, durationMs: 4000 }, journal);
  const junit = new FakeJUnit(options.junit ?? PASSED);
  const tempDir = await mkdtemp(join(tmpdir(), 'prenv-deploy-test-'));
  tempDirs.push(tempDir);
  const reporter = new Reporter({
    github,
    step,
    log,
    comment: options.inputs?.comment ?? true,
    runUrl: 'https://github.com/acme/invoices/actions/runs/7',
  });
  const request: DeployRequest = {
    inputs: inputs(options.inputs),
    session: options.session ?? session,
    repository: REPO,
    pullRequest: PR,
    sha: SHA,
    environment: ENV,
    workspace: '/ws',
    tempDir,
    stepEnv: {
      PATH: '/usr/local/bin:/usr/bin',
      HOME: '/home/runner',
      MY_SETTING: 'from-the-workflow-env',
      AWS_ACCESS_KEY_ID: 'AKIAAMBIENT',
      AWS_SECRET_ACCESS_KEY: 'ambient-secret',
      AWS_REGION: 'us-east-1',
      'INPUT_GITHUB-TOKEN': 'ghs_token',
      UNSET: undefined,
    },
    runUrl: 'https://github.com/acme/invoices/actions/runs/7',
    repositoryUrl: 'https://github.com/acme/invoices',
  };
  const ports: DeployPorts = {
    log,
    clock,
    step,
    reporter,
    stacks,
    state,
    cdk,
    runner,
    junit,
    github,
    ...(options.resources === undefined ? {} : { resources: options.resources }),
  };
  return {
    journal,
    clock,
    log,
    step,
    stacks,
    state,
    github,
    cdk,
    runner,
    junit,
    request,
    run: () => deploy(request, ports),
  };
}

function runStates(step: FakeStep): RunState[] {
  return step.savedStates('prenv-run') as RunState[];
}

describe('deploy refuses what it does not own, before any write', () => {
  it.each([
    ['has no prenv tags', {}, 'nobody prenv knows (it has no prenv:managed-by tag)'],
    ['belongs to another repository', ownedTags({}, PR, 'acme/payments'), 'the repository acme/payments'],
    ['belongs to another PR', ownedTags({}, 7), 'pull request #7 of acme/invoices'],
  ])('a stack of the same name that %s', async (_, tags, owner) => {
    const world = await setup({
      existing: [
        // Replaceable, so a deploy that repaired before checking ownership would delete it.
        { name: 'pr-42-data', status: 'ROLLBACK_COMPLETE', tags: ownedTags() },
        { name: 'pr-42-api', tags },
      ],
    });

    const outcome = await world.run();

    expect(world.journal.awsWrites()).toEqual([]);
    expect(world.cdk.deployCalls).toEqual([]);
    expect(world.stacks.deletes()).toEqual([]);
    expect(world.stacks.names()).toEqual(['pr-42-data', 'pr-42-api']);
    expect(outcome.report.state).toBe('deploy-failed');
    expect(outcome.failure).toContain('Stack pr-42-api already exists and belongs to');
    expect(outcome.failure).toContain(owner);
    expect(outcome.report.failure?.reason).toContain(owner);
    expect(world.step.outputs['test-result']).toBe('skipped');
    expect(world.runner.calls).toEqual([]);
  });

  it('refuses stacks named outside <name>-, naming each of them', async () => {
    const world = await setup({
      app: [{ name: 'pr-42-api' }, { name: 'shared-database' }, { name: 'pr-420-api' }, { name: 'pr-42-' }],
    });

    const outcome = await world.run();

    expect(world.journal.awsWrites()).toEqual([]);
    expect(world.stacks.calls).toEqual([]);
    expect(outcome.report.state).toBe('deploy-failed');
    expect(outcome.failure).toContain('shared-database, pr-420-api, pr-42-');
    expect(outcome.failure).not.toMatch(/pr-42-api[,.]/);
  });

  it.each([
    [{ region: 'us-east-1' }, 'pr-42-api (any account, us-east-1)'],
    [{ account: '999988887777' }, 'pr-42-api (999988887777, any region)'],
  ])(
    'refuses a stack pinned elsewhere (%o): the allow-list and the sweep cover only the session',
    async (pin, named) => {
      const world = await setup({
        app: [APP[0] as FakeSynthStack, { ...(APP[1] as FakeSynthStack), ...pin }],
      });

      const outcome = await world.run();

      expect(outcome.failure).toContain(named);
      expect(outcome.failure).toContain('111122223333, eu-west-2');
      expect(world.cdk.deployCalls).toEqual([]);
      expect(world.journal.awsWrites()).toEqual([]);
    },
  );

  it('deploys stacks pinned to the session account and region themselves', async () => {
    const world = await setup({
      app: APP.map((stack) => ({ ...stack, account: '111122223333', region: 'eu-west-2' })),
    });

    const outcome = await world.run();

    expect(outcome.failure).toBeUndefined();
  });

  it('fails when the app synthesizes no stack at all', async () => {
    const world = await setup({ app: [] });

    const outcome = await world.run();

    expect(outcome.failure).toContain('synthesized no stacks');
    expect(world.journal.awsWrites()).toEqual([]);
  });

  it('reports a synth failure as a failed deploy', async () => {
    const world = await setup({ cdk: { synthError: new Error('app.ts(3,1): error TS2304') } });

    const outcome = await world.run();

    expect(outcome.report.state).toBe('deploy-failed');
    expect(outcome.failure).toBe('Deploy of pr-42 failed: app.ts(3,1): error TS2304');
    expect(world.journal.awsWrites()).toEqual([]);
  });
});

describe('deploy repairs or waits on stacks a previous run left behind', () => {
  it.each(['ROLLBACK_COMPLETE', 'REVIEW_IN_PROGRESS', 'DELETE_FAILED'])(
    'a %s stack is deleted, then created again',
    async (status) => {
      const world = await setup({ existing: [{ name: 'pr-42-api', status, tags: ownedTags() }] });
      const oldId = world.stacks.peek('pr-42-api')?.id;

      const outcome = await world.run();

      expect(outcome.failure).toBeUndefined();
      const deleted = world.journal.indexOf((e) => e.method === 'delete' && e.target === 'pr-42-api');
      const created = world.journal.indexOf((e) => e.method === 'deploy' && e.target === 'pr-42-api');
      expect(deleted).toBeGreaterThanOrEqual(0);
      expect(created).toBeGreaterThan(deleted);
      const now = world.stacks.peek('pr-42-api');
      expect(now?.id).not.toBe(oldId);
      expect(now?.status).toBe('CREATE_COMPLETE');
      expect(outcome.report.state).toBe('ready');
    },
  );

  it('replaces its own leftover change-set stack: REVIEW_IN_PROGRESS, no tags, no resources', async () => {
    const world = await setup({ existing: [{ name: 'pr-42-api', status: 'REVIEW_IN_PROGRESS' }] });

    const outcome = await world.run();

    expect(outcome.failure).toBeUndefined();
    expect(world.stacks.deletes()).toEqual([['pr-42-api', 'STANDARD']]);
    expect(world.stacks.peek('pr-42-api')?.status).toBe('CREATE_COMPLETE');
    expect(world.log.messages('warning').join('\n')).toContain('never executed');
  });

  it.each([
    [
      'has resources',
      { resources: [{ logicalId: 'Queue', type: 'AWS::SQS::Queue', status: 'CREATE_COMPLETE' }] },
    ],
    ['is not REVIEW_IN_PROGRESS', { status: 'CREATE_COMPLETE' }],
  ])('still refuses an untagged stack that %s', async (_, spec) => {
    const world = await setup({ existing: [{ name: 'pr-42-api', status: 'REVIEW_IN_PROGRESS', ...spec }] });

    const outcome = await world.run();

    expect(world.stacks.deletes()).toEqual([]);
    expect(outcome.failure).toContain('Stack pr-42-api already exists and belongs to');
  });

  it('fails, without deploying, when a stack to recreate cannot be deleted', async () => {
    const world = await setup({
      existing: [
        {
          name: 'pr-42-api',
          status: 'ROLLBACK_COMPLETE',
          tags: ownedTags(),
          deleteFailures: 2,
          forceDeleteFails: true,
        },
      ],
    });

    const outcome = await world.run();

    expect(world.cdk.deployCalls).toEqual([]);
    expect(outcome.report.state).toBe('deploy-failed');
    expect(outcome.failure).toContain(
      'pr-42-api is ROLLBACK_COMPLETE and could not be deleted to recreate it',
    );
  });

  it.each([
    ['CREATE_IN_PROGRESS', 'CREATE_COMPLETE'],
    ['UPDATE_IN_PROGRESS', 'UPDATE_COMPLETE'],
    ['UPDATE_ROLLBACK_IN_PROGRESS', 'UPDATE_ROLLBACK_COMPLETE'],
    ['DELETE_IN_PROGRESS', 'DELETE_COMPLETE'],
  ])('a stack left %s by a cancelled run is waited for, then deployed', async (status, settled) => {
    const world = await setup({
      existing: [{ name: 'pr-42-api', status, tags: ownedTags(), polls: inProgressFor(status, 3, settled) }],
    });

    const outcome = await world.run();

    expect(outcome.failure).toBeUndefined();
    expect(world.stacks.callsOf('settle')).toEqual([
      expect.objectContaining({ target: 'pr-42-api', timeoutMs: THIRTY_MINUTES }),
    ]);
    expect(world.clock.slept).toBeGreaterThan(0);
    expect(world.clock.slept).toBeLessThan(THIRTY_MINUTES);
    expect(world.cdk.deployedNames()).toEqual([['pr-42-data', 'pr-42-api']]);
    expect(world.stacks.deletes()).toEqual([]);
  });

  it('gives up with a clear error when a stack is still in progress after the bound', async () => {
    const world = await setup({
      existing: [{ name: 'pr-42-api', status: 'UPDATE_IN_PROGRESS', tags: ownedTags() }],
    });

    const outcome = await world.run();

    expect(world.clock.slept).toBeGreaterThanOrEqual(THIRTY_MINUTES);
    expect(world.clock.slept).toBeLessThan(THIRTY_MINUTES + 60_000);
    expect(world.journal.awsWrites()).toEqual([]);
    expect(outcome.report.state).toBe('deploy-failed');
    expect(outcome.failure).toContain(
      'pr-42-api is still UPDATE_IN_PROGRESS after 30 minutes; try again later',
    );
    expect(outcome.report.failure?.stack).toBe('pr-42-api');
  });

  it('refuses UPDATE_ROLLBACK_FAILED and says how to get out of it', async () => {
    const world = await setup({
      existing: [{ name: 'pr-42-api', status: 'UPDATE_ROLLBACK_FAILED', tags: ownedTags() }],
    });

    const outcome = await world.run();

    expect(world.journal.awsWrites()).toEqual([]);
    expect(outcome.report.state).toBe('deploy-failed');
    expect(outcome.failure).toContain('pr-42-api is UPDATE_ROLLBACK_FAILED');
    expect(outcome.failure).toContain('aws cloudformation continue-update-rollback --stack-name pr-42-api');
  });

  it('updates an UPDATE_ROLLBACK_COMPLETE stack in place', async () => {
    const world = await setup({
      existing: [
        {
          name: 'pr-42-api',
          status: 'UPDATE_ROLLBACK_COMPLETE',
          tags: ownedTags({ [TAG.wave]: '1' }),
        },
      ],
    });
    const id = world.stacks.peek('pr-42-api')?.id;

    const outcome = await world.run();

    expect(outcome.failure).toBeUndefined();
    expect(world.stacks.deletes()).toEqual([]);
    expect(world.cdk.deployedNames()).toEqual([['pr-42-data', 'pr-42-api']]);
    expect(world.stacks.peek('pr-42-api')).toMatchObject({ id, status: 'UPDATE_COMPLETE' });
  });
});

describe('deploy deploys only what changed, tagged', () => {
  const unchanged = (name: string, wave: string, outputs: Record<string, string>): FakeStackSpec => ({
    name,
    status: 'UPDATE_COMPLETE',
    tags: ownedTags({ [TAG.wave]: wave }),
    outputs,
  });

  it('makes no CloudFormation write when every fingerprint matches, and still sets the outputs', async () => {
    const world = await setup({
      existing: [
        unchanged('pr-42-data', '0', { TableName: 'invoices-table' }),
        unchanged('pr-42-api', '1', { ApiUrl: 'https://api.example/prod/' }),
      ],
    });

    const outcome = await world.run();

    expect(world.cdk.deployCalls).toEqual([]);
    expect(world.journal.awsWrites()).toEqual([]);
    expect(outcome.report.state).toBe('ready');
    expect(outcome.report.stacks?.map((stack) => stack.outcome)).toEqual(['unchanged', 'unchanged']);
    expect(JSON.parse(world.step.outputs.outputs ?? '')).toEqual({
      TableName: 'invoices-table',
      ApiUrl: 'https://api.example/prod/',
    });
    expect(world.step.outputs.url).toBe('https://api.example/prod/');
    expect(world.runner.calls[0]?.env.API_URL).toBe('https://api.example/prod/');
  });

  // Documents a trade-off (see the report): a no-op deploy writes nothing, so it does not renew
  // prenv:expires-at either; an open PR whose pushes change no stack is swept once the TTL passes.
  it('a no-op deploy leaves expires-at as it was, and reports that expiry', async () => {
    const world = await setup({
      existing: [unchanged('pr-42-data', '0', {}), unchanged('pr-42-api', '1', {})],
    });

    const outcome = await world.run();

    expect(outcome.report.expiresAt).toBe('2025-03-05T00:00:00Z');
    expect(world.stacks.peek('pr-42-api')?.tags[TAG.expiresAt]).toBe('2025-03-05T00:00:00Z');
  });

  // Renewed: an expiry less than half the TTL away (so an active PR is never swept), and one only a
  // lenient parser reads ("June 5, 2026" sorts after every ISO date: it was reported as the expiry).
  it.each([
    ['less than half the TTL away', '2025-03-04T00:00:00Z'],
    ['only a lenient parser reads', 'June 5, 2026'],
  ])('renews an unchanged stack whose expiry is %s, and reports the renewed one', async (_, expiry) => {
    const due = {
      ...unchanged('pr-42-api', '1', {}),
      tags: { ...unchanged('pr-42-api', '1', {}).tags, [TAG.expiresAt]: expiry },
    };
    const world = await setup({ existing: [unchanged('pr-42-data', '0', {}), due] });

    const outcome = await world.run();

    expect(world.cdk.deployCalls.map((call) => call.stacks.map((stack) => stack.name))).toEqual([
      ['pr-42-api'],
    ]);
    expect(world.cdk.deployCalls[0]?.stacks[0]?.tags[TAG.expiresAt]).toBe('2025-03-06T12:00:00Z');
    expect(outcome.report.expiresAt).toBe('2025-03-06T12:00:00Z');
  });

  it('passes only the changed stacks to the CDK, each with every prenv tag', async () => {
    const world = await setup({
      app: [...APP.slice(0, 1), { ...APP[1], name: 'pr-42-api', fingerprint: 'fp-api-new' }],
      inputs: { deploymentMethod: 'change-set', ttlHours: 24 },
      existing: [
        unchanged('pr-42-data', '0', { TableName: 't' }),
        {
          ...unchanged('pr-42-api', '1', {}),
          tags: ownedTags({ [TAG.wave]: '1' }),
        },
      ],
    });

    const outcome = await world.run();

    expect(outcome.failure).toBeUndefined();
    expect(world.cdk.deployCalls).toHaveLength(1);
    expect(world.cdk.deployCalls[0]?.method).toBe('change-set');
    expect(world.cdk.deployCalls[0]?.stacks).toEqual([
      {
        name: 'pr-42-api',
        hotswap: true,
        tags: {
          'prenv:managed-by': 'prenv',
          'prenv:repository': REPO,
          'prenv:pull-request': '42',
          'prenv:environment': ENV,
          'prenv:expires-at': '2025-03-05T00:00:00Z',
          'prenv:created-at': '2025-02-01T08:00:00Z',
          'prenv:wave': '1',
        },
      },
    ]);
    expect(outcome.report.stacks).toEqual([
      { name: 'pr-42-data', outcome: 'unchanged', status: 'UPDATE_COMPLETE' },
      { name: 'pr-42-api', outcome: 'deployed', status: 'UPDATE_COMPLETE' },
    ]);
    expect(outcome.report.createdAt).toBe('2025-02-01T08:00:00Z');
    // The unchanged stack keeps its later expires-at, and cleanup waits for every stack's.
    expect(outcome.report.expiresAt).toBe('2025-03-05T00:00:00Z');
  });

  it('redeploys a stack whose wave changed even if its template did not', async () => {
    const world = await setup({
      existing: [unchanged('pr-42-data', '0', {}), unchanged('pr-42-api', '0', {})],
    });

    await world.run();

    expect(world.cdk.deployedNames()).toEqual([['pr-42-api']]);
  });

  it('creates a new environment with created-at now and waves from the dependencies', async () => {
    const world = await setup();

    await world.run();

    const tags = Object.fromEntries(
      (world.cdk.deployCalls[0]?.stacks ?? []).map((stack) => [stack.name, stack.tags]),
    );
    expect(tags['pr-42-data']?.[TAG.wave]).toBe('0');
    expect(tags['pr-42-api']?.[TAG.wave]).toBe('1');
    expect(tags['pr-42-api']?.[TAG.createdAt]).toBe(NOW);
    expect(world.cdk.synthCalls[0]?.context).toMatchObject({
      'prenv:name': ENV,
      'prenv:pull-request': '42',
      'prenv:sha': SHA,
    });
    expect(world.cdk.disposed).toBe(1);
  });

  it('bootstraps when asked and the account is not bootstrapped, but not for a no-op', async () => {
    const fresh = await setup({ inputs: { bootstrap: true } });
    await fresh.run();
    expect(fresh.cdk.bootstrapCalls).toEqual([{ account: '111122223333', region: 'eu-west-2' }]);

    const noop = await setup({
      inputs: { bootstrap: true },
      existing: [unchanged('pr-42-data', '0', {}), unchanged('pr-42-api', '1', {})],
    });
    await noop.run();
    expect(noop.cdk.bootstrapCalls).toEqual([]);
  });
});

describe('a failed deploy', () => {
  const cause = {
    stack: 'pr-42-api',
    resource: 'Handler',
    resourceType: 'AWS::Lambda::Function',
    reason: 'Resource handler returned message: "The runtime parameter of nodejs8.10 is no longer supported"',
  };

  it('reports the first failing resource, skips the tests and tells GitHub', async () => {
    const world = await setup({
      cdk: {
        failOn: { stack: 'pr-42-api', reason: 'The stack named pr-42-api failed creation', failure: cause },
      },
    });

    const outcome = await world.run();

    expect(outcome.report.state).toBe('deploy-failed');
    expect(outcome.report.failure).toEqual(cause);
    expect(outcome.failure).toBe(`Deploy of pr-42 failed: ${cause.reason}`);
    expect(outcome.report.stacks).toEqual([
      { name: 'pr-42-data', outcome: 'deployed' },
      { name: 'pr-42-api', outcome: 'failed' },
    ]);
    expect(world.runner.calls).toEqual([]);
    expect(world.step.outputs['test-result']).toBe('skipped');
    expect(world.github?.deploymentStates(ENV)).toEqual(['in_progress', 'failure']);
    const comment = world.github?.commentFor(PR, markerFor(ENV));
    expect(comment?.body).toContain('Handler');
    expect(comment?.body).toContain('AWS::Lambda::Function');
    expect(comment?.body).toContain('nodejs8.10 is no longer supported');
    expect(world.step.outputs['comment-url']).toMatch(/issuecomment/);
    expect(runStates(world.step).at(-1)).toEqual({ phase: 'done' });
  });

  it('falls back to the deploy error when CloudFormation has no failed resource', async () => {
    const world = await setup({
      cdk: { failOn: { stack: 'pr-42-data', reason: 'Template format error: Unresolved resource' } },
    });

    const outcome = await world.run();

    expect(outcome.failure).toBe('Deploy of pr-42 failed: Template format error: Unresolved resource');
    expect(world.stacks.callsOf('firstFailure')).toHaveLength(1);
  });
});

describe('a failure after the stacks are deployed', () => {
  it('is reported with its reason, outputs set and the run marked done (not left for the post step as cancelled)', async () => {
    const world = await setup();
    world.stacks.beforeEachCall((call) => {
      if (call.method === 'get' && world.cdk.deployCalls.length > 0) throw new Error('Rate exceeded');
    });

    const outcome = await world.run();

    expect(outcome.report.state).toBe('deploy-failed');
    expect(outcome.failure).toBe('pr-42 is deployed, but then: Rate exceeded');
    expect(world.step.outputs['test-result']).toBe('skipped');
    expect(runStates(world.step).at(-1)).toEqual({ phase: 'done' });
    expect(world.github?.deploymentStates('pr-42').at(-1)).toBe('failure');
  });
});

describe('outputs and the e2e environment', () => {
  it('fails, naming both stacks, when two stacks output the same key with different values', async () => {
    const world = await setup({
      app: [
        { name: 'pr-42-data', outputs: { Endpoint: 'https://data.example' } },
        { name: 'pr-42-api', outputs: { Endpoint: 'https://api.example' } },
      ],
    });

    const outcome = await world.run();

    expect(outcome.report.state).toBe('deploy-failed');
    expect(outcome.failure).toContain('pr-42-data and pr-42-api both output Endpoint');
    expect(world.runner.calls).toEqual([]);
    expect(world.github?.deploymentStates(ENV).at(-1)).toBe('failure');
    expect(runStates(world.step).at(-1)).toEqual({ phase: 'done' });
  });

  // Outputs that collide fail the deploy like any other deploy failure: the step outputs are still set.
  it('still sets the step outputs when outputs collide (test-result skipped)', async () => {
    const world = await setup({
      app: [
        { name: 'pr-42-data', outputs: { Endpoint: 'a' } },
        { name: 'pr-42-api', outputs: { Endpoint: 'b' } },
      ],
    });

    await world.run();

    expect(world.step.outputs).toMatchObject({ environment: ENV, 'test-result': 'skipped' });
  });

  it('writes PRENV_OUTPUTS (stack → key → value) in the temp dir, without any credential', async () => {
    const world = await setup();

    await world.run();

    const env = world.runner.calls[0]?.env ?? {};
    const file = env.PRENV_OUTPUTS ?? '';
    expect(file.startsWith(world.request.tempDir)).toBe(true);
    const text = await readFile(file, 'utf8');
    expect(JSON.parse(text)).toEqual({
      'pr-42-data': {
        TableName: 'pr-42-data-Invoices-1X2Y',
        ExportsOutputRefInvoices1234: 'pr-42-data-Invoices-1X2Y',
      },
      'pr-42-api': { ApiUrl: 'https://k3x9.execute-api.eu-west-2.amazonaws.com/prod/' },
    });
    for (const secret of ['ASIASESSIONKEY', 'session-secret-key', 'session-token-value', 'ambient-secret']) {
      expect(text).not.toContain(secret);
    }
  });

  it("gives the e2e command the session, prenv's variables, the outputs and the step's env", async () => {
    const world = await setup();

    await world.run();

    expect(world.runner.calls).toHaveLength(1);
    const call = world.runner.calls[0];
    expect(call?.command).toBe('npm run test:e2e');
    expect(call?.cwd).toBe('/ws/sample-app');
    expect(call?.timeoutMs).toBe(THIRTY_MINUTES);
    expect(call?.env).toMatchObject({
      AWS_ACCESS_KEY_ID: 'ASIASESSIONKEY',
      AWS_SECRET_ACCESS_KEY: 'session-secret-key',
      AWS_SESSION_TOKEN: 'session-token-value',
      AWS_REGION: 'eu-west-2',
      PRENV_NAME: ENV,
      TABLE_NAME: 'pr-42-data-Invoices-1X2Y',
      API_URL: 'https://k3x9.execute-api.eu-west-2.amazonaws.com/prod/',
      MY_SETTING: 'from-the-workflow-env',
      PATH: '/usr/local/bin:/usr/bin',
    });
    const names = Object.keys(call?.env ?? {});
    expect(names.filter((name) => name.startsWith('EXPORTS_OUTPUT'))).toEqual([]);
    expect(names.filter((name) => name.startsWith('INPUT_'))).toEqual([]);
    expect(names).not.toContain('UNSET');
    expect(JSON.parse(world.step.outputs.outputs ?? '')).toEqual({
      TableName: 'pr-42-data-Invoices-1X2Y',
      ApiUrl: 'https://k3x9.execute-api.eu-west-2.amazonaws.com/prod/',
    });
    expect(world.step.outputs.url).toBe('https://k3x9.execute-api.eu-west-2.amazonaws.com/prod/');
    expect(JSON.parse(world.step.outputs.stacks ?? '')).toEqual(['pr-42-data', 'pr-42-api']);
  });

  it('gives the e2e command credentials that last test-timeout-minutes: the session renewed right before it', async () => {
    const asked: (number | undefined)[] = [];
    const renewed = {
      accessKeyId: 'ASIARENEWED',
      secretAccessKey: 'renewed-secret',
      sessionToken: 'renewed-token',
    };
    const world = await setup({
      session: {
        ...session,
        current: async (options) => {
          asked.push(options?.validForMs);
          return renewed;
        },
      },
    });

    await world.run();

    expect(asked).toContain(THIRTY_MINUTES);
    expect(world.runner.calls[0]?.env).toMatchObject({
      AWS_ACCESS_KEY_ID: 'ASIARENEWED',
      AWS_SECRET_ACCESS_KEY: 'renewed-secret',
      AWS_SESSION_TOKEN: 'renewed-token',
    });
  });

  it('never lets an output override a reserved variable (PATH, AWS_*), and warns', async () => {
    const world = await setup({
      app: [
        {
          name: 'pr-42-api',
          outputs: { Path: '/evil/bin', AwsRegion: 'us-west-1', AwsAccessKeyId: 'AKIAOUTPUT', Home: '/tmp' },
        },
      ],
    });

    await world.run();

    expect(world.runner.calls[0]?.env).toMatchObject({
      PATH: '/usr/local/bin:/usr/bin',
      AWS_REGION: 'eu-west-2',
      AWS_ACCESS_KEY_ID: 'ASIASESSIONKEY',
      HOME: '/home/runner',
    });
    expect(world.log.messages('warning').join('\n')).toMatch(
      /Output Path of pr-42-api is not passed .* as PATH/,
    );
  });

  it('never exports BashEnv, LdPreload, NpmConfigNodeOptions or GitSshCommand, and warns naming each output', async () => {
    const world = await setup({
      app: [
        {
          name: 'pr-42-api',
          outputs: {
            BashEnv: '/tmp/evil.sh',
            LdPreload: '/tmp/evil.so',
            NpmConfigNodeOptions: '--require /tmp/evil.js',
            GitSshCommand: 'sh /tmp/evil.sh',
            ApiUrl: 'https://api.example.com/',
          },
        },
      ],
    });

    await world.run();

    const env = world.runner.calls[0]?.env ?? {};
    for (const name of ['BASH_ENV', 'LD_PRELOAD', 'NPM_CONFIG_NODE_OPTIONS', 'GIT_SSH_COMMAND'])
      expect(env, name).not.toHaveProperty(name);
    expect(env).toHaveProperty('API_URL', 'https://api.example.com/');
    const warnings = world.log.messages('warning').join('\n');
    for (const key of ['BashEnv', 'LdPreload', 'NpmConfigNodeOptions', 'GitSshCommand'])
      expect(warnings).toContain(`Output ${key} of pr-42-api`);
    // Still in the PRENV_OUTPUTS file.
    const file = JSON.parse(await readFile(env.PRENV_OUTPUTS as string, 'utf8'));
    expect(file['pr-42-api']).toHaveProperty('BashEnv', '/tmp/evil.sh');
  });

  it('withholds GITHUB_TOKEN and GH_TOKEN from a step env, with the inputs', async () => {
    const world = await setup();
    const request = {
      ...world.request,
      stepEnv: { ...world.request.stepEnv, GITHUB_TOKEN: 'ghs_x', GH_TOKEN: 'ghp_y' },
    };
    Object.assign(world.request, { stepEnv: request.stepEnv });

    await world.run();

    const env = world.runner.calls[0]?.env ?? {};
    expect(env).not.toHaveProperty('GITHUB_TOKEN');
    expect(env).not.toHaveProperty('GH_TOKEN');
    expect(env).not.toHaveProperty('INPUT_GITHUB-TOKEN');
    expect(env).toHaveProperty('MY_SETTING', 'from-the-workflow-env');
  });
});

describe('a fork PR named by pull-request outside a pull_request event', () => {
  it('is refused before any synth or write', async () => {
    const github = new FakeGitHub().withPull(PR, 'open', false, [], 'mallory/invoices');
    const world = await setup({ github });

    const outcome = await world.run();

    expect(outcome.failure).toContain('the fork mallory/invoices');
    expect(world.cdk.synthCalls).toHaveLength(0);
    expect(world.journal.awsWrites()).toEqual([]);
    expect(github.count('createDeployment')).toBe(0);
    expect(world.runner.calls).toHaveLength(0);
  });
});

describe('secret-looking outputs', () => {
  const app = [
    {
      name: 'pr-42-api',
      outputs: {
        ApiUrl: 'https://api.example.com/?key=abcdefgh1234',
        DbPassword: 'correct-horse-battery',
        PinToken: '1234',
        DbHost: 'db.internal.example',
        SigningKeyArn: 'arn:aws:kms:eu-west-2:111122223333:key/k',
      },
    },
  ];

  it('masks long values, shows them hidden in the comment and the deployment, and hands them to the e2e command', async () => {
    const world = await setup({ app, inputs: { hideOutputs: ['DbHost', 'ApiUrl'] } });

    const outcome = await world.run();

    expect(world.log.masked).toEqual(
      expect.arrayContaining([
        'correct-horse-battery',
        'db.internal.example',
        'https://api.example.com/?key=abcdefgh1234',
      ]),
    );
    expect(world.log.masked).not.toContain('1234');
    const shown = Object.fromEntries((outcome.report.outputs ?? []).map((o) => [o.key, o]));
    expect(shown.DbPassword).toMatchObject({ value: '', hidden: true });
    expect(shown.PinToken).toMatchObject({ value: '', hidden: true });
    expect(shown.DbHost).toMatchObject({ value: '', hidden: true });
    expect(shown.SigningKeyArn?.value).toBe('arn:aws:kms:eu-west-2:111122223333:key/k');
    // A hidden URL is no link: not in the report, not on the deployment.
    expect(outcome.report.url).toBeUndefined();
    const statuses = world.github?.deployments.flatMap((d) => d.statuses) ?? [];
    expect(statuses.every((status) => status.environmentUrl === undefined)).toBe(true);
    const comment = world.github?.commentFor(PR, '<!-- prenv:pr-42 -->')?.body ?? '';
    for (const secret of ['correct-horse-battery', 'db.internal.example', 'abcdefgh1234']) {
      expect(comment).not.toContain(secret);
    }
    expect(comment).toContain('*hidden*');
    // The e2e command needs them.
    expect(world.runner.calls[0]?.env).toMatchObject({
      DB_PASSWORD: 'correct-horse-battery',
      DB_HOST: 'db.internal.example',
    });
  });
});

describe('the e2e run decides the result', () => {
  it('passing tests: ready, test-result passed, deployment success with the URL', async () => {
    const world = await setup();

    const outcome = await world.run();

    expect(outcome).toMatchObject({ report: { state: 'ready' } });
    expect(outcome.failure).toBeUndefined();
    expect(world.step.outputs['test-result']).toBe('passed');
    const deployment = world.github?.deployments[0];
    expect(deployment?.ref).toBe(SHA);
    expect(deployment?.statuses.at(-1)).toMatchObject({
      state: 'success',
      environmentUrl: 'https://k3x9.execute-api.eu-west-2.amazonaws.com/prod/',
    });
    expect(world.junit.calls).toEqual([{ pattern: 'sample-app/reports/*.xml', root: '/ws' }]);
  });

  it('failing tests: tests-failed, the failure returned, the environment stays up', async () => {
    const world = await setup({
      run: { exitCode: 1, timedOut: false, durationMs: 9000 },
      junit: {
        total: 3,
        passed: 2,
        failed: 1,
        skipped: 0,
        failures: [{ name: 'invoices api > creates an invoice', message: 'expected 201, got 500' }],
      },
    });

    const outcome = await world.run();

    expect(outcome.report.state).toBe('tests-failed');
    expect(outcome.failure).toContain('e2e tests failed against pr-42');
    expect(outcome.failure).toContain('stays up');
    expect(world.stacks.deletes()).toEqual([]);
    expect(world.stacks.names()).toEqual(['pr-42-data', 'pr-42-api']);
    expect(world.step.outputs['test-result']).toBe('failed');
    expect(world.github?.commentFor(PR, markerFor(ENV))?.body).toContain('creates an invoice');
    expect(world.github?.deploymentStates(ENV).at(-1)).toBe('success');
  });

  it('a test command killed at the timeout fails, saying so', async () => {
    const world = await setup({
      inputs: { testTimeoutMinutes: 5 },
      run: { timedOut: true, durationMs: 300_000 },
    });

    const outcome = await world.run();

    expect(world.runner.calls[0]?.timeoutMs).toBe(300_000);
    expect(outcome.report.state).toBe('tests-failed');
    expect(outcome.report.tests?.timedOut).toBe(true);
    expect(outcome.report.tests?.problem).toContain('killed after test-timeout-minutes (5 min)');
    expect(world.step.outputs['test-result']).toBe('failed');
  });

  it('a missing JUnit report fails the run with the problem, even when the command passed', async () => {
    const problem = 'no JUnit file matched sample-app/reports/*.xml';
    const world = await setup({
      junit: { total: 0, passed: 0, failed: 0, skipped: 0, failures: [], problem },
    });

    const outcome = await world.run();

    expect(outcome.report.state).toBe('tests-failed');
    expect(outcome.report.tests?.problem).toBe(problem);
    expect(world.step.outputs['test-result']).toBe('failed');
  });

  it('without a test command the tests are skipped and the environment is ready', async () => {
    const world = await setup({ inputs: { testCommand: undefined } });

    const outcome = await world.run();

    expect(world.runner.calls).toEqual([]);
    expect(outcome.report.state).toBe('ready');
    expect(world.step.outputs['test-result']).toBe('skipped');
  });
});

describe('deploy and the pull request', () => {
  it('deploys nothing when the PR was closed before the deploy started', async () => {
    const world = await setup({ github: new FakeGitHub().withPull(PR, 'closed', true) });

    const outcome = await world.run();

    expect(world.cdk.synthCalls).toEqual([]);
    expect(world.journal.awsWrites()).toEqual([]);
    expect(world.github?.deployments).toEqual([]);
    expect(world.log.messages('notice').join('\n')).toContain('PR #42 was closed before this deploy started');
    expect(outcome.failure).toBeUndefined();
    expect(outcome.skipped).toContain('was closed before this deploy started');
    expect(loadRunState(world.step)).toBeUndefined();
  });

  it('hands over to destroy when the PR was closed while the deploy ran, and runs no tests', async () => {
    const github = new FakeGitHub().withPull(PR);
    const world = await setup({
      github,
      cdk: { onDeploy: () => github.withPull(PR, 'closed', true) },
      inputs: { testCommand: 'npm run e2e' },
    });

    const outcome = await world.run();

    expect(outcome.closedDuringDeploy).toBe(true);
    expect(world.runner.calls).toEqual([]);
    expect(world.log.messages('notice').join('\n')).toContain('was closed while pr-42 was deploying');
  });

  it('deploys when GitHub cannot say whether the PR is open, with a warning', async () => {
    const world = await setup({ github: new FakeGitHub().withPull(PR).failing('pullRequest') });

    const outcome = await world.run();

    expect(outcome.report.state).toBe('ready');
    expect(world.log.messages('warning').join('\n')).toContain(
      'Could not check whether PR #42 is still open',
    );
  });

  it('deploys without a github-token, sending nothing to GitHub', async () => {
    const world = await setup({ github: null });

    const outcome = await world.run();

    expect(outcome.report.state).toBe('ready');
    expect(world.step.outputs['comment-url']).toBeUndefined();
  });
});

describe('run state for the post step', () => {
  it("is 'deploying' with the stacks to deploy while the CDK runs, 'done' after", async () => {
    let during: RunState | undefined;
    const world = await setup({ cdk: { onDeploy: () => (during = loadRunState(world.step)) } });

    await world.run();

    expect(during).toEqual({
      phase: 'deploying',
      environment: ENV,
      pullRequest: PR,
      sha: SHA,
      stacks: ['pr-42-data', 'pr-42-api'],
    });
    expect(runStates(world.step)[0]).toMatchObject({ phase: 'deploying', stacks: [] });
    expect(loadRunState(world.step)).toEqual({ phase: 'done' });
  });

  it("is 'done' after a failed deploy too", async () => {
    const world = await setup({ cdk: { failOn: { stack: 'pr-42-data', reason: 'boom' } } });

    await world.run();

    expect(loadRunState(world.step)).toEqual({ phase: 'done' });
  });

  it('never holds a credential', async () => {
    const world = await setup();

    await world.run();

    const saved = world.step.stateHistory.map((entry) => entry.value).join('\n');
    expect(saved).not.toContain('session-secret-key');
    expect(saved).not.toContain('session-token-value');
  });
});

describe('deploy keeps per-push facts in the state store, not in stack tags', () => {
  const settled = (name: string, wave: string, outputs: Record<string, string> = {}): FakeStackSpec => ({
    name,
    status: 'UPDATE_COMPLETE',
    // Expires in 2.5 days of a 3-day TTL: no renewal is due.
    tags: ownedTags({ [TAG.wave]: wave, [TAG.expiresAt]: '2025-03-06T00:00:00Z' }),
    outputs,
  });
  const changedApp = [APP[0] as FakeSynthStack, { ...(APP[1] as FakeSynthStack), fingerprint: 'fp-api-v2' }];

  it('writes the same stack tags on every push of a changed stack (only expires-at may renew)', async () => {
    const first = await setup({
      app: changedApp,
      existing: [settled('pr-42-data', '0'), settled('pr-42-api', '1')],
    });
    await first.run();
    const second = await setup({
      app: [APP[0] as FakeSynthStack, { ...(APP[1] as FakeSynthStack), fingerprint: 'fp-api-v3' }],
      existing: [settled('pr-42-data', '0'), settled('pr-42-api', '1')],
    });
    second.clock.advance(3_600_000);
    await second.run();

    const tagsOf = (world: typeof first) => world.cdk.deployCalls[0]?.stacks[0]?.tags;
    expect(tagsOf(first)).toEqual(tagsOf(second));
    expect(Object.keys(tagsOf(first) ?? {}).sort()).toEqual([
      'prenv:created-at',
      'prenv:environment',
      'prenv:expires-at',
      'prenv:managed-by',
      'prenv:pull-request',
      'prenv:repository',
      'prenv:wave',
    ]);
  });

  it('records each deployed stack: fingerprint, commit, the hash of its live template', async () => {
    const world = await setup({
      app: changedApp,
      existing: [settled('pr-42-data', '0'), settled('pr-42-api', '1')],
    });

    await world.run();

    expect(world.state.stack(ENV, 'pr-42-api')).toEqual({
      fingerprint: 'fp-api-v2',
      templateHash: templateHash(fakeTemplate('pr-42-api', 'fp-api-v2')),
      sha: SHA,
      deployedAt: NOW,
      via: 'deploy',
    });
    // The unchanged stack keeps its record.
    expect(world.state.stack(ENV, 'pr-42-data')?.sha).toBe('oldsha');
  });

  it('a push that changes nothing writes neither CloudFormation nor the state, and reads each template once', async () => {
    const world = await setup({ existing: [settled('pr-42-data', '0'), settled('pr-42-api', '1')] });

    await world.run();

    expect(world.journal.awsWrites()).toEqual([]);
    expect(world.state.count('write')).toBe(0);
    expect(world.stacks.callsOf('template').map((call) => call.target)).toEqual(['pr-42-data', 'pr-42-api']);
  });

  it('keeps the record of every stack that deployed before a later one failed', async () => {
    const world = await setup({
      cdk: { failOn: { stack: 'pr-42-api', reason: 'The stack named pr-42-api failed creation' } },
    });

    const outcome = await world.run();

    expect(outcome.report.state).toBe('deploy-failed');
    expect(world.state.stack(ENV, 'pr-42-data')?.sha).toBe(SHA);
    expect(world.state.stack(ENV, 'pr-42-api')).toBeUndefined();
  });

  it('deploys again a stack whose live template was changed out of band, and takes its outputs only after that', async () => {
    const world = await setup({
      existing: [
        settled('pr-42-data', '0', { TableName: 'pr-42-data-Invoices-1X2Y' }),
        settled('pr-42-api', '1', { ApiUrl: 'https://attacker.example/', BashEnv: '/tmp/evil' }),
      ],
    });
    world.stacks.changeTemplate(
      'pr-42-api',
      JSON.stringify({ Outputs: { BashEnv: { Value: '/tmp/evil' } } }),
    );

    const outcome = await world.run();

    expect(world.cdk.deployedNames()).toEqual([['pr-42-api']]);
    expect(world.log.messages('warning').join('\n')).toContain('pr-42-api was changed outside prenv');
    expect(world.runner.calls[0]?.env.API_URL).toBe('https://k3x9.execute-api.eu-west-2.amazonaws.com/prod/');
    expect(world.runner.calls[0]?.env.BASH_ENV).toBeUndefined();
    expect(outcome.report.stacks?.map((stack) => stack.outcome)).toEqual(['unchanged', 'deployed']);
  });

  it('retags an environment prenv 0.1.0 deployed (per-push tags, no state) once, then leaves it alone', async () => {
    const legacy = (name: string, wave: string) => ({
      ...settled(name, wave),
      tags: ownedTags({ [TAG.wave]: wave, 'prenv:sha': 'oldsha', 'prenv:fingerprint': `fp-${name}` }),
    });
    const world = await setup({ existing: [legacy('pr-42-data', '0'), legacy('pr-42-api', '1')], state: {} });

    await world.run();

    expect(world.cdk.deployedNames()).toEqual([['pr-42-data', 'pr-42-api']]);
    for (const name of ['pr-42-data', 'pr-42-api']) {
      expect(world.stacks.peek(name)?.tags).not.toHaveProperty('prenv:sha');
      expect(world.stacks.peek(name)?.tags).not.toHaveProperty('prenv:fingerprint');
      expect(world.state.stack(ENV, name)?.sha).toBe(SHA);
    }
    const writesBefore = world.journal.awsWrites().length;
    await world.run();
    expect(world.journal.awsWrites()).toHaveLength(writesBefore);
  });

  it('deploys a stack whose template resolves SSM parameters on every push, as cdk deploy does', async () => {
    const world = await setup({
      app: [APP[0] as FakeSynthStack, { ...(APP[1] as FakeSynthStack), ssmParameters: ['LatestAmi'] }],
      existing: [settled('pr-42-data', '0'), settled('pr-42-api', '1')],
    });

    await world.run();

    expect(world.cdk.deployedNames()).toEqual([['pr-42-api']]);
    expect(world.log.messages('info').join('\n')).toContain(
      'resolves SSM parameters at each deploy (LatestAmi)',
    );
  });

  it('a state store that cannot be read: a warning, and every stack deploys', async () => {
    const world = await setup({ existing: [settled('pr-42-data', '0'), settled('pr-42-api', '1')] });
    world.state.failures.set('read', new Error('Could not read /prenv/acme/invoices/pr-42: AccessDenied'));

    const outcome = await world.run();

    expect(outcome.failure).toBeUndefined();
    expect(world.cdk.deployedNames()).toEqual([['pr-42-data', 'pr-42-api']]);
    expect(world.log.messages('warning').join('\n')).toContain('AccessDenied');
  });

  it('a state store that cannot be written: a warning, the deploy still succeeds', async () => {
    const world = await setup();
    world.state.failures.set('write', new Error('ParameterMaxVersionLimitExceeded'));

    const outcome = await world.run();

    expect(outcome.failure).toBeUndefined();
    expect(outcome.report.state).toBe('ready');
    expect(world.log.messages('warning').join('\n')).toContain('the next push deploys');
  });
});

describe('deploy hotswaps code-only changes of stacks it deployed, and tracks the drift', () => {
  const settled = (name: string, wave: string): FakeStackSpec => ({
    name,
    status: 'UPDATE_COMPLETE',
    tags: ownedTags({ [TAG.wave]: wave, [TAG.expiresAt]: '2025-03-06T00:00:00Z' }),
  });
  const existing = [settled('pr-42-data', '0'), settled('pr-42-api', '1')];
  const codeChanged = [APP[0] as FakeSynthStack, { ...(APP[1] as FakeSynthStack), fingerprint: 'fp-api-v2' }];
  const hotswapped = (world: Awaited<ReturnType<typeof setup>>) =>
    world.cdk.deployCalls.flatMap((call) => call.stacks).filter((stack) => stack.hotswap === true);

  it('hotswaps a changed stack prenv deployed: no CloudFormation write, reported and recorded as hotswap', async () => {
    const world = await setup({ app: codeChanged, existing, cdk: { hotswappable: ['pr-42-api'] } });

    const outcome = await world.run();

    expect(outcome.failure).toBeUndefined();
    expect(hotswapped(world).map((stack) => stack.name)).toEqual(['pr-42-api']);
    expect(world.journal.awsWrites().map((entry) => `${entry.port}:${entry.method}`)).toEqual([
      'cdk:hotswap',
      'state:write',
    ]);
    expect(outcome.report.stacks).toContainEqual(
      expect.objectContaining({
        name: 'pr-42-api',
        outcome: 'hotswapped',
        hotswapped: "1 Lambda function's code",
      }),
    );
    expect(world.log.messages('info').join('\n')).toContain(
      "pr-42-api: hotswapped 1 Lambda function's code in 200 ms (no CloudFormation deployment)",
    );
    // The live template is still the one CloudFormation has: its hash is what the no-op check compares.
    expect(world.state.stack(ENV, 'pr-42-api')).toEqual({
      fingerprint: 'fp-api-v2',
      templateHash: templateHash(fakeTemplate('pr-42-api')),
      sha: SHA,
      deployedAt: NOW,
      via: 'hotswap',
    });
  });

  it('after a hotswap, the same push again writes nothing: neither CloudFormation nor the state', async () => {
    const first = await setup({ app: codeChanged, existing, cdk: { hotswappable: ['pr-42-api'] } });
    await first.run();
    const state = {
      'pr-42-data': recordOf('pr-42-data'),
      'pr-42-api': first.state.stack(ENV, 'pr-42-api') as StackState,
    };

    const again = await setup({ app: codeChanged, existing, state, cdk: { hotswappable: ['pr-42-api'] } });
    const outcome = await again.run();

    expect(outcome.report.state).toBe('ready');
    expect(again.journal.awsWrites()).toEqual([]);
    expect(again.cdk.deployCalls).toEqual([]);
  });

  it('a stack carrying hotswapped code is deployed with its drift reverted; a plain one is not', async () => {
    const world = await setup({
      app: [
        { ...(APP[0] as FakeSynthStack), fingerprint: 'fp-data-v2' },
        { ...(APP[1] as FakeSynthStack), fingerprint: 'fp-api-v2' },
      ],
      existing,
      state: {
        'pr-42-data': recordOf('pr-42-data'),
        'pr-42-api': { ...recordOf('pr-42-api'), via: 'hotswap' },
      },
    });

    await world.run();

    const stacks = world.cdk.deployCalls.flatMap((call) => call.stacks);
    expect(stacks.find((stack) => stack.name === 'pr-42-api')?.revertDrift).toBe(true);
    expect(stacks.find((stack) => stack.name === 'pr-42-data')?.revertDrift).toBeUndefined();
    expect(world.state.stack(ENV, 'pr-42-api')?.via).toBe('deploy');
  });

  it.each([
    ['a first deploy', { existing: [] }],
    ['a stack prenv has no record of', { existing, state: { 'pr-42-data': recordOf('pr-42-data') } }],
    ['hotswap: false', { existing, inputs: { hotswap: false } }],
    [
      'a TTL renewal',
      {
        existing: [
          settled('pr-42-data', '0'),
          {
            ...settled('pr-42-api', '1'),
            // Less than half of the 72-hour TTL left: the expiry is renewed, a stack tag write.
            tags: ownedTags({ [TAG.wave]: '1', [TAG.expiresAt]: '2025-03-04T00:00:00Z' }),
          },
        ],
      },
    ],
    [
      'a stack changed out of band',
      {
        existing,
        state: {
          'pr-42-data': recordOf('pr-42-data'),
          'pr-42-api': { ...recordOf('pr-42-api'), templateHash: 'something-else' },
        },
      },
    ],
  ] as const)('%s goes through CloudFormation', async (_, options) => {
    const world = await setup({ app: codeChanged, cdk: { hotswappable: ['pr-42-api'] }, ...options });

    const outcome = await world.run();

    expect(outcome.failure).toBeUndefined();
    expect(world.cdk.deployCalls.flatMap((call) => call.stacks).map((stack) => stack.name)).toContain(
      'pr-42-api',
    );
    expect(hotswapped(world)).toEqual([]);
    expect(outcome.report.stacks?.find((stack) => stack.name === 'pr-42-api')?.outcome).toBe('deployed');
  });

  it('force: every stack goes through CloudFormation, unchanged ones too, reverting drift', async () => {
    const world = await setup({ existing, inputs: { force: true }, cdk: { hotswappable: ['pr-42-api'] } });

    await world.run();

    const stacks = world.cdk.deployCalls.flatMap((call) => call.stacks);
    expect(stacks.map((stack) => stack.name)).toEqual(['pr-42-data', 'pr-42-api']);
    expect(stacks.every((stack) => stack.hotswap === undefined && stack.revertDrift === true)).toBe(true);
  });
});

describe('deploy reads what its plan needs while the CDK app runs', () => {
  const settled = (name: string, wave: string): FakeStackSpec => ({
    name,
    status: 'UPDATE_COMPLETE',
    tags: ownedTags({ [TAG.wave]: wave, [TAG.expiresAt]: '2025-03-06T00:00:00Z' }),
  });
  const EXISTING = [settled('pr-42-data', '0'), settled('pr-42-api', '1')];

  /** A tagging API that answers `count` resources (and the stacks), counting its calls. */
  function taggedResources(...counts: number[]): ResourcesPort & { calls: number } {
    const port = {
      calls: 0,
      async tagged(): Promise<FoundResource[]> {
        const count = counts[Math.min(port.calls++, counts.length - 1)] ?? 0;
        return [
          { arn: 'arn:aws:cloudformation:eu-west-2:111122223333:stack/pr-42-data/1', tags: {} },
          ...Array.from({ length: count }, (_, at) => ({
            arn: `arn:aws:sqs:eu-west-2:111122223333:queue-${at}`,
            tags: {},
          })),
        ];
      },
      async logGroups(): Promise<FoundResource[]> {
        return [];
      },
      async delete(): Promise<void> {},
    };
    return port;
  }

  /** Lets the fakes' pending reads run (each is a few promise hops). */
  async function settle(): Promise<void> {
    for (let turn = 0; turn < 20; turn++) await new Promise((resolve) => setImmediate(resolve));
  }

  it('a no-op push has read the state, the stacks it records, their templates and the resource count before the app exits, each once', async () => {
    const resources = taggedResources(5);
    let whileRunning: Record<string, unknown> = {};
    const world = await setup({
      existing: EXISTING,
      resources,
      cdk: {
        whileRunning: async () => {
          await settle();
          whileRunning = {
            stateReads: world.state.count('read'),
            described: world.stacks.callsOf('get').map((call) => call.target),
            templates: world.stacks.callsOf('template').map((call) => call.target),
            tagged: resources.calls,
          };
        },
      },
    });

    const outcome = await world.run();

    expect(whileRunning).toEqual({
      stateReads: 1,
      described: ['pr-42-data', 'pr-42-api'],
      templates: ['pr-42-data', 'pr-42-api'],
      tagged: 1,
    });
    expect(world.journal.awsWrites()).toEqual([]);
    expect(outcome.report.state).toBe('ready');
    expect(outcome.report.stacks?.map((stack) => stack.outcome)).toEqual(['unchanged', 'unchanged']);
    expect(outcome.report.resourceCount).toBe(5);
    // Nothing is read twice: the plan used the early answers.
    expect(world.state.count('read')).toBe(1);
    expect(world.stacks.callsOf('get')).toHaveLength(2);
    expect(world.stacks.callsOf('template')).toHaveLength(2);
    expect(resources.calls).toBe(1);
  });

  it('after a deploy the resources are counted again: the early count is stale', async () => {
    const resources = taggedResources(5, 7);
    const world = await setup({
      existing: EXISTING,
      resources,
      app: [APP[0] as FakeSynthStack, { ...(APP[1] as FakeSynthStack), fingerprint: 'fp-api-v2' }],
    });

    const outcome = await world.run();

    expect(world.cdk.deployCalls.map((call) => call.stacks.map((stack) => stack.name))).toEqual([
      ['pr-42-api'],
    ]);
    expect(resources.calls).toBe(2);
    expect(outcome.report.resourceCount).toBe(7);
  });

  it('a stack whose early read failed is read again when the plan needs it', async () => {
    const world = await setup({ existing: EXISTING });
    let failed = 0;
    world.stacks.beforeEachCall(async (call) => {
      if (call.method === 'get' && call.target === 'pr-42-api' && failed++ === 0) {
        throw new Error('Rate exceeded');
      }
    });

    const outcome = await world.run();

    expect(world.stacks.callsOf('get').filter((call) => call.target === 'pr-42-api')).toHaveLength(2);
    expect(outcome.report.state).toBe('ready');
    expect(outcome.report.stacks?.map((stack) => stack.outcome)).toEqual(['unchanged', 'unchanged']);
  });
});
