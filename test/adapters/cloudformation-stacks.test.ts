import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStacksCommand,
  type StackEvent,
} from '@aws-sdk/client-cloudformation';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  CloudFormationStacks,
  firstFailureIn,
  isMissingStack,
} from '../../src/adapters/cloudformation-stacks.js';
import { systemClock } from '../../src/adapters/system-clock.js';
import { MOTO_ACCOUNT, MOTO_ENV, type Moto, startMoto } from '../support/moto.js';

const session = {
  region: MOTO_ENV.AWS_REGION,
  credentials: { accessKeyId: MOTO_ENV.AWS_ACCESS_KEY_ID, secretAccessKey: MOTO_ENV.AWS_SECRET_ACCESS_KEY },
};

const TEMPLATE = JSON.stringify({
  Resources: { Queue: { Type: 'AWS::SQS::Queue' } },
  Outputs: {
    ApiUrl: { Value: 'https://pr-42.example.test/' },
    QueueName: { Value: { 'Fn::GetAtt': ['Queue', 'QueueName'] } },
  },
});

/** Sets these variables for the test file, and puts the old values back afterwards. */
function withEnv(values: Record<string, string>): () => void {
  const saved = Object.fromEntries(Object.keys(values).map((key) => [key, process.env[key]]));
  Object.assign(process.env, values);
  return () => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
}

describe('CloudFormationStacks on moto', () => {
  let moto: Moto;
  let restoreEnv: () => void;
  let cfn: CloudFormationClient;
  let stacks: CloudFormationStacks;

  beforeAll(async () => {
    moto = await startMoto();
    restoreEnv = withEnv({ ...MOTO_ENV, AWS_ENDPOINT_URL: moto.endpoint, AWS_MAX_ATTEMPTS: '1' });
    cfn = new CloudFormationClient({ region: session.region, maxAttempts: 1 });
  });

  afterAll(async () => {
    cfn?.destroy();
    restoreEnv?.();
    await moto?.stop();
  });

  beforeEach(async () => {
    await moto.reset();
    stacks = new CloudFormationStacks(session, systemClock, 10);
  });

  const create = async (name: string, tags: Record<string, string> = {}) => {
    const { StackId } = await cfn.send(
      new CreateStackCommand({
        StackName: name,
        TemplateBody: TEMPLATE,
        Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
      }),
    );
    return StackId as string;
  };

  it('gets a stack with its tags and outputs mapped', async () => {
    const id = await create('pr-42-api', { 'prenv:managed-by': 'prenv', 'prenv:pull-request': '42' });

    const stack = await stacks.get('pr-42-api');

    expect(stack).toMatchObject({
      name: 'pr-42-api',
      id,
      status: 'CREATE_COMPLETE',
      tags: { 'prenv:managed-by': 'prenv', 'prenv:pull-request': '42' },
    });
    expect(id).toMatch(new RegExp(`^arn:aws:cloudformation:eu-west-2:${MOTO_ACCOUNT}:stack/pr-42-api/`));
    expect(stack?.outputs).toEqual([
      { stack: 'pr-42-api', key: 'ApiUrl', value: 'https://pr-42.example.test/' },
      { stack: 'pr-42-api', key: 'QueueName', value: expect.stringMatching(/^pr-42-api-Queue-/) },
    ]);
    expect(stack?.createdAt).toBeInstanceOf(Date);
  });

  it('reads the live template (GetTemplate) as it was deployed, and undefined for a stack that is gone', async () => {
    await create('pr-42-api');

    expect(JSON.parse((await stacks.template('pr-42-api')) ?? '')).toEqual(JSON.parse(TEMPLATE));
    expect(await stacks.template('pr-404-api')).toBeUndefined();
  });

  it('answers undefined for a stack that does not exist', async () => {
    expect(await stacks.get('pr-404-api')).toBeUndefined();
  });

  it('lists every stack across pages (moto pages DescribeStacks by 50)', async () => {
    const names = Array.from({ length: 120 }, (_, i) => `pr-${i}-api`);
    for (let i = 0; i < names.length; i += 20) {
      await Promise.all(names.slice(i, i + 20).map((name) => create(name)));
    }
    const firstPage = await cfn.send(new DescribeStacksCommand({}));
    expect(firstPage.Stacks).toHaveLength(50);
    expect(firstPage.NextToken).toBeDefined();

    const listed = await stacks.list();

    expect(listed.map((stack) => stack.name).sort()).toEqual([...names].sort());
  });

  it('deletes a stack; settle then answers undefined, and get and list no longer see it', async () => {
    const id = await create('pr-7-api');
    await create('pr-8-api');

    await stacks.delete(id);

    expect(await stacks.settle(id, 5_000)).toBeUndefined();
    expect(await stacks.get('pr-7-api')).toBeUndefined();
    expect((await stacks.list()).map((stack) => stack.name)).toEqual(['pr-8-api']);
  });

  it('deletes with FORCE_DELETE_STACK when asked', async () => {
    const id = await create('pr-9-api');

    await stacks.delete(id, { force: true });

    expect(await stacks.settle(id, 5_000)).toBeUndefined();
  });

  it('treats deleting an already deleted stack id as success', async () => {
    const id = await create('pr-10-api');
    await stacks.delete(id);

    await expect(stacks.delete(id)).resolves.toBeUndefined();
    expect(await stacks.settle(id, 5_000)).toBeUndefined();
  });

  it('settles at once on a stack that is not in progress, and answers undefined for an unknown one', async () => {
    const id = await create('pr-11-api');

    expect(await stacks.settle(id, 5_000)).toMatchObject({ name: 'pr-11-api', status: 'CREATE_COMPLETE' });
    expect(await stacks.settle('pr-404-api', 5_000)).toBeUndefined();
  });

  it('finds no failure where moto records none, and none for a deleted or unknown stack', async () => {
    const id = await create('pr-12-api');
    expect(await stacks.firstFailure(id)).toBeUndefined();

    await stacks.delete(id);
    expect(await stacks.firstFailure(id)).toBeUndefined();
    expect(await stacks.firstFailure('pr-404-api')).toBeUndefined();
  });

  it('recognises the error moto answers for a missing stack', async () => {
    const error = await cfn
      .send(new DescribeStacksCommand({ StackName: 'pr-404-api' }))
      .catch((e: unknown) => e);

    expect(error).toMatchObject({
      name: 'ValidationError',
      message: 'Stack with id pr-404-api does not exist',
    });
    expect(isMissingStack(error)).toBe(true);
  });
});

