import { describe, expect, it } from 'vitest';
import { TAG } from '../../src/domain/ownership.js';
import type { StacksPort } from '../../src/ports.js';
import { type CleanupPorts, cleanup, type RegionStacks } from '../../src/workflows/cleanup.js';
import { FakeClock, FakeGitHub, FakeLog, FakeStep } from '../support/fake-ports.js';
import { FakeResources } from '../support/fake-resources.js';
import { FakeBuckets, type FakeStackSpec, FakeStacks } from '../support/fake-stacks.js';
import { FakeStateStore } from '../support/fake-state.js';

const REPO = 'acme/invoices';
const NOW = '2025-03-03T12:00:00Z';
const QUEUE = 'arn:aws:sqs:eu-west-2:123456789012:pr-1-queue';
const TOPIC = 'arn:aws:sns:eu-west-2:123456789012:pr-1-topic';

const tags = (pr: number) => ({
  [TAG.managedBy]: 'prenv',
  [TAG.repository]: REPO,
  [TAG.pullRequest]: String(pr),
  [TAG.environment]: `pr-${pr}`,
  [TAG.expiresAt]: '2025-03-06T12:00:00Z',
  [TAG.wave]: '0',
  [TAG.createdAt]: '2025-02-28T10:00:00Z',
});
const stack = (name: string, pr: number, extra: Partial<FakeStackSpec> = {}): FakeStackSpec => ({
  name,
  tags: tags(pr),
  ...extra,
});

function fill(clock: FakeClock, specs: readonly FakeStackSpec[]): FakeStacks {
  const stacks = new FakeStacks(clock);
  for (const spec of specs) stacks.add(spec);
  return stacks;
}

function base() {
  const clock = new FakeClock(NOW);
  const log = new FakeLog();
  const step = new FakeStep();
  const github = new FakeGitHub()
    .withPull(1, 'closed')
    .withPull(2, 'closed')
    .withPull(3, 'closed')
    .withPull(4, 'open');
  return { clock, log, step, github };
}

