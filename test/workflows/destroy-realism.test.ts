/**
 * destroy with the real adapters, on moto behind the AWS proxy with the realism switches of what
 * real CloudFormation does and moto does not: termination protection, non-empty buckets that fail
 * a delete (and FORCE_DELETE_STACK keeping them), nested stacks with their parent's tags.
 */
import { CreateStackCommand, UpdateTerminationProtectionCommand } from '@aws-sdk/client-cloudformation';
import {
  CreateBucketCommand,
  ListBucketsCommand,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CloudFormationStacks } from '../../src/adapters/cloudformation-stacks.js';
import { S3Buckets } from '../../src/adapters/s3-buckets.js';
import { systemClock } from '../../src/adapters/system-clock.js';
import type { BucketsPort } from '../../src/ports.js';
import { destroy } from '../../src/workflows/destroy.js';
import { Reporter } from '../../src/workflows/reporter.js';
import { type AwsProxy, startAwsProxy } from '../support/aws-proxy.js';
import { FakeGitHub, FakeLog, FakeStep } from '../support/fake-ports.js';
import { FakeStateStore } from '../support/fake-state.js';
import { MOTO_ENV, type Moto, startMoto } from '../support/moto.js';
import { cloudFormationOn, liveStackNames, ownedTags } from '../support/moto-stacks.js';
import { nonEmptyBucketsBlockDeletes } from '../support/realism/delete-failed-bucket.js';
import { nestedStacksCarryParentTags } from '../support/realism/nested-stacks.js';
import { terminationProtection } from '../support/realism/termination-protection.js';

const REPO = 'octo-org/invoices';
const TAGS = ownedTags(REPO, 42, '2999-01-01T00:00:00Z');
const session = {
  region: MOTO_ENV.AWS_REGION,
  credentials: { accessKeyId: MOTO_ENV.AWS_ACCESS_KEY_ID, secretAccessKey: MOTO_ENV.AWS_SECRET_ACCESS_KEY },
};
const BUCKET_STACK = JSON.stringify({
  Resources: { Uploads: { Type: 'AWS::S3::Bucket' }, Topic: { Type: 'AWS::SNS::Topic' } },
});

let moto: Moto;
let proxy: AwsProxy;

beforeAll(async () => {
  moto = await startMoto();
  proxy = await startAwsProxy(moto.endpoint);
});
afterAll(async () => {
  await proxy?.close();
  await moto?.stop();
});
beforeEach(async () => {
  await moto.reset();
  proxy.configure({});
});

function s3(): S3Client {
  return new S3Client({ ...session, endpoint: moto.endpoint, forcePathStyle: true });
}

async function plant(name: string, template: string, extra: { protect?: boolean } = {}) {
  await cloudFormationOn(moto).send(
    new CreateStackCommand({
      StackName: name,
      TemplateBody: template,
      Tags: Object.entries(TAGS).map(([Key, Value]) => ({ Key, Value })),
      ...(extra.protect === true ? { EnableTerminationProtection: true } : {}),
    }),
  );
}

async function bucketOf(stack: string): Promise<string> {
  const { Buckets = [] } = await s3().send(new ListBucketsCommand({}));
  const found = Buckets.map((bucket) => bucket.Name ?? '').find((name) => name.startsWith(stack));
  if (found === undefined) throw new Error(`no bucket of ${stack}`);
  return found;
}

/** Puts objects in the bucket: with versioning on, two versions and a delete marker. */
async function fill(bucket: string): Promise<void> {
  const client = s3();
  await client.send(
    new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }),
  );
  await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'a.txt', Body: 'one' }));
  await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'a.txt', Body: 'two' }));
  await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'b.txt', Body: 'three' }));
}

/** Runs destroy for PR 42 through the proxy with the real adapters. */
async function runDestroy(buckets?: BucketsPort) {
  const saved = process.env.AWS_ENDPOINT_URL;
  process.env.AWS_ENDPOINT_URL = proxy.endpoint;
  try {
    const log = new FakeLog();
    const step = new FakeStep();
    const github = new FakeGitHub();
    const outcome = await destroy(
      { repository: REPO, pullRequest: 42, environment: 'pr-42' },
      {
        log,
        clock: systemClock,
        step,
        stacks: new CloudFormationStacks(session, systemClock, 50),
        state: new FakeStateStore(),
        reporter: new Reporter({ github, step, log, comment: true }),
        ...(buckets === undefined ? {} : { buckets }),
      },
    );
    return { outcome, log, github };
  } finally {
    if (saved === undefined) delete process.env.AWS_ENDPOINT_URL;
    else process.env.AWS_ENDPOINT_URL = saved;
  }
}

