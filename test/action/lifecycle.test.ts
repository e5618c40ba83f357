import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsProxy, startAwsProxy } from '../support/aws-proxy.js';
import { type GitHubServer, startGitHubServer } from '../support/github-server.js';
import { type Moto, startMoto } from '../support/moto.js';
import { liveStackNames, plantStacks, stackTags } from '../support/moto-stacks.js';
import { addOutputOutOfBand, storedState } from '../support/moto-state.js';
import { runAction } from '../support/run-action.js';

let moto: Moto;
let proxy: AwsProxy;
let github: GitHubServer;

const inputs = {
  'app-dir': 'test/fixtures/apps/two-stacks',
  'deployment-method': 'direct',
  bootstrap: 'true',
};
const SYNC_SHA = 'b'.repeat(40);
const REPO = 'octo-org/invoices';

const stackNames = () => liveStackNames(moto);
const plantDecoy = (name: string, tags: Record<string, string>) => plantStacks(moto, [{ name, tags }]);

beforeAll(async () => {
  [moto, github] = await Promise.all([startMoto(), startGitHubServer()]);
  proxy = await startAwsProxy(moto.endpoint);
  github.addPull({ number: 42, state: 'open' });
});
afterAll(async () => {
  await Promise.all([proxy?.close(), github?.close()]);
  await moto?.stop();
});

const env = () => ({ AWS_ENDPOINT_URL: proxy.endpoint });

