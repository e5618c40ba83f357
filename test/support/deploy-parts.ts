/**
 * The deploy workflow's request and ports, built from the fakes of our own ports, for the unit
 * tests of its parts (deploy-apply, deploy-record, deploy-results, deploy-synth) that call one
 * part directly instead of running the whole deploy.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Inputs } from '../../src/inputs.js';
import type { AwsSession, CdkPort } from '../../src/ports.js';
import { DeployRecord } from '../../src/workflows/deploy-record.js';
import type { DeployPorts, DeployRequest } from '../../src/workflows/deploy-types.js';
import { Reporter } from '../../src/workflows/reporter.js';
import { FakeCdk, FakeClock, FakeJUnit, FakeLog, FakeRunner, FakeStep } from './fake-ports.js';
import { FakeStacks } from './fake-stacks.js';
import { FakeStateStore } from './fake-state.js';

export const SHA = '3f2a9c1b7e4d5a6b8c9d0e1f2a3b4c5d6e7f8a9b';
export const NOW = '2025-03-03T12:00:00Z';

/** The sandbox session: account 111122223333 in eu-west-2. */
export const SESSION: AwsSession = {
  credentials: { accessKeyId: 'ASIASESSIONKEY', secretAccessKey: 'session-secret', sessionToken: 'tok' },
  region: 'eu-west-2',
  account: '111122223333',
  arn: 'arn:aws:sts::111122223333:assumed-role/prenv-sandbox/s',
};

/** Parsed inputs as parseInputs returns them with only the required ones set. */
export const INPUTS = {
  mode: 'deploy',
  awsRegion: 'eu-west-2',
  regions: ['eu-west-2'],
  allowedAccountIds: [],
  roleDurationSeconds: 3600,
  audience: 'sts.amazonaws.com',
  appDir: '/ws/app',
  environmentName: 'pr-{number}',
  context: {},
  bootstrap: false,
  deploymentMethod: 'direct',
  hotswap: true,
  force: false,
  ttlHours: 72,
  testWorkingDirectory: '/ws/app',
  testTimeoutMinutes: 30,
  githubToken: 'ghs_token',
  comment: true,
  dryRun: false,
  failOn: 'none',
  hideOutputs: [],
  commentAuthor: 'github-actions[bot]',
} satisfies Inputs;

/** What to change in the request. */
export interface DeployPartsOptions {
  readonly inputs?: Partial<Inputs>;
  /** The CDK port; @default a FakeCdk with no stacks */
  readonly cdk?: CdkPort;
  /** Leave runUrl and repositoryUrl out of the request. */
  readonly noLinks?: boolean;
}

const tempDirs: string[] = [];

/** Removes the temporary folders deployParts made (call it in afterEach). */
export async function removeDeployPartsDirs(): Promise<void> {
  await Promise.all(tempDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

/** A request for PR 42 of acme/invoices (environment pr-42), the ports of fakes, and a fresh record. */
export async function deployParts(options: DeployPartsOptions = {}) {
  const clock = new FakeClock(NOW);
  const log = new FakeLog();
  const step = new FakeStep();
  const stacks = new FakeStacks(clock);
  const state = new FakeStateStore();
  const cdk = options.cdk ?? new FakeCdk({ stacks: [] });
  const runner = new FakeRunner();
  const junit = new FakeJUnit();
  const tempDir = await mkdtemp(join(tmpdir(), 'prenv-deploy-parts-'));
  tempDirs.push(tempDir);
  const request: DeployRequest = {
    inputs: { ...INPUTS, ...options.inputs } as Inputs,
    session: SESSION,
    repository: 'acme/invoices',
    pullRequest: 42,
    sha: SHA,
    environment: 'pr-42',
    workspace: '/ws',
    tempDir,
    stepEnv: {},
    ...(options.noLinks
      ? {}
      : {
          runUrl: 'https://github.com/acme/invoices/actions/runs/7',
          repositoryUrl: 'https://github.com/acme/invoices',
        }),
  };
  const reporter = new Reporter({ github: undefined, step, log, comment: false });
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
    github: undefined,
  };
  const record = new DeployRecord(request, clock, step);
  return { clock, log, step, stacks, state, cdk, runner, junit, request, ports, record, tempDir };
}
