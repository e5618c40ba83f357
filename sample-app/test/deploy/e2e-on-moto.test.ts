import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MotoServer, startMoto, TEST_REGION } from '../support/moto-server.js';

const run = promisify(execFile);
const appDir = join(import.meta.dirname, '..', '..');
const ACCOUNT = '123456789012';
const NAME = 'pr-77';

/** Stack output key → the environment variable prenv sets (`ApiUrl` → `API_URL`). */
const envName = (key: string) => key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();

let moto: MotoServer;
let work: string;

beforeAll(async () => {
  moto = await startMoto();
  work = mkdtempSync(join(tmpdir(), 'sample-app-deploy-'));
});

afterAll(async () => {
  await moto?.stop();
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

// Deploys the stack on moto the way prenv does (direct, outputs → env + PRENV_OUTPUTS) and runs the e2e
// suite against it in its own process: proof that `npm run test:e2e` passes on an emulator.
describe('the e2e suite against the sample stack deployed on moto', () => {
  it('deploys, then `npm run test:e2e` passes and writes JUnit XML', async () => {
    const awsEnv = {
      ...process.env,
      AWS_ENDPOINT_URL: moto.endpoint,
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_REGION: TEST_REGION,
      AWS_DEFAULT_REGION: TEST_REGION,
      CDK_DEFAULT_ACCOUNT: ACCOUNT,
      CDK_DEFAULT_REGION: TEST_REGION,
    };
    const cdk = (args: string[]) =>
      run('npx', ['--no-install', 'cdk', ...args, '--output', join(work, 'cdk.out')], {
        cwd: appDir,
        env: awsEnv,
        maxBuffer: 64 * 1024 * 1024,
      });
    await cdk(['bootstrap', `aws://${ACCOUNT}/${TEST_REGION}`]);
    await cdk([
      'deploy',
      '--all',
      '--method=direct',
      '--require-approval',
      'never',
      '-c',
      `prenv:name=${NAME}`,
    ]);

    const cloudFormation = new CloudFormationClient(moto.clientConfig);
    const { Stacks = [] } = await cloudFormation.send(
      new DescribeStacksCommand({ StackName: `${NAME}-invoices` }),
    );
    cloudFormation.destroy();
    const outputs = Object.fromEntries(
      (Stacks[0]?.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']),
    );
    expect(outputs.ApiUrl).toContain('/None/'); // moto has no API Gateway stage: the reason for emulator mode
    const outputsFile = join(work, 'outputs.json');
    writeFileSync(outputsFile, JSON.stringify({ [`${NAME}-invoices`]: outputs }));

    const report = join(appDir, 'reports', 'e2e-junit.xml');
    rmSync(report, { force: true });
    const e2e = await run('npm', ['run', 'test:e2e'], {
      cwd: appDir,
      env: {
        ...awsEnv,
        PRENV_NAME: NAME,
        PRENV_OUTPUTS: outputsFile,
        ...Object.fromEntries(Object.entries(outputs).map(([key, value]) => [envName(key), value])),
      },
      maxBuffer: 64 * 1024 * 1024,
    }).catch((error: { stdout?: string; stderr?: string }) => {
      throw new Error(`npm run test:e2e failed:\n${error.stdout}\n${error.stderr}`);
    });
    expect(e2e.stdout).toMatch(/Tests\s+.*passed/);

    expect(existsSync(report)).toBe(true);
    const xml = readFileSync(report, 'utf8');
    expect(xml).toMatch(/<testsuites[^>]*failures="0"/);
    expect(Number(/<testsuites[^>]*tests="(\d+)"/.exec(xml)?.[1])).toBeGreaterThanOrEqual(15);
  });
});
