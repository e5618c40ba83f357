/**
 * reviewChanges on its own, with a plan given: which stacks it diffs, what it logs, what it records
 * for the report, and the exact message that stops a deploy under fail-on (deploy-review.test.ts
 * runs the whole deploy around it).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { StackChanges } from '../../src/domain/infra-diff.js';
import { emptyState } from '../../src/domain/state.js';
import { BlockedError } from '../../src/errors.js';
import type { Inputs } from '../../src/inputs.js';
import type { DeployPlan } from '../../src/workflows/deploy-inspect.js';
import { reviewChanges } from '../../src/workflows/deploy-review.js';
import { sqsWildcard } from '../fixtures/diff/changes.js';
import { deployParts, removeDeployPartsDirs } from '../support/deploy-parts.js';
import { FakeCdk, FakeGitHub } from '../support/fake-ports.js';

afterEach(removeDeployPartsDirs);

const API = 'pr-42-api';
const DATA = 'pr-42-data';
const WEB = 'pr-42-web';
const NONE = { resources: [], statements: [], managedPolicies: [], securityGroupRules: [], text: '' };

/** pr-42-api exists and gets sqs:* on a queue named with a `<` (which codeSpan breaks with U+200D). */
const API_CHANGES: Omit<StackChanges, 'stack' | 'firstDeploy'> = {
  ...sqsWildcard,
  statements: [
    {
      change: 'added',
      effect: 'Allow',
      actions: ['sqs:*'],
      resources: ['arn:aws:sqs:eu-west-2:111122223333:<jobs>'],
      principals: [],
    },
  ],
};
/** pr-42-data loses a bucket and a table (stateful) and replaces a function (not stateful). */
const DATA_CHANGES: Omit<StackChanges, 'stack' | 'firstDeploy'> = {
  resources: [
    { logicalId: 'UploadsBucket', type: 'AWS::S3::Bucket', kind: 'removed' },
    { logicalId: 'InvoicesTable', type: 'AWS::DynamoDB::Table', kind: 'replaced' },
    { logicalId: 'Handler', type: 'AWS::Lambda::Function', kind: 'replaced' },
  ],
  statements: [],
  managedPolicies: [],
  securityGroupRules: [],
  text: '',
};

/** A plan that deploys `changed`; pr-42-api and pr-42-data exist, pr-42-web is new. */
function planOf(changed: readonly string[]): DeployPlan {
  return {
    existing: new Map(
      [API, DATA].map((name) => [name, { name, id: name, status: 'UPDATE_COMPLETE', tags: {}, outputs: [] }]),
    ),
    changed: changed.map((name) => ({ name, tags: {} })),
    tags: {},
    state: emptyState(),
    templates: new Map([
      [API, '{}'],
      [DATA, '{}'],
    ]),
  };
}

interface Options {
  readonly inputs?: Partial<Inputs>;
  /** The PR's labels on GitHub; undefined: no github-token, so no GitHub port. */
  readonly labels?: string[];
  readonly github?: (github: FakeGitHub) => FakeGitHub;
  readonly diffError?: unknown;
}

async function review(changed: readonly string[], options: Options = {}) {
  const cdk = new FakeCdk({
    stacks: [],
    changes: { [API]: API_CHANGES, [DATA]: DATA_CHANGES },
    ...(options.diffError === undefined ? {} : { diffError: options.diffError }),
  });
  const parts = await deployParts({
    cdk,
    ...(options.inputs === undefined ? {} : { inputs: options.inputs }),
  });
  const github =
    options.labels === undefined
      ? undefined
      : (options.github ?? ((g: FakeGitHub) => g))(
          new FakeGitHub().withPull(42, 'open', false, options.labels),
        );
  const ports = { ...parts.ports, github };
  const assembly = { stacks: [], dispose: async () => {} };
  const result = await reviewChanges(assembly, planOf(changed), parts.request, ports, parts.record).then(
    () => undefined,
    (error: unknown) => error,
  );
  return { ...parts, cdk, github, result };
}

const SECURITY =
  'Security-relevant change: pr-42-api: IAM statement added: Allow sqs:* on arn:aws:sqs:eu-west-2:111122223333:<jobs> (**wildcard**)';
const LOSSES = [
  'pr-42-data: UploadsBucket (AWS::S3::Bucket) will be removed: its data is lost',
  'pr-42-data: InvoicesTable (AWS::DynamoDB::Table) will be replaced: its data is lost',
];