function s3Buckets(): S3Buckets {
  return new S3Buckets(session, { AWS_ENDPOINT_URL: proxy.endpoint });
}

describe('destroy where CloudFormation is stricter than moto', () => {
  it('turns termination protection off, then deletes', async () => {
    const protection = terminationProtection();
    proxy.configure({ realism: [protection] });
    await plant('pr-42-data', BUCKET_STACK.replace('AWS::S3::Bucket', 'AWS::SQS::Queue'), { protect: true });
    await plant('pr-42-api', JSON.stringify({ Resources: { Topic: { Type: 'AWS::SNS::Topic' } } }));
    // PR code (it holds the sandbox credentials) switches protection on again out of band.
    await cloudFormationOn({ ...moto, endpoint: proxy.endpoint }).send(
      new UpdateTerminationProtectionCommand({ StackName: 'pr-42-api', EnableTerminationProtection: true }),
    );

    const { outcome } = await runDestroy(s3Buckets());

    expect(protection.refused).toEqual([]);
    expect(outcome.failure).toBeUndefined();
    expect(outcome.report.state).toBe('destroyed');
    expect(await liveStackNames(moto)).toEqual([]);
  });

  it('empties the stack’s own bucket (every version) after DELETE_FAILED, and the normal retry deletes it', async () => {
    const buckets = nonEmptyBucketsBlockDeletes();
    proxy.configure({ realism: [buckets] });
    await plant('pr-42-data', BUCKET_STACK);
    const bucket = await bucketOf('pr-42-data');
    await fill(bucket);

    const { outcome, log } = await runDestroy(s3Buckets());

    expect(outcome.failure, log.messages('warning').join('\n')).toBeUndefined();
    expect(buckets.forced).toEqual([]);
    expect(outcome.report.stacks).toEqual([
      { name: 'pr-42-data', outcome: 'deleted', status: 'DELETE_COMPLETE' },
    ]);
    expect(await liveStackNames(moto)).toEqual([]);
  });

  it('reports what FORCE_DELETE_STACK kept as left behind, with the root cause from the stack events', async () => {
    const buckets = nonEmptyBucketsBlockDeletes();
    proxy.configure({ realism: [buckets] });
    await plant('pr-42-data', BUCKET_STACK);
    const bucket = await bucketOf('pr-42-data');
    await fill(bucket);
    const denied: BucketsPort = {
      empty: async () => {
        throw new Error('AccessDenied: not authorized to perform s3:DeleteObjectVersion');
      },
    };

    const { outcome } = await runDestroy(denied);

    expect(buckets.forced).toEqual(['pr-42-data']);
    expect(outcome.report.state).toBe('destroy-failed');
    expect(outcome.report.stacks).toEqual([
      {
        name: 'pr-42-data',
        outcome: 'force-deleted',
        status: 'DELETE_COMPLETE',
        retained: [{ logicalId: 'Uploads', type: 'AWS::S3::Bucket', physicalId: bucket }],
      },
    ]);
    expect(outcome.report.failure).toMatchObject({
      resource: 'Uploads',
      resourceType: 'AWS::S3::Bucket',
      reason: 'The bucket you tried to delete is not empty',
    });
    expect(outcome.failure).toContain(`Uploads (AWS::S3::Bucket, ${bucket}) in pr-42-data`);
    // The bucket really is still there, with its objects: nothing else will ever find it.
    const versions = await s3().send(new ListObjectVersionsCommand({ Bucket: bucket }));
    expect(versions.Versions?.length).toBe(3);
  });

  it('leaves nested stacks to their parent: no DeleteStack on them, not in the report', async () => {
    const nested = nestedStacksCarryParentTags();
    proxy.configure({ realism: [nested] });
    const client = s3();
    await client.send(
      new CreateBucketCommand({
        Bucket: 'templates',
        CreateBucketConfiguration: { LocationConstraint: MOTO_ENV.AWS_REGION },
      }),
    );
    await client.send(
      new PutObjectCommand({
        Bucket: 'templates',
        Key: 'child.json',
        Body: JSON.stringify({ Resources: { Topic: { Type: 'AWS::SNS::Topic' } } }),
      }),
    );
    await plant(
      'pr-42-app',
      JSON.stringify({
        Resources: {
          Child: {
            Type: 'AWS::CloudFormation::Stack',
            Properties: { TemplateURL: `${moto.endpoint}/templates/child.json` },
          },
        },
      }),
    );

    const { outcome } = await runDestroy(s3Buckets());

    expect(nested.directDeletes).toEqual([]);
    expect(outcome.report.stacks?.map((stack) => stack.name)).toEqual(['pr-42-app']);
  });
});
