import {
  CloudFormationClient,
  CreateStackCommand,
  DeleteStackCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type AwsProxy, startAwsProxy } from '../aws-proxy.js';
import { MOTO_ENV, type Moto, startMoto } from '../moto.js';
import { readQuota } from './read-quota.js';
import { stackOperationsInProgress } from './stack-operations.js';
import { stsExpiry } from './sts-expiry.js';

const TEMPLATE = JSON.stringify({
  Resources: { Queue: { Type: 'AWS::SQS::Queue' } },
  Outputs: { QueueName: { Value: { 'Fn::GetAtt': ['Queue', 'QueueName'] } } },
});
const KEYS: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } = {
  accessKeyId: MOTO_ENV.AWS_ACCESS_KEY_ID,
  secretAccessKey: MOTO_ENV.AWS_SECRET_ACCESS_KEY,
};

let moto: Moto;
let proxy: AwsProxy;
/** The switches' clock: moved by hand, so nothing here sleeps. */
let clock = 0;
const now = () => clock;

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
  clock = 1_000_000;
});

const cfn = (credentials = KEYS) =>
  new CloudFormationClient({
    region: MOTO_ENV.AWS_REGION,
    endpoint: proxy.endpoint,
    credentials,
    maxAttempts: 1,
  });
const statusOf = async (client: CloudFormationClient, name: string) =>
  (await client.send(new DescribeStacksCommand({ StackName: name }))).Stacks?.[0]?.StackStatus;

describe('stack operations in progress', () => {
  it('shows a create, then a delete, *_IN_PROGRESS for their scaled durations, then moto as it is', async () => {
    const operations = stackOperationsInProgress({ msPerSecond: 100, now });
    proxy.configure({ realism: [operations] });
    const client = cfn();
    const { StackId } = await client.send(
      new CreateStackCommand({ StackName: 'pr-7-app', TemplateBody: TEMPLATE }),
    );

    expect(await statusOf(client, 'pr-7-app')).toBe('CREATE_IN_PROGRESS');
    const listed = (await client.send(new DescribeStacksCommand({}))).Stacks ?? [];
    expect(listed.map((stack) => [stack.StackName, stack.StackStatus, stack.Outputs])).toEqual([
      ['pr-7-app', 'CREATE_IN_PROGRESS', undefined],
    ]);
    const events =
      (await client.send(new DescribeStackEventsCommand({ StackName: StackId }))).StackEvents ?? [];
    expect(events.map((event) => [event.ResourceStatus, event.ResourceStatusReason])).toEqual([
      ['CREATE_IN_PROGRESS', 'User Initiated'],
    ]);
    clock += 60 * 100;
    expect(await statusOf(client, 'pr-7-app')).toBe('CREATE_COMPLETE');

    await client.send(new DeleteStackCommand({ StackName: 'pr-7-app' }));
    expect(await statusOf(client, StackId ?? '')).toBe('DELETE_IN_PROGRESS');
    expect(
      (await client.send(new DescribeStacksCommand({}))).Stacks?.map((stack) => stack.StackStatus),
    ).toEqual(['DELETE_IN_PROGRESS']);
    clock += 40 * 100;
    await expect(statusOf(client, 'pr-7-app')).rejects.toThrow(/does not exist/);
    expect(operations.windows.map((window) => [window.status, window.reads])).toEqual([
      ['CREATE_IN_PROGRESS', 3],
      ['DELETE_IN_PROGRESS', 2],
    ]);
    client.destroy();
  });
});

describe('read quota', () => {
  it('answers reads beyond the bucket with Throttling: Rate exceeded, which the SDK reads as throttling', async () => {
    const quota = readQuota({ perSecond: 1, burst: 2, now });
    proxy.configure({ realism: [quota] });
    const client = cfn();
    await client.send(new DescribeStacksCommand({}));
    await client.send(new DescribeStacksCommand({}));
    const error = await client.send(new DescribeStacksCommand({})).catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      name: 'Throttling',
      message: 'Rate exceeded',
      $metadata: { httpStatusCode: 400 },
    });
    // The SDK takes it for throttling: it retries it (a validation error it would not).
    const retrying = new CloudFormationClient({
      region: MOTO_ENV.AWS_REGION,
      endpoint: proxy.endpoint,
      credentials: KEYS,
      maxAttempts: 2,
      retryMode: 'standard',
    });
    await expect(retrying.send(new DescribeStacksCommand({}))).rejects.toMatchObject({
      name: 'Throttling',
      $metadata: { attempts: 2 },
    });
    retrying.destroy();
    clock += 1_000;
    await client.send(new DescribeStacksCommand({}));
    // Writes are not reads: no quota here.
    await client.send(new CreateStackCommand({ StackName: 'pr-7-app', TemplateBody: TEMPLATE }));
    expect(quota.counts).toEqual({ allowed: 3, throttled: 3 });
    client.destroy();
  });
});

describe('STS expiry', () => {
  it('shortens Expiration and answers ExpiredToken once a session is past it', async () => {
    const expiry = stsExpiry({ lifetimeMs: 10_000, now });
    proxy.configure({ realism: [expiry] });
    const sts = new STSClient({
      region: MOTO_ENV.AWS_REGION,
      endpoint: proxy.endpoint,
      credentials: KEYS,
      maxAttempts: 1,
    });
    const { Credentials } = await sts.send(
      new AssumeRoleCommand({
        RoleArn: 'arn:aws:iam::111122223333:role/prenv-sandbox',
        RoleSessionName: 'prenv',
      }),
    );
    expect(Credentials?.Expiration?.getTime()).toBe(clock + 10_000);
    const session = {
      accessKeyId: Credentials?.AccessKeyId ?? '',
      secretAccessKey: Credentials?.SecretAccessKey ?? '',
      sessionToken: Credentials?.SessionToken ?? '',
    };
    const assumed = new STSClient({
      region: MOTO_ENV.AWS_REGION,
      endpoint: proxy.endpoint,
      credentials: session,
      maxAttempts: 1,
    });
    await assumed.send(new GetCallerIdentityCommand({}));
    clock += 10_000;
    await expect(assumed.send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({
      name: 'ExpiredToken',
    });
    await expect(cfn(session).send(new DescribeStacksCommand({}))).rejects.toMatchObject({
      name: 'ExpiredToken',
    });
    // The ambient keys were not issued here: they never expire.
    await sts.send(new GetCallerIdentityCommand({}));
    expect(expiry.expired).toEqual([
      { service: 'sts', action: 'GetCallerIdentity' },
      { service: 'cloudformation', action: 'DescribeStacks' },
    ]);
    sts.destroy();
    assumed.destroy();
  });
});
