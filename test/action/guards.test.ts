import { spawnSync } from 'node:child_process';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type AwsProxy, startAwsProxy } from '../support/aws-proxy.js';
import { type GitHubServer, startGitHubServer } from '../support/github-server.js';
import { type Moto, startMoto } from '../support/moto.js';
import { ownedTags, plantStacks, stackTags } from '../support/moto-stacks.js';
import { NODE24, ROOT, runAction } from '../support/run-action.js';

let moto: Moto;
let proxy: AwsProxy;
let github: GitHubServer;

const oneStack = {
  'app-dir': 'test/fixtures/apps/one-stack',
  'deployment-method': 'direct',
  bootstrap: 'true',
};

beforeAll(async () => {
  [moto, github] = await Promise.all([startMoto(), startGitHubServer()]);
  proxy = await startAwsProxy(moto.endpoint);
});
afterAll(async () => {
  await Promise.all([proxy?.close(), github?.close()]);
  await moto?.stop();
});
beforeEach(async () => {
  await moto.reset();
  github.reset();
  github.addPull({ number: 42, state: 'open' });
  proxy.calls.length = 0;
});

const env = () => ({ AWS_ENDPOINT_URL: proxy.endpoint });

describe('refusals before any AWS write', () => {
  it('a bad input fails the step naming the input, from a bare copy of action.yml + dist/ with no node_modules', async () => {
    const bare = await mkdtemp(join(tmpdir(), 'prenv-bare-'));
    try {
      await cp(join(ROOT, 'dist'), join(bare, 'dist'), { recursive: true });
      await cp(join(ROOT, 'action.yml'), join(bare, 'action.yml'));
      // Exactly as the issue states it: only INPUT_MODE, nothing of the runner's environment.
      const child = spawnSync(NODE24, [join(bare, 'dist/index.js')], {
        cwd: bare,
        env: { PATH: process.env.PATH ?? '', INPUT_MODE: 'deploi' },
        encoding: 'utf8',
      });
      expect(child.status).toBe(1);
      expect(child.stdout).toContain(
        '::error::mode must be one of auto, deploy, destroy, cleanup, report; got "deploi"',
      );
      const run = await runAction({
        actionDir: bare,
        workspace: bare,
        inputs: { mode: 'deploi' },
        moto,
        env: env(),
      });
      expect(run.exitCode).toBe(1);
      expect(run.log).toContain('::error::mode must be one of');
      expect(proxy.calls).toEqual([]);
    } finally {
      await rm(bare, { recursive: true, force: true });
    }
  });

  it('a fork PR is not deployed: a notice, no AWS call, and the job does not fail', async () => {
    const run = await runAction({
      moto,
      github,
      inputs: oneStack,
      env: env(),
      event: 'pull-request-opened-fork',
    });
    expect(run.exitCode, run.log).toBe(0);
    expect(run.log).toMatch(/::notice::.*fork/);
    expect(run.summary).toContain('nothing to do');
    expect(proxy.calls).toEqual([]);
    expect(run.outputs['test-result']).toBe('skipped');
  });

  it('a PR already closed when its deploy starts (a queued run) deploys nothing and says so', async () => {
    github.setPullState(42, 'closed', true);
    const run = await runAction({ moto, github, inputs: oneStack, env: env() });
    expect(run.exitCode, run.log).toBe(0);
    expect(run.log).toMatch(/::notice::PR #42 was closed before this deploy started/);
    expect(run.summary).toContain('nothing to do');
    expect(proxy.writes('cloudformation')).toEqual([]);
    expect(run.outputs['test-result']).toBe('skipped');
  });

  it('an account that is not allowed is refused before any write, naming both', async () => {
    const run = await runAction({
      moto,
      github,
      inputs: { ...oneStack, 'allowed-account-ids': '111122223333' },
      env: env(),
    });
    expect(run.exitCode).toBe(1);
    expect(run.log).toContain('123456789012');
    expect(run.log).toContain('111122223333');
    expect(proxy.calls.every((call) => call.service === 'sts')).toBe(true);
  });

  it('with OIDC, the role is assumed with the web identity token and the account comes from the role', async () => {
    const run = await runAction({
      moto,
      github,
      idToken: true,
      inputs: {
        ...oneStack,
        'role-to-assume': 'arn:aws:iam::111122223333:role/prenv-sandbox',
        'allowed-account-ids': '111122223333',
      },
      env: env(),
    });
    expect(run.exitCode, run.log).toBe(0);
    expect(proxy.calls.some((call) => call.action === 'AssumeRoleWithWebIdentity')).toBe(true);
    expect(github.oidcTokens()[0]?.audience).toBe('sts.amazonaws.com');
    expect(run.log).toContain('arn:aws:sts::111122223333:assumed-role/prenv-sandbox/prenv-invoices-pr-42');
  });

  it('the CDK app (PR code) gets neither the OIDC token source nor the action inputs', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'prenv-app-env-'));
    try {
      const dump = join(dir, 'env.json');
      const run = await runAction({
        moto,
        github,
        idToken: true,
        inputs: { ...oneStack, 'role-to-assume': 'arn:aws:iam::123456789012:role/prenv-sandbox' },
        env: { ...env(), PRENV_FIXTURE_ENV_DUMP: dump },
      });
      expect(run.exitCode, run.log).toBe(0);
      const seen = JSON.parse(await readFile(dump, 'utf8')) as Record<string, string>;
      expect(seen['prenv:name'] ?? seen.CDK_CONTEXT_JSON ?? '').toContain('pr-42');
      for (const key of [
        'ACTIONS_ID_TOKEN_REQUEST_URL',
        'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
        'INPUT_GITHUB-TOKEN',
      ]) {
        expect(seen[key] ?? '', key).toBe('');
      }
      expect(JSON.stringify(seen)).not.toContain(github.oidcRequestToken);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a stack of the same name owned by another repository is never updated', async () => {
    await plantStacks(moto, [
      { name: 'pr-42-data', tags: ownedTags('octo-org/payments', 42, '2999-01-01T00:00:00Z') },
    ]);
    proxy.calls.length = 0;
    const run = await runAction({ moto, github, inputs: oneStack, env: env() });
    expect(run.exitCode).toBe(1);
    expect(run.log).toContain(
      'Stack pr-42-data already exists and belongs to the repository octo-org/payments',
    );
    expect(proxy.writes('cloudformation')).toEqual([]);
    expect((await stackTags(moto, 'pr-42-data'))['prenv:repository']).toBe('octo-org/payments');
  });

  it('stacks outside the environment prefix are refused before anything is deployed', async () => {
    const run = await runAction({
      moto,
      github,
      inputs: { ...oneStack, context: 'fixture:rogue-stack=shared-database' },
      env: env(),
    });
    expect(run.exitCode).toBe(1);
    expect(run.log).toContain('shared-database');
    expect(proxy.writes('cloudformation')).toEqual([]);
  });

  it('an app that fails to synthesize puts the tail of its stderr into the error', async () => {
    const run = await runAction({
      moto,
      github,
      inputs: { ...oneStack, context: 'fixture:fail=yes' },
      env: env(),
    });
    expect(run.exitCode).toBe(1);
    expect(run.log).toMatch(/::error::.*synth failed on purpose/s);
    expect(proxy.writes('cloudformation')).toEqual([]);
  });

  it('a missing cdk.json names app-dir and the fix', async () => {
    const run = await runAction({
      moto,
      github,
      inputs: { ...oneStack, 'app-dir': 'test/fixtures' },
      env: env(),
    });
    expect(run.exitCode).toBe(1);
    expect(run.log).toMatch(/::error::.*No cdk\.json in .*test\/fixtures.*app-dir/);
  });
});
