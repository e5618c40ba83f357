/**
 * Issue 16's done-when on the sample app itself: a push that grants one function `sqs:*` on `*`
 * (the app's demo switch, prenv:demo-broad-permission, set in the copy's cdk.json) is shown, named
 * and flagged in the comment and the summary; fail-on: security stops it before any CloudFormation
 * write until the PR carries approve-label. The push before it is a hotswapped code change: the diff
 * is made against what prenv applied, so the function's hotswapped code is not shown as changed.
 * Few runs on purpose: each deploy of the sample app takes tens of seconds here.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markerFor } from '../../src/domain/comment.js';
import { type AwsProxy, startAwsProxy } from '../support/aws-proxy.js';
import { type GitHubServer, startGitHubServer } from '../support/github-server.js';
import { type Moto, startMoto } from '../support/moto.js';
import { runAction } from '../support/run-action.js';
import { sampleAppCopy } from '../support/sample-app-copy.js';

let moto: Moto;
let proxy: AwsProxy;
let github: GitHubServer;
let workspace: string;

const STACK = 'pr-7-invoices';
const inputs = { 'app-dir': 'sample-app', 'deployment-method': 'direct', bootstrap: 'true' };
const GATE = { 'fail-on': 'security', 'approve-label': 'infra-approved' };
const push = (sha: string) => ({ number: 7, pull_request: { number: 7, head: { sha: sha.repeat(40) } } });
/** The ⚠️ line for the demo's grant: action and resource named, flagged as a wildcard. */
const FLAGGED =
  /- `pr-7-invoices`: IAM statement added: Allow `sqs:\*` on `\*` for `AWS:\$\{NotifyInvoiceCreated[^`]*\}` \(\*\*wildcard\*\*\)/;

beforeAll(async () => {
  [moto, github] = await Promise.all([startMoto(), startGitHubServer()]);
  proxy = await startAwsProxy(moto.endpoint);
  github.addPull({ number: 7, state: 'open' });
  workspace = await sampleAppCopy('prenv-diff-sample-');
});
afterAll(async () => {
  await Promise.all([proxy?.close(), github?.close()]);
  await moto?.stop();
  if (workspace !== undefined) await rm(workspace, { recursive: true, force: true });
});

const run = (sha: string, extra: Record<string, string> = {}, label?: string) =>
  runAction({
    moto,
    github,
    workspace,
    inputs: { ...inputs, ...extra },
    env: { AWS_ENDPOINT_URL: proxy.endpoint },
    event: label === undefined ? 'pull-request-synchronize' : 'pull-request-labeled',
    eventOverrides: label === undefined ? push(sha) : { ...push(sha), label: { name: label } },
    timeoutMs: 300_000,
  });
const comment = () => github.comments(7).find((c) => c.body.startsWith(markerFor('pr-7')))?.body ?? '';

/** A commit that changes one handler's code and nothing else. */
async function changeCode(): Promise<void> {
  const path = join(workspace, 'sample-app/src/lambda/get-invoice.ts');
  await writeFile(path, `${await readFile(path, 'utf8')}\nconsole.info('build two');\n`);
}

/** A commit that turns the sample app's demo switch on in its cdk.json. */
async function grantBroadPermission(): Promise<void> {
  const path = join(workspace, 'sample-app/cdk.json');
  const config = JSON.parse(await readFile(path, 'utf8')) as { context?: Record<string, unknown> };
  config.context = { ...config.context, 'prenv:demo-broad-permission': true };
  await writeFile(path, JSON.stringify(config, null, 2));
}

describe('the sample app: a push that grants sqs:* on *', { timeout: 300_000 }, () => {
  it('first deploy, then a code-only push hotswapped', async () => {
    const first = await run('a');
    expect(first.exitCode, first.log).toBe(0);
    await changeCode();
    const hotswap = await run('b');
    expect(hotswap.exitCode, hotswap.log).toBe(0);
    expect(hotswap.log).toContain(`${STACK}: hotswapped 1 Lambda function's code`);
  });

  it('fail-on security without the label: blocked before any CloudFormation write, the grant named and flagged', async () => {
    await grantBroadPermission();
    proxy.calls.length = 0;
    const blocked = await run('c', GATE);
    expect(blocked.log).toContain(`${STACK}: diffed against what prenv applied`);
    expect(blocked.exitCode).toBe(1);
    expect(blocked.log).toContain('fail-on is security: nothing was deployed');
    expect(proxy.writes('cloudformation')).toEqual([]);
    const body = comment();
    for (const text of [body, blocked.summary]) {
      expect(text).toContain('⚠️ **Security-relevant changes');
      expect(text).toMatch(FLAGGED);
      expect(text).toContain('adding the label `infra-approved`');
    }
    expect(body).toMatch(/\[~\] AWS::IAM::Policy/);
    // Against what prenv applied: the hotswapped function's code is not a change of this push.
    expect(body).not.toContain('S3Key');
    expect(body).toContain('| `pr-7-invoices` | 0 | 1 | 0 | 0 |');
  });

  it('with approve-label on the PR (read from the API), the labeled event deploys it', async () => {
    github.setPullLabels(7, ['infra-approved']);
    proxy.calls.length = 0;
    const approved = await run('c', GATE, 'infra-approved');
    expect(approved.exitCode, approved.log).toBe(0);
    expect(proxy.writes('cloudformation').map((call) => call.action)).toContain('UpdateStack');
    for (const text of [comment(), approved.summary]) {
      expect(text).toContain('is ready');
      expect(text).toMatch(FLAGGED);
      expect(text).toContain('approved by the label infra-approved');
    }
  });
});