describe('CloudFormationStacks against an endpoint whose error bodies do not parse', () => {
  let server: Server;
  let answer: { status: number; body: string };
  let restoreEnv: () => void;

  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(answer.status, { 'content-type': 'text/xml' });
        res.end(answer.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    restoreEnv = withEnv({
      ...MOTO_ENV,
      AWS_ENDPOINT_URL: `http://127.0.0.1:${port}`,
      AWS_MAX_ATTEMPTS: '1',
    });
  });

  afterAll(async () => {
    restoreEnv?.();
    await new Promise((resolve) => server?.close(resolve));
  });

  afterEach(() => {
    answer = { status: 500, body: '' };
  });

  it('reads "does not exist" from the raw body when the XML is broken', async () => {
    answer = {
      status: 400,
      body:
        '<ErrorResponse><Error><Type>Sender</Type><Code>ValidationError</Code>' +
        '<Message>Stack with id pr-1-api does not exist</Message></Error><html></ErrorResponse>',
    };
    const stacks = new CloudFormationStacks(session, systemClock, 10);

    const error = await new CloudFormationClient({ region: session.region, maxAttempts: 1 })
      .send(new DescribeStacksCommand({ StackName: 'pr-1-api' }))
      .catch((e: unknown) => e);

    expect(String(error)).toMatch(/XML parse error/);
    expect(isMissingStack(error)).toBe(true);
    expect(await stacks.get('pr-1-api')).toBeUndefined();
    expect(await stacks.settle('pr-1-api', 1_000)).toBeUndefined();
  });

  it('does not take other errors for a missing stack', async () => {
    answer = {
      status: 403,
      body:
        '<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>' +
        '<Message>User: arn:aws:sts::123456789012:assumed-role/x/y is not authorized to perform: cloudformation:DescribeStacks</Message>' +
        '</Error><RequestId>1</RequestId></ErrorResponse>',
    };
    const stacks = new CloudFormationStacks(session, systemClock, 10);

    await expect(stacks.get('pr-1-api')).rejects.toThrow(
      /not authorized to perform: cloudformation:DescribeStacks/,
    );

    answer = { status: 500, body: '<html><title>500 Internal Server Error</html>' };
    await expect(stacks.get('pr-1-api')).rejects.toThrow(/XML parse error/);
  });
});

