import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchDeployedBundle } from '../../sample-app/test/e2e/support/deployed-bundle.js';
import { stateParameterName } from '../../src/domain/state.js';
import { type AwsProxy, startAwsProxy } from '../support/aws-proxy.js';
import { type GitHubServer, startGitHubServer } from '../support/github-server.js';
import { MOTO_ENV, type Moto, startMoto } from '../support/moto.js';
import { runAction } from '../support/run-action.js';
import { sampleAppCopy } from '../support/sample-app-copy.js';

let moto: Moto;
let proxy: AwsProxy;
let github: GitHubServer;
/** A repository of its own: the sample app copied, so a push can change its code. */
let workspace: string;

const STACK = 'pr-7-invoices';
const HANDLER = 'sample-app/src/lambda/get-invoice.ts';

const inputs = {
  'app-dir': 'sample-app',
  'deployment-method': 'direct',
  bootstrap: 'true',
  'test-command': 'npm run test:e2e --workspace sample-app',
  'test-report': 'sample-app/reports/e2e-junit.xml',
};
const pr7 = { number: 7, pull_request: { number: 7 } };
const push = (sha: string) => ({ ...pr7, pull_request: { number: 7, head: { sha: sha.repeat(40) } } });

beforeAll(async () => {
  [moto, github] = await Promise.all([startMoto(), startGitHubServer()]);
  proxy = await startAwsProxy(moto.endpoint);
  github.addPull({ number: 7, state: 'open' });
  workspace = await sampleAppCopy('prenv-hotswap-');
});
afterAll(async () => {
  await Promise.all([proxy?.close(), github?.close()]);
  await moto?.stop();
  if (workspace !== undefined) await rm(workspace, { recursive: true, force: true });
});

const env = () => ({ AWS_ENDPOINT_URL: proxy.endpoint });
const run = (sha: string, extra: Record<string, string> = {}) =>
  runAction({
    moto,
    github,
    workspace,
    inputs: { ...inputs, ...extra },
    env: env(),
    event: 'pull-request-synchronize',
    eventOverrides: push(sha),
    timeoutMs: 300_000,
  });