describe('one pull request, opened → synchronize → closed, on moto', () => {
  it('opened: bootstraps, deploys both stacks with a cross-stack reference and an asset, and reports', async () => {
    // Decoys with this PR's stack names' neighbours: another repository's PR 42, and a shared stack.
    await plantDecoy('pr-42-shared', {
      'prenv:managed-by': 'prenv',
      'prenv:repository': 'someone/else',
      'prenv:pull-request': '42',
    });
    await plantDecoy('shared-network', {});
    const run = await runAction({ moto, github, inputs, env: env(), idToken: true });
    expect(run.exitCode, run.log).toBe(0);
    expect(JSON.parse(run.outputs.stacks ?? '[]')).toEqual(['pr-42-base', 'pr-42-api']);
    expect(run.outputs.url).toBe('https://example.invalid/pr-42/');
    const outputs = JSON.parse(run.outputs.outputs ?? '{}') as Record<string, string>;
    expect(outputs.QueueAddress).toContain('pr-42-base');
    expect(Object.keys(outputs).some((key) => key.startsWith('ExportsOutput'))).toBe(false);
    expect(run.outputs['test-result']).toBe('skipped');
    expect(github.comments(42)).toHaveLength(1);
    expect(github.comments(42)[0]?.body).toContain('<!-- prenv:pr-42 -->');
    expect(run.outputs['comment-url']).toContain('#issuecomment-');
    const [deployment] = github.deployments();
    expect(deployment).toMatchObject({
      environment: 'pr-42',
      transient_environment: true,
      production_environment: false,
    });
    expect(github.deploymentStatuses(deployment?.id ?? 0).map((status) => status.state)).toEqual([
      'in_progress',
      'success',
    ]);
    expect(run.summary).toContain('pr-42');
    expect(run.envFile).toBe('');
    const state = await storedState(moto, REPO, 'pr-42');
    expect(Object.keys(state?.stacks ?? {}).sort()).toEqual(['pr-42-api', 'pr-42-base']);
    expect(await stackTags(moto, 'pr-42-api')).not.toHaveProperty('prenv:sha');
  });

  it('synchronize with no infrastructure change: no CloudFormation write at all', async () => {
    proxy.calls.length = 0;
    const run = await runAction({
      moto,
      github,
      inputs,
      env: env(),
      event: 'pull-request-synchronize',
    });
    expect(run.exitCode, run.log).toBe(0);
    expect(proxy.writes('cloudformation')).toEqual([]);
    expect(proxy.writes('ssm')).toEqual([]);
    // Per stack: DescribeStacks and one GetTemplate (did anyone change it out of band?).
    const getTemplates = proxy.calls.filter((call) => call.action === 'GetTemplate');
    expect(getTemplates).toHaveLength(2);
    expect(JSON.parse(run.outputs.outputs ?? '{}')).toHaveProperty('QueueAddress');
    expect(github.comments(42)).toHaveLength(1);
  });

  it('synchronize after someone changed a stack out of band: that stack is deployed again, its outputs are prenv’s', async () => {
    await addOutputOutOfBand(moto, 'pr-42-base', 'Injected', 'from-outside');
    proxy.calls.length = 0;
    const run = await runAction({
      moto,
      github,
      inputs,
      env: env(),
      event: 'pull-request-synchronize',
    });
    expect(run.exitCode, run.log).toBe(0);
    expect(proxy.writes('cloudformation').length).toBeGreaterThan(0);
    expect(JSON.parse(run.outputs.outputs ?? '{}')).not.toHaveProperty('Injected');
    expect(run.log).toContain('pr-42-base was changed outside prenv');
  });

  it('synchronize with a change: only the changed stack is deployed, the comment is edited in place', async () => {
    const apiTags = await stackTags(moto, 'pr-42-api');
    proxy.calls.length = 0;
    const run = await runAction({
      moto,
      github,
      // The marker is a Lambda environment variable, which a hotswap would apply without CloudFormation
      // (test/action/hotswap.test.ts); this push is about a CloudFormation update.
      inputs: { ...inputs, context: 'fixture:marker=v2', hotswap: 'false' },
      env: env(),
      event: 'pull-request-synchronize',
      eventOverrides: { pull_request: { head: { sha: SYNC_SHA } } },
    });
    expect(run.exitCode, run.log).toBe(0);
    expect(proxy.writes('cloudformation').length).toBeGreaterThan(0);
    // The infrastructure diff reads the live template; it never creates a change set (a write).
    const actions = proxy.calls
      .filter((call) => call.service === 'cloudformation')
      .map((call) => call.action);
    expect(actions).toContain('GetTemplate');
    expect(actions.filter((action) => action.includes('ChangeSet'))).toEqual([]);
    expect(github.comments(42)[0]?.body).toContain('#### Infrastructure changes in this push');
    const state = await storedState(moto, REPO, 'pr-42');
    expect(state?.stacks['pr-42-api']?.sha).toBe(SYNC_SHA);
    expect(state?.stacks['pr-42-base']?.sha).not.toBe(SYNC_SHA);
    // The stack tags did not change with the push: nothing rewrites every resource's tags.
    expect(await stackTags(moto, 'pr-42-api')).toEqual(apiTags);
    expect(github.comments(42)).toHaveLength(1);
  });

  it('closed: deletes exactly this PR’s stacks, dependents first, from an empty workspace; decoys survive', async () => {
    // The example workflows skip checkout and npm ci on closed: destroy must need no workspace.
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
    expect(JSON.parse(run.outputs.stacks ?? '[]')).toEqual(['pr-42-api', 'pr-42-base']);
    expect(await stackNames()).toEqual(['CDKToolkit', 'pr-42-shared', 'shared-network']);
    expect(await storedState(moto, REPO, 'pr-42')).toBeUndefined();
    // Every push's deployment: GitHub's auto_inactive skips transient environments.
    const last = github.deployments().map((d) => github.deploymentStatuses(d.id).at(-1)?.state);
    expect(last.length).toBeGreaterThan(1);
    expect(last).toEqual(last.map(() => 'inactive'));
    expect(github.comments(42)).toHaveLength(1);
  });

  it('closed again: nothing left to delete is success', async () => {
    const run = await runAction({ moto, github, inputs, env: env(), event: 'pull-request-closed-merged' });
    expect(run.exitCode, run.log).toBe(0);
    expect(JSON.parse(run.outputs.stacks ?? '[]')).toEqual([]);
  });
});
