import { afterEach, describe, expect, it } from 'vitest';
import { TAG } from '../../src/domain/ownership.js';
import type { EnvironmentReport } from '../../src/domain/report.js';
import type { Inputs } from '../../src/inputs.js';
import type { CommandRunner, DeploymentState } from '../../src/ports.js';
import { deploy } from '../../src/workflows/deploy.js';
import { Reporter } from '../../src/workflows/reporter.js';
import { sqsWildcard } from '../fixtures/diff/changes.js';
import { deployParts, removeDeployPartsDirs } from '../support/deploy-parts.js';
import { FakeCdk, type FakeCdkOptions, FakeGitHub, FakeJUnit, FakeRunner } from '../support/fake-ports.js';
import { FakeResources } from '../support/fake-resources.js';
import type { FakeStackSpec } from '../support/fake-stacks.js';

afterEach(removeDeployPartsDirs);

/** A reporter that records what deploy tells it (and sends nothing: no GitHub). */
class RecordingReporter extends Reporter {
  readonly calls: unknown[] = [];
  override comment(report: EnvironmentReport): Promise<void> {
    this.calls.push(['comment', report]);
    return super.comment(report);
  }
  override deploymentStatus(
    state: DeploymentState,
    description: string,
    environmentUrl?: string,
  ): Promise<void> {
    this.calls.push(['status', state, description, environmentUrl]);
    return super.deploymentStatus(state, description, environmentUrl);
  }
}

const tags = (extra: Record<string, string> = {}) => ({
  [TAG.managedBy]: 'prenv',
  [TAG.repository]: 'acme/invoices',
  [TAG.pullRequest]: '42',
  [TAG.environment]: 'pr-42',
  [TAG.expiresAt]: '2025-03-05T00:00:00Z',
  [TAG.createdAt]: '2025-02-01T08:00:00Z',
  ...extra,
});

/** The report fields every run here shares: its environment, PR, commit and links. */
const RUN = {
  environment: 'pr-42',
  repository: 'acme/invoices',
  pullRequest: 42,
  sha: '3f2a9c1b7e4d5a6b8c9d0e1f2a3b4c5d6e7f8a9b',
  runUrl: 'https://github.com/acme/invoices/actions/runs/7',
  repositoryUrl: 'https://github.com/acme/invoices',
};
/** The timings of a run on the fake clock, which never moves. */
const NO_TIME = { synth: 0, deploy: 0, tests: 0, total: 0 };

interface Options {
  readonly inputs?: Partial<Inputs>;
  readonly cdk?: Partial<FakeCdkOptions>;
  readonly existing?: readonly FakeStackSpec[];
  readonly github?: FakeGitHub;
  readonly run?: { exitCode?: number; timedOut: boolean; durationMs: number };
  readonly failedTests?: boolean;
  readonly resources?: FakeResources;
  readonly runner?: CommandRunner;
}

async function world(options: Options = {}) {
  const parts = await deployParts({ inputs: { testCommand: 'npm run e2e', ...options.inputs } });
  for (const spec of options.existing ?? []) parts.stacks.add(spec);
  const cdk = new FakeCdk({
    stacks: [{ name: 'pr-42-api', outputs: { ApiUrl: 'https://api.example.com/' } }],
    target: parts.stacks,
    ...options.cdk,
  });
  const reporter = new RecordingReporter({
    github: undefined,
    step: parts.step,
    log: parts.log,
    comment: true,
  });
  const github = options.github ?? new FakeGitHub().withPull(42);
  const junit = new FakeJUnit(
    options.failedTests
      ? { total: 1, passed: 0, failed: 1, skipped: 0, failures: [{ name: 't', message: 'm' }] }
      : { total: 1, passed: 1, failed: 0, skipped: 0, failures: [] },
  );
  const ports = {
    ...parts.ports,
    cdk,
    reporter,
    github,
    junit,
    runner: options.runner ?? new FakeRunner(options.run ?? { exitCode: 0, timedOut: false, durationMs: 10 }),
    ...(options.resources === undefined ? {} : { resources: options.resources }),
  };
  return { ...parts, cdk, reporter, github, run: () => deploy(parts.request, ports) };
}

