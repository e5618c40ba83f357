/**
 * The leftover audit on moto, through the real adapters. moto does not copy stack tags onto a
 * stack's resources, so the tests plant what CloudFormation would have left: resources carrying
 * the stack's tags plus aws:cloudformation:stack-name, written into the templates of the stacks
 * that create them (CloudFormation is the one writer of aws: tags on real AWS, and on moto).
 */

import { CreateStackCommand, DeleteStackCommand } from '@aws-sdk/client-cloudformation';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  DescribeLogGroupsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  ListBucketsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { CreateQueueCommand, ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CloudFormationStacks } from '../../src/adapters/cloudformation-stacks.js';
import { systemClock } from '../../src/adapters/system-clock.js';
import { TaggedResources } from '../../src/adapters/tagged-resources.js';
import { TAG } from '../../src/domain/ownership.js';
import { cleanup } from '../../src/workflows/cleanup.js';
import { destroy } from '../../src/workflows/destroy.js';
import { Reporter } from '../../src/workflows/reporter.js';
import { FakeGitHub, FakeLog, FakeStep } from '../support/fake-ports.js';
import { FakeStateStore } from '../support/fake-state.js';
import { MOTO_ENV, type Moto, startMoto } from '../support/moto.js';
import { cloudFormationOn, ownedTags } from '../support/moto-stacks.js';

const REPO = 'octo-org/invoices';
const OTHER = 'octo-org/payments';
const LATER = '2999-01-01T00:00:00Z';
const session = {
  region: MOTO_ENV.AWS_REGION,
  credentials: { accessKeyId: MOTO_ENV.AWS_ACCESS_KEY_ID, secretAccessKey: MOTO_ENV.AWS_SECRET_ACCESS_KEY },
};
const ARN = (bucket: string) => `arn:aws:s3:::${bucket}`;

let moto: Moto;
let saved: string | undefined;

beforeAll(async () => {
  moto = await startMoto();
  saved = process.env.AWS_ENDPOINT_URL;
  process.env.AWS_ENDPOINT_URL = moto.endpoint;
});
afterAll(async () => {
  if (saved === undefined) delete process.env.AWS_ENDPOINT_URL;
  else process.env.AWS_ENDPOINT_URL = saved;
  await moto?.stop();
});
beforeEach(async () => {
  await moto.reset();
});

const config = () => ({ ...session, endpoint: moto.endpoint, maxAttempts: 1 });
const s3 = () => new S3Client({ ...config(), forcePathStyle: true });

/** The tags CloudFormation would have copied onto a resource of `stack`. */
function propagated(repository: string, pullRequest: number, stack?: string): Record<string, string> {
  return {
    ...ownedTags(repository, pullRequest, LATER, { [TAG.createdAt]: '2025-01-01T00:00:00Z' }),
    ...(stack === undefined
      ? {}
      : { 'aws:cloudformation:stack-name': stack, 'aws:cloudformation:logical-id': 'Resource' }),
  };
}

/** A bucket resource whose Tags are the ones CloudFormation would have copied onto it. */
function bucketResource(name: string, tags: Record<string, string>, retain: boolean) {
  return {
    Type: 'AWS::S3::Bucket',
    ...(retain ? { DeletionPolicy: 'Retain' } : {}),
    Properties: { BucketName: name, Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) },
  };
}

/**
 * A bucket with versioned objects, tagged as CloudFormation would have tagged it, that outlived its
 * stack: created by a stack with DeletionPolicy Retain, which is then deleted. (S3 refuses aws: tags
 * from callers; moto's CloudFormation writes them as the real one would.)
 */
async function plantBucket(name: string, tags: Record<string, string>): Promise<void> {
  const stack = `plant-${name}`;
  const cloudFormation = cloudFormationOn(moto);
  await cloudFormation.send(
    new CreateStackCommand({
      StackName: stack,
      TemplateBody: JSON.stringify({ Resources: { Bucket: bucketResource(name, tags, true) } }),
    }),
  );
  await cloudFormation.send(new DeleteStackCommand({ StackName: stack }));
  const client = s3();
  await client.send(
    new PutBucketVersioningCommand({ Bucket: name, VersioningConfiguration: { Status: 'Enabled' } }),
  );
  await client.send(new PutObjectCommand({ Bucket: name, Key: 'a.txt', Body: 'one' }));
  await client.send(new PutObjectCommand({ Bucket: name, Key: 'a.txt', Body: 'two' }));
}

async function bucketNames(): Promise<string[]> {
  const { Buckets = [] } = await s3().send(new ListBucketsCommand({}));
  return Buckets.map((bucket) => bucket.Name ?? '').sort();
}

