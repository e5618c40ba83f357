/**
 * The action on moto behind the AWS proxy's realism switches: an app that turns termination
 * protection on, deployed over a leftover untagged REVIEW_IN_PROGRESS change-set stack, then
 * destroyed. moto alone would let all of it pass without prenv doing anything.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateChangeSetCommand,
  DescribeStacksCommand,
  UpdateTerminationProtectionCommand,
} from '@aws-sdk/client-cloudformation';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsProxy, startAwsProxy } from '../support/aws-proxy.js';
import { type GitHubServer, startGitHubServer } from '../support/github-server.js';
import { type Moto, startMoto } from '../support/moto.js';
import { cloudFormationOn, liveStackNames } from '../support/moto-stacks.js';
import { untaggedReviewStacks } from '../support/realism/review-in-progress.js';
import { terminationProtection } from '../support/realism/termination-protection.js';
import { runAction } from '../support/run-action.js';

let moto: Moto;
let proxy: AwsProxy;
let github: GitHubServer;
const protection = terminationProtection();

const inputs = {
  'app-dir': 'test/fixtures/apps/one-stack',
  'deployment-method': 'direct',
  bootstrap: 'true',
  context: 'fixture:protect=true',
};

beforeAll(async () => {
  [moto, github] = await Promise.all([startMoto(), startGitHubServer()]);
  proxy = await startAwsProxy(moto.endpoint, { realism: [protection, untaggedReviewStacks()] });
  github.addPull({ number: 42, state: 'open' });
});
afterAll(async () => {
  await Promise.all([proxy?.close(), github?.close()]);
  await moto?.stop();
});

const env = () => ({ AWS_ENDPOINT_URL: proxy.endpoint });

describe('real CloudFormation’s strictness, through the whole action', () => {
  it('replaces a leftover untagged REVIEW_IN_PROGRESS stack, and deploys a protected stack unprotected', async () => {
    // A change set created and never executed (e.g. a cancelled run); real AWS shows its stack untagged.
    await cloudFormationOn(moto).send(
      new CreateChangeSetCommand({
        StackName: 'pr-42-data',
        ChangeSetName: 'leftover',
        ChangeSetType: 'CREATE',
        TemplateBody: JSON.stringify({ Resources: { Topic: { Type: 'AWS::SNS::Topic' } } }),
      }),
    );

    const run = await runAction({ moto, github, inputs, env: env() });

    expect(run.exitCode, run.log).toBe(0);
    expect(run.log).toContain('never executed');
    const { Stacks = [] } = await cloudFormationOn({ ...moto, endpoint: proxy.endpoint }).send(
      new DescribeStacksCommand({ StackName: 'pr-42-data' }),
    );
    expect(Stacks[0]?.StackStatus).toBe('CREATE_COMPLETE');
    expect(Stacks[0]?.EnableTerminationProtection).toBe(false);
    expect(run.log).toContain('termination protection off');
  });

  it('destroys it from an empty workspace, whatever protection PR code set meanwhile', async () => {
    await cloudFormationOn({ ...moto, endpoint: proxy.endpoint }).send(
      new UpdateTerminationProtectionCommand({
        StackName: 'pr-42-data',
        EnableTerminationProtection: true,
      }),
    );
    const workspace = await mkdtemp(join(tmpdir(), 'prenv-empty-workspace-'));
    const run = await runAction({
      moto,
      github,
      inputs,
      env: env(),
      event: 'pull-request-closed-merged',
      workspace,
    }).finally(() => rm(workspace, { recursive: true, force: true }));

    expect(run.exitCode, run.log).toBe(0);
    expect(protection.refused).toEqual([]);
    expect(await liveStackNames(moto)).toEqual(['CDKToolkit']);
  });
});