/** The log lines, a stack trace cut to its first line and a marker. */
const traced = (lines: readonly { level: string; message: string }[]) =>
  lines.map((line) => ({ ...line, message: line.message.replace(/\n\s+at [\s\S]*$/, '\n    at …') }));

describe('deploy: whole outcomes, reporter calls, log lines', () => {
  it('a deploy with tests: a progress comment before them, the final report, the status with the URL', async () => {
    const w = await world({ resources: new FakeResources([]) });
    const outcome = await w.run();
    expect({
      outcome,
      calls: w.reporter.calls,
      lines: traced(w.log.lines),
      outputs: w.step.outputs,
    }).toStrictEqual({
      outcome: {
        report: {
          ...RUN,
          changes: {
            stacks: [
              {
                stack: 'pr-42-api',
                firstDeploy: true,
                resources: [],
                statements: [],
                managedPolicies: [],
                securityGroupRules: [],
                text: '',
              },
            ],
          },
          state: 'ready',
          stacks: [
            {
              name: 'pr-42-api',
              outcome: 'deployed',
              status: 'CREATE_COMPLETE',
            },
          ],
          urlOutput: 'ApiUrl',
          tests: {
            total: 0,
            passed: 0,
            failed: 0,
            skipped: 0,
            failures: [],
            exitCode: 0,
          },
          timings: NO_TIME,
          expiresAt: '2025-03-06T12:00:00Z',
          createdAt: '2025-03-03T12:00:00Z',
          resourceCount: 0,
          outputs: [
            {
              stack: 'pr-42-api',
              key: 'ApiUrl',
              value: 'https://api.example.com/',
            },
          ],
          url: 'https://api.example.com/',
          updatedAt: '2025-03-03T12:00:00Z',
        },
      },
      calls: [
        [
          'comment',
          {
            ...RUN,
            state: 'deploying',
            updatedAt: '2025-03-03T12:00:00Z',
          },
        ],
        [
          'comment',
          {
            ...RUN,
            changes: {
              stacks: [
                {
                  stack: 'pr-42-api',
                  firstDeploy: true,
                  resources: [],
                  statements: [],
                  managedPolicies: [],
                  securityGroupRules: [],
                  text: '',
                },
              ],
            },
            state: 'deploying',
            stacks: [
              {
                name: 'pr-42-api',
                outcome: 'deployed',
                status: 'CREATE_COMPLETE',
              },
            ],
            urlOutput: 'ApiUrl',
            timings: {
              synth: 0,
              deploy: 0,
            },
            outputs: [
              {
                stack: 'pr-42-api',
                key: 'ApiUrl',
                value: 'https://api.example.com/',
              },
            ],
            url: 'https://api.example.com/',
            updatedAt: '2025-03-03T12:00:00Z',
          },
        ],
        ['status', 'success', 'Deployed', 'https://api.example.com/'],
        [
          'comment',
          {
            ...RUN,
            changes: {
              stacks: [
                {
                  stack: 'pr-42-api',
                  firstDeploy: true,
                  resources: [],
                  statements: [],
                  managedPolicies: [],
                  securityGroupRules: [],
                  text: '',
                },
              ],
            },
            state: 'ready',
            stacks: [
              {
                name: 'pr-42-api',
                outcome: 'deployed',
                status: 'CREATE_COMPLETE',
              },
            ],
            urlOutput: 'ApiUrl',
            tests: {
              total: 0,
              passed: 0,
              failed: 0,
              skipped: 0,
              failures: [],
              exitCode: 0,
            },
            timings: NO_TIME,
            expiresAt: '2025-03-06T12:00:00Z',
            createdAt: '2025-03-03T12:00:00Z',
            resourceCount: 0,
            outputs: [
              {
                stack: 'pr-42-api',
                key: 'ApiUrl',
                value: 'https://api.example.com/',
              },
            ],
            url: 'https://api.example.com/',
            updatedAt: '2025-03-03T12:00:00Z',
          },
        ],
      ],
      lines: [
        {
          level: 'info',
          message: 'Synthesized 1 stack(s) in 0 ms',
        },
        {
          level: 'info',
          message: 'pr-42-api: deployed in 1000 ms',
        },
        {
          level: 'info',
          message: 'e2e: 0 passed, 0 failed, 0 skipped',
        },
      ],
      outputs: {
        environment: 'pr-42',
        stacks: '["pr-42-api"]',
        outputs: '{"ApiUrl":"https://api.example.com/"}',
        url: 'https://api.example.com/',
        'test-result': 'passed',
      },
    });
  });

  it('failing tests and a URL GitHub would refuse: no progress URL on the status, the failure said', async () => {
    const w = await world({
      inputs: { urlOutput: 'RepoUri' },
      run: { exitCode: 1, timedOut: false, durationMs: 10 },
      cdk: {
        stacks: [
          { name: 'pr-42-api', outputs: { RepoUri: '111122223333.dkr.ecr.eu-west-2.amazonaws.com/app' } },
        ],
      },
    });
    const outcome = await w.run();
    expect({ outcome, calls: w.reporter.calls }).toStrictEqual({
      outcome: {
        report: {
          ...RUN,
          changes: {
            stacks: [
              {
                stack: 'pr-42-api',
                firstDeploy: true,
                resources: [],
                statements: [],
                managedPolicies: [],
                securityGroupRules: [],
                text: '',
              },
            ],
          },
          state: 'tests-failed',
          stacks: [
            {
              name: 'pr-42-api',
              outcome: 'deployed',
              status: 'CREATE_COMPLETE',
            },
          ],
          urlOutput: 'RepoUri',
          tests: {
            total: 0,
            passed: 0,
            failed: 0,
            skipped: 0,
            failures: [],
            exitCode: 1,
            problem: 'the test command exited with code 1',
          },
          timings: NO_TIME,
          expiresAt: '2025-03-06T12:00:00Z',
          createdAt: '2025-03-03T12:00:00Z',
          outputs: [
            {
              stack: 'pr-42-api',
              key: 'RepoUri',
              value: '111122223333.dkr.ecr.eu-west-2.amazonaws.com/app',
            },
          ],
          url: '111122223333.dkr.ecr.eu-west-2.amazonaws.com/app',
          updatedAt: '2025-03-03T12:00:00Z',
        },
        failure: 'The e2e tests failed against pr-42; the environment stays up until the PR closes.',
      },
      calls: [
        [
          'comment',
          {
            ...RUN,
            state: 'deploying',
            updatedAt: '2025-03-03T12:00:00Z',
          },
        ],
        [
          'comment',
          {
            ...RUN,
            changes: {
              stacks: [
                {
                  stack: 'pr-42-api',
                  firstDeploy: true,
                  resources: [],
                  statements: [],
                  managedPolicies: [],
                  securityGroupRules: [],
                  text: '',
                },
              ],
            },
            state: 'deploying',
            stacks: [
              {
                name: 'pr-42-api',
                outcome: 'deployed',
                status: 'CREATE_COMPLETE',
              },
            ],
            urlOutput: 'RepoUri',
            timings: {
              synth: 0,
              deploy: 0,
            },
            outputs: [
              {
                stack: 'pr-42-api',
                key: 'RepoUri',
                value: '111122223333.dkr.ecr.eu-west-2.amazonaws.com/app',
              },
            ],
            url: '111122223333.dkr.ecr.eu-west-2.amazonaws.com/app',
            updatedAt: '2025-03-03T12:00:00Z',
          },
        ],
        ['status', 'success', 'Deployed; e2e tests failed', undefined],
        [
          'comment',
          {
            ...RUN,
            changes: {
              stacks: [
                {
                  stack: 'pr-42-api',
                  firstDeploy: true,
                  resources: [],
                  statements: [],
                  managedPolicies: [],
                  securityGroupRules: [],
                  text: '',
                },
              ],
            },
            state: 'tests-failed',
            stacks: [
              {
                name: 'pr-42-api',
                outcome: 'deployed',
                status: 'CREATE_COMPLETE',
              },
            ],
            urlOutput: 'RepoUri',
            tests: {
              total: 0,
              passed: 0,
              failed: 0,
              skipped: 0,
              failures: [],
              exitCode: 1,
              problem: 'the test command exited with code 1',
            },
            timings: NO_TIME,
            expiresAt: '2025-03-06T12:00:00Z',
            createdAt: '2025-03-03T12:00:00Z',
            outputs: [
              {
                stack: 'pr-42-api',
                key: 'RepoUri',
                value: '111122223333.dkr.ecr.eu-west-2.amazonaws.com/app',
              },
            ],
            url: '111122223333.dkr.ecr.eu-west-2.amazonaws.com/app',
            updatedAt: '2025-03-03T12:00:00Z',
          },
        ],
      ],
    });
  });

  it('without a test command: no progress comment; the expiry of a stack without one is no expiry', async () => {
    const w = await world({
      inputs: { testCommand: undefined } as unknown as Partial<Inputs>,
      existing: [
        { name: 'pr-42-data', tags: tags({ [TAG.expiresAt]: '' }) },
        { name: 'pr-42-api', tags: (({ [TAG.expiresAt]: _, ...rest }) => rest)(tags()) },
      ],
      cdk: { stacks: [{ name: 'pr-42-data' }, { name: 'pr-42-api', dependencies: ['pr-42-data'] }] },
    });
    const outcome = await w.run();
    expect({ outcome, calls: w.reporter.calls, lines: traced(w.log.lines) }).toStrictEqual({
      outcome: {
        report: {
          ...RUN,
          changes: {
            stacks: [
              {
                stack: 'pr-42-data',
                firstDeploy: false,
                resources: [],
                statements: [],
                managedPolicies: [],
                securityGroupRules: [],
                text: '',
              },
              {
                stack: 'pr-42-api',
                firstDeploy: false,
                resources: [],
                statements: [],
                managedPolicies: [],
                securityGroupRules: [],
                text: '',
              },
            ],
          },
          state: 'ready',
          stacks: [
            {
              name: 'pr-42-data',
              outcome: 'deployed',
              status: 'UPDATE_COMPLETE',
            },
            {
              name: 'pr-42-api',
              outcome: 'deployed',
              status: 'UPDATE_COMPLETE',
            },
          ],
          timings: NO_TIME,
          expiresAt: '2025-03-06T12:00:00Z',
          createdAt: '2025-02-01T08:00:00Z',
          outputs: [],
          updatedAt: '2025-03-03T12:00:00Z',
        },
      },
      calls: [
        [
          'comment',
          {
            ...RUN,
            state: 'deploying',
            updatedAt: '2025-03-03T12:00:00Z',
          },
        ],
        ['status', 'success', 'Deployed', undefined],
        [
          'comment',
          {
            ...RUN,
            changes: {
              stacks: [
                {
                  stack: 'pr-42-data',
                  firstDeploy: false,
                  resources: [],
                  statements: [],
                  managedPolicies: [],
                  securityGroupRules: [],
                  text: '',
                },
                {
                  stack: 'pr-42-api',
                  firstDeploy: false,
                  resources: [],
                  statements: [],
                  managedPolicies: [],
                  securityGroupRules: [],
                  text: '',
                },
              ],
            },
            state: 'ready',
            stacks: [
              {
                name: 'pr-42-data',
                outcome: 'deployed',
                status: 'UPDATE_COMPLETE',
              },
              {
                name: 'pr-42-api',
                outcome: 'deployed',
                status: 'UPDATE_COMPLETE',
              },
            ],
            timings: NO_TIME,
            expiresAt: '2025-03-06T12:00:00Z',
            createdAt: '2025-02-01T08:00:00Z',
            outputs: [],
            updatedAt: '2025-03-03T12:00:00Z',
          },
        ],
      ],
      lines: [
        {
          level: 'info',
          message: 'Synthesized 2 stack(s) in 0 ms',
        },
        {
          level: 'info',
          message: 'pr-42-data: deploying, prenv has no record of what it deployed there',
        },
        {
          level: 'info',
          message: 'pr-42-api: deploying, prenv has no record of what it deployed there',
        },
        {
          level: 'info',
          message: 'pr-42-data: deployed in 1000 ms',
        },
        {
          level: 'info',
          message: 'pr-42-api: deployed in 1000 ms',
        },
      ],
    });
  });

  it.each([
    [
      'mallory/invoices',
      {
        outcome: {
          report: {
            ...RUN,
            state: 'deploy-failed',
            failure: {
              reason:
                "PR #42 comes from the fork mallory/invoices: prenv does not deploy a fork's code with the sandbox's credentials. Nothing was deployed.",
            },
            updatedAt: '2025-03-03T12:00:00Z',
          },
          failure:
            "PR #42 comes from the fork mallory/invoices: prenv does not deploy a fork's code with the sandbox's credentials. Nothing was deployed.",
        },
        calls: [],
        lines: [
          {
            level: 'error',
            message:
              "PR #42 comes from the fork mallory/invoices: prenv does not deploy a fork's code with the sandbox's credentials. Nothing was deployed.",
          },
        ],
        outputs: {
          environment: 'pr-42',
          stacks: '[]',
          outputs: '{}',
          url: '',
          'test-result': 'skipped',
        },
      },
    ],
    [
      '',
      {
        outcome: {
          report: {
            ...RUN,
            state: 'deploy-failed',
            failure: {
              reason:
                "PR #42 comes from a fork that no longer exists: prenv does not deploy a fork's code with the sandbox's credentials. Nothing was deployed.",
            },
            updatedAt: '2025-03-03T12:00:00Z',
          },
          failure:
            "PR #42 comes from a fork that no longer exists: prenv does not deploy a fork's code with the sandbox's credentials. Nothing was deployed.",
        },
        calls: [],
        lines: [
          {
            level: 'error',
            message:
              "PR #42 comes from a fork that no longer exists: prenv does not deploy a fork's code with the sandbox's credentials. Nothing was deployed.",
          },
        ],
        outputs: {
          environment: 'pr-42',
          stacks: '[]',
          outputs: '{}',
          url: '',
          'test-result': 'skipped',
        },
      },
    ],
  ])('a fork (%j) is refused with the reason logged', async (head, expected) => {
    const w = await world({ github: new FakeGitHub().withPull(42, 'open', false, [], head) });
    const outcome = await w.run();
    expect({
      outcome,
      calls: w.reporter.calls,
      lines: traced(w.log.lines),
      outputs: w.step.outputs,
    }).toStrictEqual(expected);
  });

  it('a PR closed before the deploy: skipped, with the reason as the note', async () => {
    const w = await world({ github: new FakeGitHub().withPull(42, 'closed', true) });
    const outcome = await w.run();
    expect({
      outcome,
      calls: w.reporter.calls,
      lines: traced(w.log.lines),
      outputs: w.step.outputs,
    }).toStrictEqual({
      outcome: {
        report: {
          ...RUN,
          state: 'destroyed',
          notes: [
            'PR #42 was closed before this deploy started; nothing was deployed (the closed event destroys the environment).',
          ],
          updatedAt: '2025-03-03T12:00:00Z',
        },
        skipped:
          'PR #42 was closed before this deploy started; nothing was deployed (the closed event destroys the environment).',
      },
      calls: [],
      lines: [
        {
          level: 'notice',
          message:
            'PR #42 was closed before this deploy started; nothing was deployed (the closed event destroys the environment).',
        },
      ],
      outputs: {
        environment: 'pr-42',
        stacks: '[]',
        outputs: '{}',
        url: '',
        'test-result': 'skipped',
      },
    });
  });

  it('a PR closed during the deploy: handed over to destroy, the run state done', async () => {
    const github = new FakeGitHub().withPull(42);
    const w = await world({ github, cdk: { onDeploy: () => github.withPull(42, 'closed', true) } });
    const outcome = await w.run();
    expect({
      outcome,
      calls: w.reporter.calls,
      runState: w.step.savedStates('prenv-run').at(-1),
    }).toStrictEqual({
      outcome: {
        report: {
          ...RUN,
          changes: {
            stacks: [
              {
                stack: 'pr-42-api',
                firstDeploy: true,
                resources: [],
                statements: [],
                managedPolicies: [],
                securityGroupRules: [],
                text: '',
              },
            ],
          },
          state: 'destroying',
          stacks: [
            {
              name: 'pr-42-api',
              outcome: 'deployed',
            },
          ],
          updatedAt: '2025-03-03T12:00:00Z',
        },
        closedDuringDeploy: true,
      },
      calls: [
        [
          'comment',
          {
            ...RUN,
            state: 'deploying',
            updatedAt: '2025-03-03T12:00:00Z',
          },
        ],
      ],
      runState: {
        phase: 'done',
      },
    });
  });

  it('a failure after the deploy: logged as an error, with the stack trace at debug', async () => {
    const w = await world();
    w.stacks.beforeEachCall((call) => {
      if (call.method === 'get' && (w.cdk as FakeCdk).deployCalls.length > 0)
        throw new Error('Rate exceeded');
    });
    const outcome = await w.run();
    expect({ outcome, calls: w.reporter.calls, lines: traced(w.log.lines) }).toStrictEqual({
      outcome: {
        report: {
          ...RUN,
          changes: {
            stacks: [
              {
                stack: 'pr-42-api',
                firstDeploy: true,
                resources: [],
                statements: [],
                managedPolicies: [],
                securityGroupRules: [],
                text: '',
              },
            ],
          },
          state: 'deploy-failed',
          stacks: [
            {
              name: 'pr-42-api',
              outcome: 'deployed',
            },
          ],
          timings: {
            synth: 0,
            deploy: 0,
            total: 0,
          },
          failure: {
            reason: 'pr-42 is deployed, but then: Rate exceeded',
          },
          updatedAt: '2025-03-03T12:00:00Z',
        },
        failure: 'pr-42 is deployed, but then: Rate exceeded',
      },
      calls: [
        [
          'comment',
          {
            ...RUN,
            state: 'deploying',
            updatedAt: '2025-03-03T12:00:00Z',
          },
        ],
        ['status', 'failure', 'Deployed; then failed', undefined],
        [
          'comment',
          {
            ...RUN,
            changes: {
              stacks: [
                {
                  stack: 'pr-42-api',
                  firstDeploy: true,
                  resources: [],
                  statements: [],
                  managedPolicies: [],
                  securityGroupRules: [],
                  text: '',
                },
              ],
            },
            state: 'deploy-failed',
            stacks: [
              {
                name: 'pr-42-api',
                outcome: 'deployed',
              },
            ],
            timings: {
              synth: 0,
              deploy: 0,
              total: 0,
            },
            failure: {
              reason: 'pr-42 is deployed, but then: Rate exceeded',
            },
            updatedAt: '2025-03-03T12:00:00Z',
          },
        ],
      ],
      lines: [
        {
          level: 'info',
          message: 'Synthesized 1 stack(s) in 0 ms',
        },
        {
          level: 'info',
          message: 'pr-42-api: deployed in 1000 ms',
        },
        {
          level: 'debug',
          message: 'Error: Rate exceeded\n    at …',
        },
        {
          level: 'error',
          message: 'pr-42 is deployed, but then: Rate exceeded',
        },
      ],
    });
  });

  it('a failed deploy: no error line of its own, no stack trace, the status says so', async () => {
    const w = await world({ cdk: { failOn: { stack: 'pr-42-api', reason: 'Template format error' } } });
    const outcome = await w.run();
    expect({ outcome, calls: w.reporter.calls, lines: traced(w.log.lines) }).toStrictEqual({
      outcome: {
        report: {
          ...RUN,
          changes: {
            stacks: [
              {
                stack: 'pr-42-api',
                firstDeploy: true,
                resources: [],
                statements: [],
                managedPolicies: [],
                securityGroupRules: [],
                text: '',
              },
            ],
          },
          state: 'deploy-failed',
          stacks: [
            {
              name: 'pr-42-api',
              outcome: 'failed',
            },
          ],
          timings: {
            synth: 0,
            deploy: 0,
            total: 0,
          },
          failure: {
            stack: 'pr-42-api',
            reason: 'Template format error',
          },
          updatedAt: '2025-03-03T12:00:00Z',
        },
        failure: 'Deploy of pr-42 failed: Template format error',
      },
      calls: [
        [
          'comment',
          {
            ...RUN,
            state: 'deploying',
            updatedAt: '2025-03-03T12:00:00Z',
          },
        ],
        ['status', 'failure', 'Deploy failed', undefined],
        [
          'comment',
          {
            ...RUN,
            changes: {
              stacks: [
                {
                  stack: 'pr-42-api',
                  firstDeploy: true,
                  resources: [],
                  statements: [],
                  managedPolicies: [],
                  securityGroupRules: [],
                  text: '',
                },
              ],
            },
            state: 'deploy-failed',
            stacks: [
              {
                name: 'pr-42-api',
                outcome: 'failed',
              },
            ],
            timings: {
              synth: 0,
              deploy: 0,
              total: 0,
            },
            failure: {
              stack: 'pr-42-api',
              reason: 'Template format error',
            },
            updatedAt: '2025-03-03T12:00:00Z',
          },
        ],
      ],
      lines: [
        {
          level: 'info',
          message: 'Synthesized 1 stack(s) in 0 ms',
        },
      ],
    });
  });

  it('blocked by fail-on: the reason logged, waiting for approval', async () => {
    const w = await world({
      inputs: { failOn: 'security', approveLabel: 'infra-approved' },
      cdk: { changes: { 'pr-42-api': sqsWildcard } },
    });
    const outcome = await w.run();
    expect({
      outcome,
      calls: w.reporter.calls,
      lines: traced(w.log.lines),
      outputs: w.step.outputs,
    }).toStrictEqual({
      outcome: {
        report: {
          ...RUN,
          changes: {
            stacks: [
              {
                stack: 'pr-42-api',
                firstDeploy: true,
                resources: [
                  {
                    logicalId: 'HandlerServiceRoleDefaultPolicy',
                    type: 'AWS::IAM::Policy',
                    kind: 'modified',
                  },
                ],
                statements: [
                  {
                    change: 'added',
                    effect: 'Allow',
                    actions: ['sqs:*'],
                    resources: ['*'],
                    principals: [],
                  },
                ],
                managedPolicies: [],
                securityGroupRules: [],
                text: '[~] AWS::IAM::Policy HandlerServiceRoleDefaultPolicy',
              },
            ],
          },
          blocked: {
            failOn: 'security',
            reason: '1 security-relevant change',
            approveLabel: 'infra-approved',
          },
          state: 'blocked',
          stacks: [
            {
              name: 'pr-42-api',
              outcome: 'not-deployed',
            },
          ],
          timings: {
            synth: 0,
            total: 0,
          },
          updatedAt: '2025-03-03T12:00:00Z',
        },
        failure:
          'This push makes 1 security-relevant change and fail-on is security: nothing was deployed. Add the label infra-approved to the pull request to approve it; that runs the deploy again.',
      },
      calls: [
        [
          'comment',
          {
            ...RUN,
            state: 'deploying',
            updatedAt: '2025-03-03T12:00:00Z',
          },
        ],
        ['status', 'failure', 'Waiting for approval (fail-on)', undefined],
        [
          'comment',
          {
            ...RUN,
            changes: {
              stacks: [
                {
                  stack: 'pr-42-api',
                  firstDeploy: true,
                  resources: [
                    {
                      logicalId: 'HandlerServiceRoleDefaultPolicy',
                      type: 'AWS::IAM::Policy',
                      kind: 'modified',
                    },
                  ],
                  statements: [
                    {
                      change: 'added',
                      effect: 'Allow',
                      actions: ['sqs:*'],
                      resources: ['*'],
                      principals: [],
                    },
                  ],
                  managedPolicies: [],
                  securityGroupRules: [],
                  text: '[~] AWS::IAM::Policy HandlerServiceRoleDefaultPolicy',
                },
              ],
            },
            blocked: {
              failOn: 'security',
              reason: '1 security-relevant change',
              approveLabel: 'infra-approved',
            },
            state: 'blocked',
            stacks: [
              {
                name: 'pr-42-api',
                outcome: 'not-deployed',
              },
            ],
            timings: {
              synth: 0,
              total: 0,
            },
            updatedAt: '2025-03-03T12:00:00Z',
          },
        ],
      ],
      lines: [
        {
          level: 'info',
          message: 'Synthesized 1 stack(s) in 0 ms',
        },
        {
          level: 'warning',
          message:
            'Security-relevant change: pr-42-api: IAM statement added: Allow sqs:* on * (**wildcard**)',
        },
        {
          level: 'error',
          message:
            'This push makes 1 security-relevant change and fail-on is security: nothing was deployed. Add the label infra-approved to the pull request to approve it; that runs the deploy again.',
        },
      ],
      outputs: {
        environment: 'pr-42',
        stacks: '["pr-42-api"]',
        outputs: '{}',
        url: '',
        'test-result': 'skipped',
      },
    });
  });

  it('a stack to repair that CloudFormation cannot roll back: the instructions, not an old failed resource', async () => {
    const w = await world({
      existing: [
        {
          name: 'pr-42-api',
          status: 'UPDATE_ROLLBACK_FAILED',
          tags: tags(),
          failure: {
            stack: 'pr-42-api',
            resource: 'Old',
            resourceType: 'AWS::SQS::Queue',
            reason: 'an older push',
          },
        },
      ],
    });
    const outcome = await w.run();
    expect(w.stacks.callsOf('firstFailure')).toEqual([]);
    expect({ failure: outcome.failure, reportFailure: outcome.report.failure }).toStrictEqual({
      failure:
        'Deploy of pr-42 failed: pr-42-api is UPDATE_ROLLBACK_FAILED: CloudFormation needs the rollback finished before anything else. Run `aws cloudformation continue-update-rollback --stack-name pr-42-api` (skipping the resources that cannot roll back), or close and reopen the PR to destroy and recreate the environment.',
      reportFailure: {
        stack: 'pr-42-api',
        reason:
          'pr-42-api is UPDATE_ROLLBACK_FAILED: CloudFormation needs the rollback finished before anything else. Run `aws cloudformation continue-update-rollback --stack-name pr-42-api` (skipping the resources that cannot roll back), or close and reopen the PR to destroy and recreate the environment.',
      },
    });
  });

  it('a failure once the outputs are known keeps them in the report', async () => {
    const w = await world({ runner: { run: () => Promise.reject(new Error('spawn sh ENOENT')) } });
    const outcome = await w.run();
    expect({ outcome, lines: traced(w.log.lines) }).toStrictEqual({
      outcome: {
        report: {
          ...RUN,
          changes: {
            stacks: [
              {
                stack: 'pr-42-api',
                firstDeploy: true,
                resources: [],
                statements: [],
                managedPolicies: [],
                securityGroupRules: [],
                text: '',
              },
            ],
          },
          state: 'deploy-failed',
          stacks: [
            {
              name: 'pr-42-api',
              outcome: 'deployed',
              status: 'CREATE_COMPLETE',
            },
          ],
          timings: NO_TIME,
          failure: {
            reason: 'pr-42 is deployed, but then: spawn sh ENOENT',
          },
          outputs: [
            {
              stack: 'pr-42-api',
              key: 'ApiUrl',
              value: 'https://api.example.com/',
            },
          ],
          updatedAt: '2025-03-03T12:00:00Z',
        },
        failure: 'pr-42 is deployed, but then: spawn sh ENOENT',
      },
      lines: [
        {
          level: 'info',
          message: 'Synthesized 1 stack(s) in 0 ms',
        },
        {
          level: 'info',
          message: 'pr-42-api: deployed in 1000 ms',
        },
        {
          level: 'debug',
          message: 'Error: spawn sh ENOENT\n    at …',
        },
        {
          level: 'error',
          message: 'pr-42 is deployed, but then: spawn sh ENOENT',
        },
      ],
    });
  });

  it('a thrown null is still reported as a failure, logged as null at debug', async () => {
    const w = await world();
    w.stacks.beforeEachCall((call) => {
      if (call.method === 'get' && w.cdk.deployCalls.length > 0) throw null;
    });
    const outcome = await w.run();
    expect({ failure: outcome.failure, debug: w.log.messages('debug') }).toStrictEqual({
      failure: 'pr-42 is deployed, but then: null',
      debug: ['null'],
    });
  });
});