/** Changes the GetInvoice handler's code (and nothing else) so its bundle carries a marker. */
async function changeCode(marker: string): Promise<void> {
  const path = join(workspace, HANDLER);
  const source = (await readFile(path, 'utf8')).replace(/\nconsole\.info\('build [^']*'\);\n$/, '\n');
  await writeFile(path, `${source}\nconsole.info('build ${marker}');\n`);
}

/** Changes the functions' memory size: infrastructure toolkit-lib cannot hotswap. */
async function changeInfrastructure(): Promise<void> {
  const path = join(workspace, 'sample-app/infra/service-function.ts');
  const source = await readFile(path, 'utf8');
  if (!source.includes('memorySize: 512')) throw new Error(`${path} no longer sets memorySize: 512`);
  await writeFile(path, source.replace('memorySize: 512', 'memorySize: 1024'));
}

/** The GetInvoice function's name, from a run's outputs. */
function getInvoiceFunction(outputs: Record<string, string>): string {
  const name = (JSON.parse(outputs.outputs ?? '{}') as Record<string, string>).GetInvoiceFunctionName;
  if (name === undefined) throw new Error(`no GetInvoiceFunctionName in ${outputs.outputs}`);
  return name;
}

/** The code the function runs now, as the e2e suite's emulator mode fetches it (GetFunction, CodeSha256 checked). */
async function runningCode(functionName: string): Promise<string> {
  const saved = { ...process.env };
  Object.assign(process.env, MOTO_ENV, { AWS_ENDPOINT_URL: moto.endpoint });
  try {
    const bundle = await fetchDeployedBundle(STACK, functionName);
    const files = ['index.mjs', 'index.js'].map((name) => join(bundle.directory, name));
    const texts = await Promise.all(files.map((file) => readFile(file, 'utf8').catch(() => '')));
    await rm(bundle.directory, { recursive: true, force: true });
    return texts.join('\n');
  } finally {
    process.env = saved;
  }
}

async function state(): Promise<Record<string, { via: string; sha: string }>> {
  const ssm = new SSMClient({
    region: MOTO_ENV.AWS_REGION,
    endpoint: moto.endpoint,
    credentials: { accessKeyId: MOTO_ENV.AWS_ACCESS_KEY_ID, secretAccessKey: MOTO_ENV.AWS_SECRET_ACCESS_KEY },
  });
  try {
    const name = stateParameterName('octo-org/invoices', 'pr-7');
    const { Parameter } = await ssm.send(new GetParameterCommand({ Name: name }));
    return (JSON.parse(Parameter?.Value ?? '{}') as { stacks: Record<string, { via: string; sha: string }> })
      .stacks;
  } finally {
    ssm.destroy();
  }
}

describe('hotswap: a code-only push to the sample app', () => {
  it('first deploy goes through CloudFormation', async () => {
    await changeCode('one');
    const first = await run('a');
    expect(first.exitCode, first.log).toBe(0);
    expect(first.outputs['test-result']).toBe('passed');
    expect(proxy.writes('cloudformation').map((call) => call.action)).toContain('CreateStack');
    expect(await runningCode(getInvoiceFunction(first.outputs))).toContain('build one');
  }, 300_000);

  it('is hotswapped: no CloudFormation write, the e2e suite passes against the new code, and it is reported', async () => {
    await changeCode('two');
    proxy.calls.length = 0;
    const pushed = await run('b');
    expect(pushed.exitCode, pushed.log).toBe(0);
    expect(proxy.writes('cloudformation')).toEqual([]);
    expect(proxy.calls.map((call) => call.action)).toContainEqual(expect.stringMatching(/\/code$/));
    expect(pushed.outputs['test-result']).toBe('passed');
    // The code that runs (what the e2e suite's emulator mode serves) is the new code.
    expect(await runningCode(getInvoiceFunction(pushed.outputs))).toContain('build two');
    expect(pushed.log).toContain(`${STACK}: hotswapped 1 Lambda function's code`);
    const comment = github.comments(7)[0]?.body ?? '';
    expect(comment).toContain('Hotswapped');
    expect(comment).toContain("1 Lambda function's code");
    expect(pushed.summary).toContain("⚡ hotswapped: 1 Lambda function's code");
    expect((await state())[STACK]).toMatchObject({ via: 'hotswap', sha: 'b'.repeat(40) });
  }, 300_000);

  it('a second identical push writes nothing: neither CloudFormation nor the state store', async () => {
    proxy.calls.length = 0;
    const again = await run('b');
    expect(again.exitCode, again.log).toBe(0);
    expect(again.log).toContain('No stack changed since the last deploy');
    expect(proxy.writes('cloudformation')).toEqual([]);
    expect(proxy.writes('ssm')).toEqual([]);
    expect(
      proxy.calls.filter((call) => call.service === 'lambda' && !call.action.startsWith('GET ')),
    ).toEqual([]);
  }, 300_000);

  it('with hotswap: false, a code-only push goes through CloudFormation', async () => {
    await changeCode('three');
    proxy.calls.length = 0;
    const pushed = await run('c', { hotswap: 'false' });
    expect(pushed.exitCode, pushed.log).toBe(0);
    expect(proxy.writes('cloudformation').map((call) => call.action)).toContain('UpdateStack');
    expect(await runningCode(getInvoiceFunction(pushed.outputs))).toContain('build three');
    expect((await state())[STACK]).toMatchObject({ via: 'deploy' });
  }, 300_000);

  it('a push that also changes infrastructure goes through CloudFormation', async () => {
    await changeCode('four');
    proxy.calls.length = 0;
    await changeInfrastructure();
    const pushed = await run('d');
    expect(pushed.exitCode, pushed.log).toBe(0);
    expect(proxy.writes('cloudformation').map((call) => call.action)).toContain('UpdateStack');
    expect(pushed.log).not.toContain(`${STACK}: hotswapped`);
    expect(await runningCode(getInvoiceFunction(pushed.outputs))).toContain('build four');
  }, 300_000);

  it('a hotswap that fails (e.g. AccessDenied on Lambda) falls back to CloudFormation with a warning', async () => {
    await changeCode('five');
    proxy.calls.length = 0;
    const isCodeUpdate = (call: { service: string; action: string }) =>
      call.service === 'lambda' && /^PUT .*\/code$/.test(call.action);
    proxy.configure({ faultRate: 1, faultable: isCodeUpdate });
    try {
      const pushed = await run('e');
      expect(pushed.exitCode, pushed.log).toBe(0);
      expect(pushed.log).toContain(`Hotswap of ${STACK} failed`);
      expect(proxy.calls.some((call) => isCodeUpdate(call) && call.fault !== undefined)).toBe(true);
      expect(proxy.writes('cloudformation').map((call) => call.action)).toContain('UpdateStack');
      expect(pushed.outputs['test-result']).toBe('passed');
      expect(await runningCode(getInvoiceFunction(pushed.outputs))).toContain('build five');
      expect((await state())[STACK]).toMatchObject({ via: 'deploy', sha: 'e'.repeat(40) });
    } finally {
      proxy.configure({});
    }
  }, 300_000);
});
