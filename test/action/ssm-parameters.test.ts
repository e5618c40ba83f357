import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsProxy, startAwsProxy } from '../support/aws-proxy.js';
import { type GitHubServer, startGitHubServer } from '../support/github-server.js';
import { MOTO_ENV, type Moto, startMoto } from '../support/moto.js';
import { runAction } from '../support/run-action.js';

let moto: Moto;
let proxy: AwsProxy;
let github: GitHubServer;

const inputs = {
  'app-dir': 'test/fixtures/apps/ssm-parameter',
  'deployment-method': 'direct',
  bootstrap: 'true',
};

const setChannel = (value: string) =>
  new SSMClient({
    region: MOTO_ENV.AWS_REGION,
    endpoint: moto.endpoint,
    credentials: { accessKeyId: MOTO_ENV.AWS_ACCESS_KEY_ID, secretAccessKey: MOTO_ENV.AWS_SECRET_ACCESS_KEY },
  }).send(
    new PutParameterCommand({
      Name: '/fixture/release-channel',
      Value: value,
      Type: 'String',
      Overwrite: true,
    }),
  );

beforeAll(async () => {
  [moto, github] = await Promise.all([startMoto(), startGitHubServer()]);
  proxy = await startAwsProxy(moto.endpoint);
  github.addPull({ number: 42, state: 'open' });
  await setChannel('stable');
});
afterAll(async () => {
  await Promise.all([proxy?.close(), github?.close()]);
  await moto?.stop();
});

const env = () => ({ AWS_ENDPOINT_URL: proxy.endpoint });

describe('a stack whose template resolves SSM parameters', () => {
  it('opened: deploys both stacks with the value the parameter has now', async () => {
    const opened = await runAction({ moto, github, inputs, env: env(), idToken: true });
    expect(opened.exitCode, opened.log).toBe(0);
    expect(JSON.parse(opened.outputs.outputs ?? '{}')).toMatchObject({ ReleaseChannel: 'stable' });
  });

  it('a push with no change deploys that stack again, as cdk deploy does, and picks up the new value; the other stack is left alone', async () => {
    await setChannel('beta');
    const pushed = await runAction({ moto, github, inputs, env: env(), event: 'pull-request-synchronize' });

    expect(pushed.exitCode, pushed.log).toBe(0);
    expect(pushed.log).toContain('pr-42-resolved: deploying, its template resolves SSM parameters');
    expect(pushed.log).not.toContain('pr-42-plain: deploying');
    expect(JSON.parse(pushed.outputs.outputs ?? '{}')).toMatchObject({ ReleaseChannel: 'beta' });
  });
});