describe('cleanup: the whole report, outputs, log and failure', () => {
  it('one region without a name: its buckets, state and tagging API are used, and every problem is named', async () => {
    const { clock, log, step, github } = base();
    const bucket = {
      logicalId: 'Uploads',
      type: 'AWS::S3::Bucket',
      physicalId: 'pr-1-uploads',
      status: 'DELETE_FAILED',
    };
    const role = {
      logicalId: 'Runner',
      type: 'AWS::IAM::Role',
      physicalId: 'pr-3-runner',
      status: 'DELETE_FAILED',
    };
    const stacks = fill(clock, [
      stack('pr-1-api', 1, { deleteFailures: 1, resources: [bucket] }),
      stack('pr-2-api', 2, { deleteError: new Error('AccessDenied') }),
      stack('pr-3-api', 3, { deleteFailures: 2, resources: [role] }),
      stack('pr-4-api', 4),
    ]);
    const buckets = new FakeBuckets(new Map([['pr-1-uploads', 2]]));
    const state = new FakeStateStore();
    state.seed('pr-1', {});
    const resources = new FakeResources(
      [
        { arn: QUEUE, tags: { ...tags(1), 'aws:cloudformation:stack-name': 'pr-1-data' } },
        { arn: TOPIC, tags: { ...tags(1), 'aws:cloudformation:stack-name': 'pr-1-data' } },
      ],
      [],
      new Map([[QUEUE, new Error('AccessDenied')]]),
    );
    step.summaryError = new Error('disk full');
    const ports: CleanupPorts = { log, clock, step, stacks, github, buckets, state, resources };

    const outcome = await cleanup(
      {
        repository: REPO,
        dryRun: false,
        comment: false,
        runUrl: 'https://github.com/acme/invoices/actions/runs/7',
      },
      ports,
    );

    expect({
      outcome,
      outputs: step.outputs,
      lines: log.lines,
      groups: log.groups,
      emptied: buckets.emptied,
      docs: [...state.documents.keys()],
      deleted: resources.deleted,
    }).toStrictEqual({
      outcome: {
        report: {
          repository: 'acme/invoices',
          dryRun: false,
          environments: [
            {
              environment: 'pr-1',
              pullRequest: 1,
              reasons: ['pr-closed'],
              createdAt: '2025-02-28T10:00:00Z',
              stacks: [
                {
                  name: 'pr-1-api',
                  outcome: 'deleted',
                },
              ],
              result: 'left-behind',
              resourceCount: 2,
              leftovers: [
                {
                  arn: 'arn:aws:sqs:eu-west-2:123456789012:pr-1-queue',
                  type: 'AWS::SQS::Queue',
                  outcome: 'delete-failed',
                  createdAt: '2025-02-28T10:00:00Z',
                  stack: 'pr-1-data',
                  reason: 'AccessDenied',
                },
                {
                  arn: 'arn:aws:sns:eu-west-2:123456789012:pr-1-topic',
                  type: 'AWS::SNS::Topic',
                  outcome: 'deleted',
                  createdAt: '2025-02-28T10:00:00Z',
                  stack: 'pr-1-data',
                },
              ],
            },
            {
              environment: 'pr-2',
              pullRequest: 2,
              reasons: ['pr-closed'],
              createdAt: '2025-02-28T10:00:00Z',
              stacks: [
                {
                  name: 'pr-2-api',
                  outcome: 'left-behind',
                  status: 'CREATE_COMPLETE',
                },
              ],
              result: 'failed',
              error: 'AccessDenied',
              resourceCount: 0,
            },
            {
              environment: 'pr-3',
              pullRequest: 3,
              reasons: ['pr-closed'],
              createdAt: '2025-02-28T10:00:00Z',
              stacks: [
                {
                  name: 'pr-3-api',
                  outcome: 'force-deleted',
                  status: 'DELETE_COMPLETE',
                  retained: [
                    {
                      logicalId: 'Runner',
                      type: 'AWS::IAM::Role',
                      physicalId: 'pr-3-runner',
                    },
                  ],
                },
              ],
              result: 'left-behind',
              resourceCount: 0,
            },
          ],
          kept: 1,
          keptEnvironments: [],
          updatedAt: '2025-03-03T12:00:25Z',
          runUrl: 'https://github.com/acme/invoices/actions/runs/7',
        },
        failure:
          'Cleanup could not delete pr-2 (AccessDenied). CloudFormation deleted stacks only by force and left resources behind, which nothing tracks any more (delete them by hand): Runner (AWS::IAM::Role, pr-3-runner) in pr-3-api. Could not delete leftover resources: AWS::SQS::Queue arn:aws:sqs:eu-west-2:123456789012:pr-1-queue (delete-failed)',
      },
      outputs: {
        environment: '',
        stacks: '["pr-1-api","pr-3-api"]',
        outputs: '{}',
        url: '',
        'test-result': 'skipped',
      },
      lines: [
        {
          level: 'info',
          message: '4 stack(s) in 4 environment(s) belong to acme/invoices',
        },
        {
          level: 'warning',
          message: 'pr-2-api could not be deleted: AccessDenied',
        },
        {
          level: 'info',
          message: 'pr-2-api: left behind (CREATE_COMPLETE)',
        },
        {
          level: 'warning',
          message:
            'pr-1-api is DELETE_FAILED: The following resource(s) failed to delete: [Bucket]. ; retrying the delete',
        },
        {
          level: 'warning',
          message:
            'pr-3-api is DELETE_FAILED: The following resource(s) failed to delete: [Bucket]. ; retrying the delete',
        },
        {
          level: 'info',
          message: 'pr-1-api: emptied bucket pr-1-uploads (2 object version(s)) so that it can be deleted',
        },
        {
          level: 'warning',
          message:
            'pr-3-api is DELETE_FAILED: The following resource(s) failed to delete: [Bucket]. ; retrying the delete with DeletionMode FORCE_DELETE_STACK',
        },
        {
          level: 'info',
          message: 'pr-1-api: deleted',
        },
        {
          level: 'warning',
          message:
            'pr-3-api was deleted with DeletionMode FORCE_DELETE_STACK; CloudFormation kept these resources, which nothing tracks any more: Runner (AWS::IAM::Role, pr-3-runner)',
        },
        {
          level: 'info',
          message: 'pr-3-api: deleted by force, 1 resource(s) left behind',
        },
        {
          level: 'warning',
          message:
            'Could not delete the leftover arn:aws:sqs:eu-west-2:123456789012:pr-1-queue: AccessDenied',
        },
        {
          level: 'info',
          message: 'Deleted the leftover arn:aws:sns:eu-west-2:123456789012:pr-1-topic',
        },
        {
          level: 'warning',
          message: 'Could not write the job summary: disk full',
        },
      ],
      groups: ['Look for resources left behind'],
      emptied: ['pr-1-uploads'],
      docs: [],
      deleted: ['arn:aws:sns:eu-west-2:123456789012:pr-1-topic'],
    });
  });

  it('several regions: each swept in its group, a failed one logged and named, environments labelled', async () => {
    const { clock, log, step, github } = base();
    const unlisted = Object.assign(Object.create(fill(clock, [])) as StacksPort, {
      list: () => Promise.reject(new Error('The security token included in the request is invalid.')),
    });
    const regions: RegionStacks[] = [
      { region: 'eu-west-2', stacks: fill(clock, [stack('pr-1-api', 1), stack('pr-4-api', 4)]) },
      { region: 'ap-south-2', stacks: unlisted },
      {
        region: 'us-east-1',
        stacks: fill(clock, [stack('pr-2-api', 2, { deleteError: new Error('AccessDenied') })]),
      },
    ];

    const outcome = await cleanup(
      { repository: REPO, dryRun: false, comment: false },
      { log, clock, step, stacks: unlisted, github, regions },
    );

    expect({ outcome, outputs: step.outputs, lines: log.lines, groups: log.groups }).toStrictEqual({
      outcome: {
        report: {
          repository: 'acme/invoices',
          dryRun: false,
          environments: [
            {
              region: 'eu-west-2',
              environment: 'pr-1',
              pullRequest: 1,
              reasons: ['pr-closed'],
              createdAt: '2025-02-28T10:00:00Z',
              stacks: [
                {
                  name: 'pr-1-api',
                  outcome: 'deleted',
                },
              ],
              result: 'deleted',
            },
            {
              region: 'us-east-1',
              environment: 'pr-2',
              pullRequest: 2,
              reasons: ['pr-closed'],
              createdAt: '2025-02-28T10:00:00Z',
              stacks: [
                {
                  name: 'pr-2-api',
                  outcome: 'left-behind',
                  status: 'CREATE_COMPLETE',
                },
              ],
              result: 'failed',
              error: 'AccessDenied',
            },
          ],
          kept: 1,
          updatedAt: '2025-03-03T12:00:05Z',
          regions: [
            {
              region: 'eu-west-2',
              kept: 1,
            },
            {
              region: 'ap-south-2',
              kept: 0,
              error: 'The security token included in the request is invalid.',
            },
            {
              region: 'us-east-1',
              kept: 0,
            },
          ],
        },
        failure:
          'Cleanup could not delete ap-south-2 (The security token included in the request is invalid.); pr-2 in us-east-1 (AccessDenied)',
      },
      outputs: {
        environment: '',
        stacks: '["pr-1-api"]',
        outputs: '{}',
        url: '',
        'test-result': 'skipped',
      },
      lines: [
        {
          level: 'error',
          message: 'Could not sweep ap-south-2: The security token included in the request is invalid.',
        },
        {
          level: 'info',
          message: '2 stack(s) in 2 environment(s) belong to acme/invoices in eu-west-2',
        },
        {
          level: 'info',
          message: '1 stack(s) in 1 environment(s) belong to acme/invoices in us-east-1',
        },
        {
          level: 'warning',
          message: 'pr-2-api could not be deleted: AccessDenied',
        },
        {
          level: 'info',
          message: 'pr-2-api: left behind (CREATE_COMPLETE)',
        },
        {
          level: 'info',
          message: 'pr-1-api: deleted',
        },
      ],
      groups: ['Sweep eu-west-2', 'Sweep ap-south-2', 'Sweep us-east-1'],
    });
  });

  it('one named region: no group, its environments labelled, the failure without the region', async () => {
    const { clock, log, step, github } = base();
    const regions: RegionStacks[] = [
      {
        region: 'eu-west-2',
        stacks: fill(clock, [stack('pr-2-api', 2, { deleteError: new Error('AccessDenied') })]),
      },
    ];

    const outcome = await cleanup(
      { repository: REPO, dryRun: false, comment: false },
      { log, clock, step, stacks: regions[0]?.stacks as StacksPort, github, regions },
    );

    expect({ outcome, outputs: step.outputs, lines: log.lines, groups: log.groups }).toStrictEqual({
      outcome: {
        report: {
          repository: 'acme/invoices',
          dryRun: false,
          environments: [
            {
              region: 'eu-west-2',
              environment: 'pr-2',
              pullRequest: 2,
              reasons: ['pr-closed'],
              createdAt: '2025-02-28T10:00:00Z',
              stacks: [
                {
                  name: 'pr-2-api',
                  outcome: 'left-behind',
                  status: 'CREATE_COMPLETE',
                },
              ],
              result: 'failed',
              error: 'AccessDenied',
            },
          ],
          kept: 0,
          updatedAt: '2025-03-03T12:00:00Z',
          regions: [
            {
              region: 'eu-west-2',
              kept: 0,
            },
          ],
        },
        failure: 'Cleanup could not delete pr-2 (AccessDenied)',
      },
      outputs: {
        environment: '',
        stacks: '[]',
        outputs: '{}',
        url: '',
        'test-result': 'skipped',
      },
      lines: [
        {
          level: 'info',
          message: '1 stack(s) in 1 environment(s) belong to acme/invoices in eu-west-2',
        },
        {
          level: 'warning',
          message: 'pr-2-api could not be deleted: AccessDenied',
        },
        {
          level: 'info',
          message: 'pr-2-api: left behind (CREATE_COMPLETE)',
        },
      ],
      groups: [],
    });
  });
});
