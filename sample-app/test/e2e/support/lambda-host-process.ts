import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { DeployedBundle } from './deployed-bundle.js';

/** A running lambda-host.ts child serving one deployed bundle. */
export interface LambdaHostProcess {
  invoke(event: unknown): Promise<unknown>;
  /** What the function wrote (its log lines). */
  output(): string;
  stop(): Promise<void>;
}

const hostScript = fileURLToPath(new URL('./lambda-host.ts', import.meta.url));

/**
 * Starts a host for `bundle` with the function's own environment (as deployed) plus the caller's AWS
 * credentials, region and endpoint: the handler talks to the deployed table and bus on the emulator.
 */
export async function startLambdaHost(
  bundle: DeployedBundle,
  env: NodeJS.ProcessEnv,
): Promise<LambdaHostProcess> {
  const awsEnv = Object.fromEntries(
    Object.entries(env).filter(([name]) => name.startsWith('AWS_') || name === 'PATH' || name === 'HOME'),
  );
  const child = spawn(
    process.execPath,
    ['--import', import.meta.resolve('tsx'), hostScript, bundle.directory, bundle.handler],
    {
      env: { ...awsEnv, ...bundle.environment, AWS_LAMBDA_FUNCTION_NAME: bundle.functionName },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const port = await new Promise<number>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = /LAMBDA_HOST_PORT=(\d+)/.exec(output);
      if (match?.[1] !== undefined) resolve(Number(match[1]));
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) =>
      reject(new Error(`lambda host for ${bundle.functionName} exited (${code}):\n${output}`)),
    );
  });
  return {
    async invoke(event) {
      const response = await fetch(`http://127.0.0.1:${port}/invoke`, {
        method: 'POST',
        body: JSON.stringify(event),
      });
      if (!response.ok) throw new Error(`${bundle.functionName} failed: ${await response.text()}`);
      return response.json();
    },
    output: () => output,
    stop: () => stop(child),
  };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
  await exited;
  clearTimeout(timer);
}
