import {
  CloudFormationClient,
  CreateChangeSetCommand,
  CreateStackCommand,
  DeleteChangeSetCommand,
  DescribeChangeSetCommand,
  DescribeStacksCommand,
  UpdateStackCommand,
} from '@aws-sdk/client-cloudformation';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type AwsProxy, startAwsProxy } from '../aws-proxy.js';
import { MOTO_ENV, type Moto, startMoto } from '../moto.js';
import { missingChangeSets } from './missing-change-set.js';
import { previousParameterValues } from './previous-parameter-values.js';

// What a CDK app's stack declares: the bootstrap version read from SSM, and a plain parameter.
const template = (queue: string) =>
  JSON.stringify({
    Parameters: {
      BootstrapVersion: {
        Type: 'AWS::SSM::Parameter::Value<String>',
        Default: '/cdk-bootstrap/hnb659fds/version',
      },
      Stage: { Type: 'String', Default: 'dev' },
    },
    Resources: { Queue: { Type: 'AWS::SQS::Queue', Properties: { QueueName: queue } } },
  });
const previous = [
  { ParameterKey: 'BootstrapVersion', UsePreviousValue: true },
  { ParameterKey: 'Stage', UsePreviousValue: true },
];
const credentials = {
  accessKeyId: MOTO_ENV.AWS_ACCESS_KEY_ID,
  secretAccessKey: MOTO_ENV.AWS_SECRET_ACCESS_KEY,
};

let moto: Moto;
let proxy: AwsProxy;
let cfn: CloudFormationClient;

beforeAll(async () => {
  moto = await startMoto();
  proxy = await startAwsProxy(moto.endpoint);
  cfn = new CloudFormationClient({
    region: MOTO_ENV.AWS_REGION,
    endpoint: proxy.endpoint,
    credentials,
    maxAttempts: 1,
  });
});
afterAll(async () => {
  cfn?.destroy();
  await proxy?.close();
  await moto?.stop();
});
beforeEach(async () => {
  await moto.reset();
  proxy.configure({});
  const ssm = new SSMClient({ region: MOTO_ENV.AWS_REGION, endpoint: moto.endpoint, credentials });
  await ssm.send(
    new PutParameterCommand({ Name: '/cdk-bootstrap/hnb659fds/version', Value: '30', Type: 'String' }),
  );
  ssm.destroy();
  // Created as cdk deploy creates it: every parameter left at its default.
  await cfn.send(new CreateStackCommand({ StackName: 'cli-1-app', TemplateBody: template('one') }));
});

const parametersOf = async () =>
  Object.fromEntries(
    (
      (await cfn.send(new DescribeStacksCommand({ StackName: 'cli-1-app' }))).Stacks?.[0]?.Parameters ?? []
    ).map((parameter) => [parameter.ParameterKey, parameter.ParameterValue]),
  );

describe('UsePreviousValue on parameters that kept their defaults', () => {
  it('updates the stack with the values it has, where moto alone fails with an HTML 500', async () => {
    const update = new UpdateStackCommand({
      StackName: 'cli-1-app',
      TemplateBody: template('two'),
      Parameters: previous,
    });
    await expect(cfn.send(update)).rejects.toThrow(/XML parse error|Internal Server Error/);

    const realism = previousParameterValues();
    proxy.configure({ realism: [realism] });
    await cfn.send(update);
    expect(await parametersOf()).toEqual({ BootstrapVersion: '30', Stage: 'dev' });
    expect(realism.resolved).toEqual(['cli-1-app.BootstrapVersion', 'cli-1-app.Stage']);
  });

  it('creates a change set with them too', async () => {
    proxy.configure({ realism: [previousParameterValues(), missingChangeSets()] });
    await cfn.send(
      new CreateChangeSetCommand({
        StackName: 'cli-1-app',
        ChangeSetName: 'cdk-deploy-change-set',
        TemplateBody: template('two'),
        Parameters: previous,
      }),
    );
    const described = await cfn.send(
      new DescribeChangeSetCommand({ StackName: 'cli-1-app', ChangeSetName: 'cdk-deploy-change-set' }),
    );
    // As on AWS, a change set shows an SSM-typed parameter by the SSM parameter's name.
    expect(described.Parameters?.map((p) => [p.ParameterKey, p.ParameterValue])).toEqual([
      ['BootstrapVersion', '/cdk-bootstrap/hnb659fds/version'],
      ['Stage', 'dev'],
    ]);
  });
});

describe('a change set that does not exist', () => {
  const named = { StackName: 'cli-1-app', ChangeSetName: 'cdk-deploy-change-set' };

  it('is deleted with success while its stack exists, and described as ChangeSetNotFound', async () => {
    await expect(cfn.send(new DeleteChangeSetCommand(named))).rejects.toThrow(
      /XML parse error|Internal Server Error/,
    );

    const realism = missingChangeSets();
    proxy.configure({ realism: [realism] });
    await cfn.send(new DeleteChangeSetCommand(named));
    await expect(cfn.send(new DescribeChangeSetCommand(named))).rejects.toMatchObject({
      name: 'ChangeSetNotFoundException',
      $metadata: { httpStatusCode: 404 },
    });
    await expect(
      cfn.send(new DeleteChangeSetCommand({ ...named, StackName: 'cli-2-app' })),
    ).rejects.toMatchObject({ name: 'ValidationError', message: 'Stack [cli-2-app] does not exist' });
    expect(realism.answered).toEqual([
      'DeleteChangeSet cli-1-app/cdk-deploy-change-set',
      'DescribeChangeSet cli-1-app/cdk-deploy-change-set',
      'DeleteChangeSet cli-2-app/cdk-deploy-change-set',
    ]);
  });

  it('leaves a change set that exists to moto', async () => {
    proxy.configure({ realism: [missingChangeSets()] });
    await cfn.send(new CreateChangeSetCommand({ ...named, TemplateBody: template('two') }));
    await cfn.send(new DeleteChangeSetCommand(named));
    await expect(cfn.send(new DescribeChangeSetCommand(named))).rejects.toMatchObject({
      name: 'ChangeSetNotFoundException',
    });
  });
});
