import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { MOTO_ACCOUNT, MOTO_ENV } from '../test/support/moto.js';
import { NODE24, ROOT } from './support.js';

/** PATH with Node 24 first: the CDK CLI, the CDK app and the e2e suite all run on it, in both arms. */
export function node24Path(): string {
  return `${dirname(NODE24)}:${process.env.PATH ?? ''}`;
}

/** The environment the CDK CLI gets against moto (or a proxy in front of it). */
export function cliEnvironment(endpoint: string): Record<string, string> {
  return {
    PATH: node24Path(),
    HOME: process.env.HOME ?? '/tmp',
    LANG: 'C.UTF-8',
    CI: 'true',
    ...MOTO_ENV,
    AWS_ENDPOINT_URL: endpoint,
    CDK_DEFAULT_ACCOUNT: MOTO_ACCOUNT,
    CDK_DEFAULT_REGION: MOTO_ENV.AWS_REGION,
    // No network calls the action does not make either: version check, notices, telemetry.
    CDK_DISABLE_VERSION_CHECK: 'true',
    CDK_DISABLE_CLI_TELEMETRY: 'true',
  };
}

/** The result of a command. */
export interface CommandResult {
  readonly exitCode: number | null;
  readonly output: string;
  readonly durationMs: number;
}

/** Runs a command (argv, or a shell line when args is undefined) and times it. */
export function timedCommand(
  command: string,
  args: readonly string[] | undefined,
  options: { cwd: string; env: Record<string, string>; timeoutMs?: number },
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child =
      args === undefined
        ? spawn(command, {
            cwd: options.cwd,
            env: options.env,
            shell: true,
            stdio: ['ignore', 'pipe', 'pipe'],
          })
        : spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 600_000);
    child.on('error', reject);
    child.on('close', (exitCode) => {
      clearTimeout(timer);
      if (process.env.PRENV_BENCH_LOG) process.stderr.write(output);
      resolve({ exitCode, output, durationMs: performance.now() - started });
    });
  });
}

/** Runs the CDK CLI (node_modules/aws-cdk, on Node 24) in an app folder. */
export function cdk(
  args: readonly string[],
  options: { cwd: string; endpoint: string; timeoutMs?: number },
): Promise<CommandResult> {
  return timedCommand(NODE24, [join(ROOT, 'node_modules/aws-cdk/bin/cdk'), ...args, '--no-notices'], {
    cwd: options.cwd,
    env: cliEnvironment(options.endpoint),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });
}

/** Fails loudly with the tail of the output. */
export function check(result: CommandResult, what: string): void {
  if (result.exitCode !== 0) {
    throw new Error(
      `${what} exited with ${result.exitCode}:\n${result.output.split('\n').slice(-40).join('\n')}`,
    );
  }
}

/** Removes every object from moto's CDK asset bucket, so that the next deploy publishes its assets again. */
export async function emptyAssetBucket(endpoint: string): Promise<number> {
  const bucket = `cdk-hnb659fds-assets-${MOTO_ACCOUNT}-${MOTO_ENV.AWS_REGION}`;
  // moto does not check signatures; the header only routes the request to S3.
  const headers = {
    authorization: `AWS4-HMAC-SHA256 Credential=testing/20250101/${MOTO_ENV.AWS_REGION}/s3/aws4_request, SignedHeaders=host, Signature=0`,
    'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
  };
  const list = await fetch(`${endpoint}/${bucket}?list-type=2&max-keys=1000`, { headers });
  const text = await list.text();
  if (!list.ok) throw new Error(`listing ${bucket} answered ${list.status}: ${text.slice(0, 300)}`);
  const keys = [...text.matchAll(/<Key>([^<]+)<\/Key>/g)].map((match) => match[1] as string);
  await Promise.all(
    keys.map(async (key) => {
      const response = await fetch(`${endpoint}/${bucket}/${encodeURIComponent(key)}`, {
        method: 'DELETE',
        headers,
      });
      await response.arrayBuffer();
    }),
  );
  return keys.length;
}
