import { randomUUID } from 'node:crypto';
import { cp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GitHubServer, startGitHubServer } from '../support/github-server.js';
import { MOTO_ENV, type Moto, startMoto } from '../support/moto.js';
import { ROOT, runAction } from '../support/run-action.js';

// An app with a context lookup: prenv's own run of the app reports missing context, and the synth
// is handed to toolkit-lib, which looks the value up (SSM on moto), saves it to cdk.context.json and
// runs the app again. The app is copied beside the fixtures (so that aws-cdk-lib resolves) because
// the lookup writes cdk.context.json into its folder.
let moto: Moto;
let github: GitHubServer;
const appDir = `test/fixtures/apps/.lookup-${randomUUID()}`;

beforeAll(async () => {
  [moto, github] = await Promise.all([startMoto(), startGitHubServer()]);
  github.addPull({ number: 42, state: 'open' });
  await cp(join(ROOT, 'test/fixtures/apps/lookup'), join(ROOT, appDir), { recursive: true });
  await new SSMClient({
    region: MOTO_ENV.AWS_REGION,
    endpoint: moto.endpoint,
    credentials: { accessKeyId: MOTO_ENV.AWS_ACCESS_KEY_ID, secretAccessKey: MOTO_ENV.AWS_SECRET_ACCESS_KEY },
  }).send(
    new PutParameterCommand({ Name: '/fixture/lookup-channel', Value: 'looked-up-stable', Type: 'String' }),
  );
});
afterAll(async () => {
  await github?.close();
  await moto?.stop();
  await rm(join(ROOT, appDir), { recursive: true, force: true });
});

describe('an app with a context lookup', () => {
  it('is synthesized again through toolkit-lib, which looks the value up: the stack deploys with it', async () => {
    const run = await runAction({
      moto,
      github,
      inputs: { 'app-dir': appDir, 'deployment-method': 'direct', bootstrap: 'true' },
    });
    expect(run.exitCode, run.log).toBe(0);
    expect(run.log).toContain('needs context lookups (ssm:account=');
    expect(JSON.parse(run.outputs.stacks ?? '[]')).toEqual(['pr-42-looked-up']);
    expect(JSON.parse(run.outputs.outputs ?? '{}')).toMatchObject({ LookedUpChannel: 'looked-up-stable' });
    const saved = JSON.parse(await readFile(join(ROOT, appDir, 'cdk.context.json'), 'utf8'));
    expect(Object.values(saved)).toContain('looked-up-stable');
  });
});
