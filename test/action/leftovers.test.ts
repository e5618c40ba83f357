import { CreateStackCommand } from '@aws-sdk/client-cloudformation';
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GitHubServer, startGitHubServer } from '../support/github-server.js';
import { MOTO_ENV, type Moto, startMoto } from '../support/moto.js';
import { cloudFormationOn, liveStackNames, ownedTags } from '../support/moto-stacks.js';
import { runAction } from '../support/run-action.js';

/**
 * The leftover audit through the bundle. A stack with a retained bucket is deleted by the sweep; on
 * real AWS the bucket keeps the stack's tags and aws:cloudformation:stack-name. moto copies no stack
 * tags, so the template writes them onto the bucket as CloudFormation would have.
 */

let moto: Moto;
let github: GitHubServer;
const REPO = 'octo-org/invoices';
const FUTURE = '2999-01-01T00:00:00Z';

async function plantStackWithRetainedBucket(
  stack: string,
  pullRequest: number,
  bucket: string,
  stackTag: boolean,
) {
  const tags = ownedTags(REPO, pullRequest, FUTURE);
  const bucketTags = { ...tags, ...(stackTag ? { 'aws:cloudformation:stack-name': stack } : {}) };
  await cloudFormationOn(moto).send(
    new CreateStackCommand({
      StackName: stack,
      TemplateBody: JSON.stringify({
        Resources: {
          Bucket: {
            Type: 'AWS::S3::Bucket',
            DeletionPolicy: 'Retain',
            Properties: {
              BucketName: bucket,
              Tags: Object.entries(bucketTags).map(([Key, Value]) => ({ Key, Value })),
            },
          },
        },
      }),
      Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
    }),
  );
}

async function buckets(): Promise<string[]> {
  const s3 = new S3Client({
    region: MOTO_ENV.AWS_REGION,
    endpoint: moto.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: MOTO_ENV.AWS_ACCESS_KEY_ID, secretAccessKey: MOTO_ENV.AWS_SECRET_ACCESS_KEY },
  });
  const { Buckets = [] } = await s3.send(new ListBucketsCommand({}));
  return Buckets.map((b) => b.Name ?? '').sort();
}

beforeAll(async () => {
  [moto, github] = await Promise.all([startMoto(), startGitHubServer()]);
  github.addPull({ number: 1, state: 'closed', merged: true });
  github.addPull({ number: 3, state: 'open' });
  await plantStackWithRetainedBucket('pr-1-data', 1, 'pr-1-data-uploads', true);
  await plantStackWithRetainedBucket('pr-1-logs', 1, 'pr-1-by-hand', false);
  await plantStackWithRetainedBucket('pr-3-data', 3, 'pr-3-data-uploads', true);
});
afterAll(async () => {
  await Promise.all([moto?.stop(), github?.close()]);
});

describe('the leftover audit in the action', () => {
  it('the sweep deletes the stacks, then the retained bucket of the gone stack; reports the untraceable one', async () => {
    const run = await runAction({ moto, github, event: 'schedule' });
    expect(run.exitCode, run.log).toBe(0);
    expect(await liveStackNames(moto)).toEqual(['pr-3-data']);
    expect(await buckets()).toEqual(['pr-1-by-hand', 'pr-3-data-uploads']);
    expect(run.summary).toContain('arn:aws:s3:::pr-1-data-uploads');
    expect(run.summary).toMatch(/arn:aws:s3:::pr-1-data-uploads.*deleted/);
    expect(run.summary).toMatch(/arn:aws:s3:::pr-1-by-hand.*left for you/);
    expect(run.summary).toContain('Kept environments (1)');
  });
});