describe('reviewChanges', () => {
  it('with no stack to deploy neither diffs nor records changes', async () => {
    const world = await review([]);
    expect(world.result).toBeUndefined();
    expect(world.cdk.diffCalls).toEqual([]);
    expect(world.log.groups).toEqual([]);
    expect(world.record.changes).toBeUndefined();
  });

  it('diffs the changed stacks in a log group, records which are new, and logs findings and data losses', async () => {
    const world = await review([API, DATA, WEB]);
    expect(world.result).toBeUndefined();
    expect(world.cdk.diffCalls).toEqual([[API, DATA, WEB]]);
    expect(world.log.groups).toEqual(['Diff against the deployed templates']);
    expect(world.record.changes).toStrictEqual({
      stacks: [
        { stack: API, ...API_CHANGES, firstDeploy: false },
        { stack: DATA, ...DATA_CHANGES, firstDeploy: false },
        { stack: WEB, ...NONE, firstDeploy: true },
      ],
    });
    expect(world.log.lines).toEqual([SECURITY, ...LOSSES].map((message) => ({ level: 'warning', message })));
    expect(world.record.notes).toEqual([]);
    expect(world.record.blocked).toBeUndefined();
  });

  it('with fail-on none, deploys without the diff when it cannot be read, and says so', async () => {
    const world = await review([API], { diffError: new Error('GetTemplate denied') });
    expect(world.result).toBeUndefined();
    expect(world.log.lines).toEqual([
      { level: 'warning', message: 'GetTemplate denied; deploying without the infrastructure diff.' },
    ]);
    expect(world.record.changes).toBeUndefined();
  });
});

describe('reviewChanges under fail-on', () => {
  it('without approve-label, stops and says how to allow approvals, asking GitHub nothing', async () => {
    const world = await review([API], { inputs: { failOn: 'security' }, labels: ['infra-approved'] });
    expect(world.result).toBeInstanceOf(BlockedError);
    expect((world.result as Error).message).toBe(
      'This push makes 1 security-relevant change and fail-on is security: nothing was deployed.' +
        ' Set approve-label to let a reviewer approve such changes.',
    );
    expect(world.record.blocked).toStrictEqual({ failOn: 'security', reason: '1 security-relevant change' });
    expect(world.github?.count('pullRequest')).toBe(0);
  });

  it('with approve-label absent from the PR, stops and names the label to add', async () => {
    const world = await review([API, DATA], {
      inputs: { failOn: 'replacement', approveLabel: 'infra-approved' },
      labels: ['needs-review'],
    });
    expect((world.result as Error).message).toBe(
      'This push makes 3 resource replacements or stateful removals and fail-on is replacement: nothing was deployed.' +
        ' Add the label infra-approved to the pull request to approve it; that runs the deploy again.',
    );
    expect(world.record.blocked).toStrictEqual({
      failOn: 'replacement',
      reason: '3 resource replacements or stateful removals',
      approveLabel: 'infra-approved',
    });
    expect(world.record.notes).toEqual([]);
  });

  it('with approve-label on the PR, goes on and notes the approval in the log and the report', async () => {
    const world = await review([API], {
      inputs: { failOn: 'security', approveLabel: 'infra-approved' },
      labels: ['infra-approved'],
    });
    const note = 'fail-on security: 1 security-relevant change, approved by the label infra-approved.';
    expect(world.result).toBeUndefined();
    expect(world.log.lines).toEqual([
      { level: 'warning', message: SECURITY },
      { level: 'notice', message: note },
    ]);
    expect(world.record.notes).toEqual([note]);
    expect(world.record.blocked).toBeUndefined();
  });

  it('treats the label as absent when the PR cannot be read, and says why', async () => {
    const world = await review([API], {
      inputs: { failOn: 'security', approveLabel: 'infra-approved' },
      labels: ['infra-approved'],
      github: (github) => github.failing('pullRequest'),
    });
    expect(world.result).toBeInstanceOf(BlockedError);
    expect(world.log.messages('warning')).toEqual([
      SECURITY,
      'Could not read the labels of PR #42 (Bad credentials): treating infra-approved as absent.',
    ]);
    expect(world.record.notes).toEqual([]);
  });

  it('treats the label as absent without a github-token (no GitHub port)', async () => {
    const world = await review([API], { inputs: { failOn: 'security', approveLabel: 'infra-approved' } });
    expect(world.result).toBeInstanceOf(BlockedError);
    expect(world.log.messages('warning')).toEqual([SECURITY]);
  });
});