describe('firstFailureIn', () => {
  const stackEvent = (status: string, reason?: string): StackEvent => ({
    StackName: 'pr-1-api',
    StackId: 'arn:aws:cloudformation:eu-west-2:123456789012:stack/pr-1-api/1',
    EventId: `${status}-${reason ?? ''}`,
    Timestamp: new Date(0),
    LogicalResourceId: 'pr-1-api',
    ResourceType: 'AWS::CloudFormation::Stack',
    ResourceStatus: status as StackEvent['ResourceStatus'],
    ...(reason === undefined ? {} : { ResourceStatusReason: reason }),
  });
  const resourceEvent = (id: string, type: string, status: string, reason?: string): StackEvent => ({
    ...stackEvent(status, reason),
    LogicalResourceId: id,
    ResourceType: type,
    EventId: `${id}-${status}`,
  });

  it('picks the earliest failed resource of a failed create, not the cancelled ones after it', () => {
    // Newest first, as DescribeStackEvents lists them.
    const events = [
      stackEvent('ROLLBACK_COMPLETE'),
      resourceEvent('Table', 'AWS::DynamoDB::Table', 'DELETE_COMPLETE'),
      stackEvent('ROLLBACK_IN_PROGRESS', 'The following resource(s) failed to create: [Handler, Table].'),
      resourceEvent('Table', 'AWS::DynamoDB::Table', 'CREATE_FAILED', 'Resource creation cancelled'),
      resourceEvent(
        'Handler',
        'AWS::Lambda::Function',
        'CREATE_FAILED',
        'Resource handler returned message: "Runtime nodejs12.x is not supported"',
      ),
      resourceEvent('Table', 'AWS::DynamoDB::Table', 'CREATE_IN_PROGRESS'),
      resourceEvent('Handler', 'AWS::Lambda::Function', 'CREATE_IN_PROGRESS'),
      stackEvent('CREATE_IN_PROGRESS', 'User Initiated'),
    ];

    expect(firstFailureIn(events)).toEqual({
      stack: 'pr-1-api',
      resource: 'Handler',
      resourceType: 'AWS::Lambda::Function',
      reason: 'Resource handler returned message: "Runtime nodejs12.x is not supported"',
    });
  });

  it("looks only at the latest operation, not at an earlier operation's failures", () => {
    const events = [
      stackEvent('UPDATE_COMPLETE'),
      resourceEvent('Handler', 'AWS::Lambda::Function', 'UPDATE_COMPLETE'),
      stackEvent('UPDATE_IN_PROGRESS', 'User Initiated'),
      stackEvent('UPDATE_ROLLBACK_COMPLETE'),
      resourceEvent('Handler', 'AWS::Lambda::Function', 'UPDATE_FAILED', 'an older failure'),
      stackEvent('UPDATE_IN_PROGRESS', 'User Initiated'),
    ];

    expect(firstFailureIn(events)).toBeUndefined();
  });

  it("falls back to the stack's own reason when no resource failed", () => {
    const reason = 'Export pr-1-base:QueueArn cannot be deleted as it is in use by pr-1-api';
    const events = [
      stackEvent('UPDATE_ROLLBACK_COMPLETE'),
      stackEvent('UPDATE_ROLLBACK_IN_PROGRESS', reason),
      resourceEvent('Queue', 'AWS::SQS::Queue', 'UPDATE_COMPLETE'),
      stackEvent('UPDATE_IN_PROGRESS', 'User Initiated'),
    ];

    expect(firstFailureIn(events)).toEqual({ stack: 'pr-1-api', reason });
  });

  it('reports the first resource that failed to delete', () => {
    const events = [
      stackEvent('DELETE_FAILED', 'The following resource(s) failed to delete: [Bucket].'),
      resourceEvent(
        'Bucket',
        'AWS::S3::Bucket',
        'DELETE_FAILED',
        'The bucket you tried to delete is not empty',
      ),
      stackEvent('DELETE_IN_PROGRESS', 'User Initiated'),
      resourceEvent('Old', 'AWS::S3::Bucket', 'CREATE_FAILED', 'from the create, long ago'),
      stackEvent('CREATE_IN_PROGRESS', 'User Initiated'),
    ];

    expect(firstFailureIn(events)).toMatchObject({
      resource: 'Bucket',
      reason: 'The bucket you tried to delete is not empty',
    });
  });

  it('answers undefined when nothing failed', () => {
    expect(firstFailureIn([])).toBeUndefined();
    expect(
      firstFailureIn([stackEvent('CREATE_COMPLETE'), stackEvent('CREATE_IN_PROGRESS', 'User Initiated')]),
    ).toBe(undefined);
  });
});