async function queueNames(): Promise<string[]> {
  const { QueueUrls = [] } = await new SQSClient(config()).send(new ListQueuesCommand({}));
  return QueueUrls.map((url) => url.split('/').pop() ?? '').sort();
}

/**
 * PR 1 is closed and its stacks are gone; PR 2 is open with a live stack. Left around: PR 1's
 * bucket and queue from its gone stack pr-1-data (deletable), a bucket tagged for PR 1 by hand
 * (no stack-name tag), PR 1's Lambda log group (untagged), PR 2's bucket of its live stack, an
 * orphan of another repository's PR 1, and a bucket tagged for PR 1 whose stack tag names PR 2's
 * live stack.
 */
async function world() {
  await cloudFormationOn(moto).send(
    new CreateStackCommand({
      StackName: 'pr-2-api',
      TemplateBody: JSON.stringify({
        Resources: { Bucket: bucketResource('pr-2-api-live', propagated(REPO, 2, 'pr-2-api'), false) },
      }),
      Tags: Object.entries(ownedTags(REPO, 2, LATER)).map(([Key, Value]) => ({ Key, Value })),
    }),
  );
  await plantBucket('pr-1-data-orphan', propagated(REPO, 1, 'pr-1-data'));
  await plantBucket('pr-1-by-hand', propagated(REPO, 1));
  await plantBucket('pr-1-other-repo', propagated(OTHER, 1, 'pr-1-data'));
  await plantBucket('pr-1-claims-live', propagated(REPO, 1, 'pr-2-api'));
  await new SQSClient(config()).send(
    new CreateQueueCommand({ QueueName: 'pr-1-data-queue', tags: propagated(REPO, 1, 'pr-1-data') }),
  );
  await new CloudWatchLogsClient(config()).send(
    new CreateLogGroupCommand({ logGroupName: '/aws/lambda/pr-1-data-Handler-ABC' }),
  );
  return new FakeGitHub().withPull(1, 'closed', true).withPull(2, 'open');
}

async function sweep(dryRun: boolean) {
  const github = await world();
  const log = new FakeLog();
  const step = new FakeStep();
  const outcome = await cleanup(
    { repository: REPO, dryRun, comment: false },
    {
      log,
      clock: systemClock,
      step,
      stacks: new CloudFormationStacks(session, systemClock, 50),
      resources: new TaggedResources(session),
      github,
    },
  );
  const pr1 = outcome.report.environments.find((env) => env.environment === 'pr-1');
  const outcomeOf = (arn: string) => pr1?.leftovers?.find((r) => r.arn === arn)?.outcome;
  return { outcome, step, pr1, outcomeOf };
}

describe('the sweep’s leftover audit', () => {
  it('deletes what a gone stack of a stale environment left (bucket emptied, queue), reports the rest, keeps others', async () => {
    const { outcome, step, pr1, outcomeOf } = await sweep(false);

    expect(outcomeOf(ARN('pr-1-data-orphan'))).toBe('deleted');
    expect(outcomeOf('arn:aws:sqs:eu-west-2:123456789012:pr-1-data-queue')).toBe('deleted');
    // No aws:cloudformation:stack-name: anyone could have tagged it. Reported, never deleted.
    expect(outcomeOf(ARN('pr-1-by-hand'))).toBe('reported');
    // Its stack tag names a stack of another environment: reported, never deleted.
    expect(outcomeOf(ARN('pr-1-claims-live'))).toBeUndefined();
    // Lambda's own log group, found by the function-name prefix: untagged, so reported.
    expect(outcomeOf('arn:aws:logs:eu-west-2:123456789012:log-group:/aws/lambda/pr-1-data-Handler-ABC')).toBe(
      'reported',
    );
    expect(pr1?.result).toBe('left-behind');
    expect(pr1?.leftovers?.find((r) => r.arn === ARN('pr-1-by-hand'))?.createdAt).toBe(
      '2025-01-01T00:00:00Z',
    );

    expect(await bucketNames()).toEqual([
      'pr-1-by-hand',
      'pr-1-claims-live',
      'pr-1-other-repo',
      'pr-2-api-live',
    ]);
    expect(await queueNames()).toEqual([]);
    const logGroups = await new CloudWatchLogsClient(config()).send(new DescribeLogGroupsCommand({}));
    expect(logGroups.logGroups?.map((group) => group.logGroupName)).toEqual([
      '/aws/lambda/pr-1-data-Handler-ABC',
    ]);

    // PR 2 is kept, with its resource count; its live stack's bucket is not a leftover.
    expect(outcome.report.keptEnvironments).toEqual([
      expect.objectContaining({ environment: 'pr-2', pullRequest: 2, resourceCount: 1, leftovers: [] }),
    ]);
    expect(step.summaries.join('\n')).toContain('pr-1-by-hand');
    expect(step.summaries.join('\n')).toContain('Kept environments (1)');
    expect(step.summaries.join('\n')).not.toContain('pr-1-other-repo');
  });

  it('in a dry run lists both what it would delete and what it reports, and deletes nothing', async () => {
    const { pr1, outcomeOf } = await sweep(true);

    expect(outcomeOf(ARN('pr-1-data-orphan'))).toBe('would-delete');
    expect(outcomeOf('arn:aws:sqs:eu-west-2:123456789012:pr-1-data-queue')).toBe('would-delete');
    expect(outcomeOf(ARN('pr-1-by-hand'))).toBe('reported');
    expect(pr1?.result).toBe('would-delete');
    expect(await bucketNames()).toHaveLength(5);
    expect(await queueNames()).toEqual(['pr-1-data-queue']);
  });
});

