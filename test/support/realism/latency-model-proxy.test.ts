import { CloudFormationClient, CreateStackCommand, DeleteStackCommand } from '@aws-sdk/client-cloudformation';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsProxy, startAwsProxy } from '../aws-proxy.js';
import { MOTO_ENV, type Moto, startMoto } from '../moto.js';
import { latencyModel, STACK_OVERHEAD_SECONDS } from './latency-model.js';
import { stackOperationsInProgress } from './stack-operations.js';

const TEMPLATE = JSON.stringify({ Resources: { Queue: { Type: 'AWS::SQS::Queue' } } });
const credentials = {
  accessKeyId: MOTO_ENV.AWS_ACCESS_KEY_ID,
  secretAccessKey: MOTO_ENV.AWS_SECRET_ACCESS_KEY,
};

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

describe('the latency model in front of moto', () => {
  it('times a delete by stack id from the stack’s resources, as a delete by name', async () => {
    const msPerSecond = 10;
    const model = latencyModel({ msPerSecond });
    const operations = stackOperationsInProgress({
      msPerSecond,
      secondsOf: (operation, stack, request) => model.secondsOf(operation, stack, request),
    });
    proxy.configure({ realism: [model, operations] });
    const cfn = new CloudFormationClient({
      region: MOTO_ENV.AWS_REGION,
      endpoint: proxy.endpoint,
      credentials,
    });
    const { StackId } = await cfn.send(
      new CreateStackCommand({ StackName: 'pr-3-queue', TemplateBody: TEMPLATE }),
    );
    await cfn.send(new DeleteStackCommand({ StackName: StackId }));
    cfn.destroy();

    // A queue's delete is 60 s (its name stays reserved): the delete is that plus the stack's overhead.
    expect(model.log.map(({ operation, seconds }) => [operation, seconds])).toEqual([
      ['create', STACK_OVERHEAD_SECONDS.create + 3],
      ['delete', STACK_OVERHEAD_SECONDS.delete + 60],
    ]);
    proxy.configure({});
  });
});