describe('the leftover audit across regions', () => {
  it('runs in each region swept, with that region’s clients', async () => {
    const github = await world();
    const east = { ...session, region: 'us-east-1' as typeof session.region };
    await new SQSClient({ ...config(), region: 'us-east-1' }).send(
      new CreateQueueCommand({ QueueName: 'pr-1-data-east', tags: propagated(REPO, 1, 'pr-1-data') }),
    );
    const regional = (s: typeof session) => ({
      region: s.region,
      stacks: new CloudFormationStacks(s, systemClock, 50),
      resources: new TaggedResources(s),
    });
    const { report } = await cleanup(
      { repository: REPO, dryRun: false, comment: false },
      {
        log: new FakeLog(),
        clock: systemClock,
        step: new FakeStep(),
        stacks: new CloudFormationStacks(session, systemClock, 50),
        regions: [regional(session), regional(east)],
        github,
      },
    );
    const pr1 = (region: string) =>
      report.environments.find((env) => env.environment === 'pr-1' && env.region === region);
    expect(pr1('eu-west-2')?.leftovers?.find((r) => r.arn === ARN('pr-1-data-orphan'))?.outcome).toBe(
      'deleted',
    );
    // (moto's tagging API returns every region's buckets in each region; AWS returns a region's own.)
    expect(
      pr1('us-east-1')?.leftovers?.find((r) => r.arn === 'arn:aws:sqs:us-east-1:123456789012:pr-1-data-east')
        ?.outcome,
    ).toBe('deleted');
    expect(pr1('eu-west-2')?.leftovers?.some((r) => r.arn.includes('us-east-1'))).toBe(false);
    expect(await bucketNames()).not.toContain('pr-1-data-orphan');
    expect(
      await new SQSClient({ ...config(), region: 'us-east-1' }).send(new ListQueuesCommand({})),
    ).not.toHaveProperty('QueueUrls');
  });
});

describe('the audit after a destroy', () => {
  it('reports what is still tagged for the environment, with type, ARN and age, and deletes nothing', async () => {
    await world();
    const log = new FakeLog();
    const step = new FakeStep();
    const github = new FakeGitHub();
    const { report } = await destroy(
      { repository: REPO, pullRequest: 1, environment: 'pr-1' },
      {
        log,
        clock: systemClock,
        step,
        stacks: new CloudFormationStacks(session, systemClock, 50),
        state: new FakeStateStore(),
        reporter: new Reporter({ github, step, log, comment: true }),
        resources: new TaggedResources(session),
      },
    );

    expect(report.leftovers?.map((r) => [r.type, r.arn, r.outcome]).sort()).toEqual(
      [
        [
          'AWS::Logs::LogGroup',
          'arn:aws:logs:eu-west-2:123456789012:log-group:/aws/lambda/pr-1-data-Handler-ABC',
          'reported',
        ],
        ['AWS::S3::Bucket', ARN('pr-1-by-hand'), 'reported'],
        ['AWS::S3::Bucket', ARN('pr-1-data-orphan'), 'reported'],
        ['AWS::SQS::Queue', 'arn:aws:sqs:eu-west-2:123456789012:pr-1-data-queue', 'reported'],
      ].sort(),
    );
    expect(report.resourceCount).toBe(4);
    expect(github.comments[0]?.body).toContain('Resources still tagged for');
    expect(github.comments[0]?.body).toContain('pr-1-data-orphan');
    expect(await bucketNames()).toHaveLength(5);
  });
});
