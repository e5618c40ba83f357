import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MOTO_ACCOUNT, MOTO_ENV } from '../test/support/moto.js';

/**
 * A CDK app run by itself as prenv runs it (its cdk.json command, CDK_OUTDIR, CDK_CONTEXT_JSON with
 * cdk.json's context and prenv's), spawn → exit, in ms. prenv loads toolkit-lib and reads AWS and
 * GitHub while its app runs; on 2 cores that slows the app, so the app's time inside prenv's run
 * would count part of prenv's work as synth. The benchmarks subtract this instead.
 */
export async function appSynthAlone(
  appDir: string,
  context: Readonly<Record<string, string>>,
  env: Readonly<Record<string, string>> = {},
): Promise<number> {
  const config = JSON.parse(await readFile(join(appDir, 'cdk.json'), 'utf8')) as {
    app: string;
    context?: Record<string, unknown>;
  };
  const outdir = await mkdtemp(join(tmpdir(), 'prenv-bench-alone-'));
  try {
    const started = performance.now();
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(config.app, {
        shell: true,
        cwd: appDir,
        stdio: 'ignore',
        env: {
          ...process.env,
          ...env,
          CDK_OUTDIR: outdir,
          CDK_CONTEXT_JSON: JSON.stringify({ ...config.context, ...context }),
          CDK_DEFAULT_ACCOUNT: MOTO_ACCOUNT,
          CDK_DEFAULT_REGION: MOTO_ENV.AWS_REGION,
        },
      });
      child.on('error', reject);
      child.on('exit', resolve);
    });
    if (code !== 0) throw new Error(`the CDK app in ${appDir} exited with ${code} when run by itself`);
    return performance.now() - started;
  } finally {
    await rm(outdir, { recursive: true, force: true });
  }
}

/** The context prenv gives a PR's app (prenv:name, prenv:pull-request, prenv:sha). */
export function prenvContext(pullRequest: number): Record<string, string> {
  return {
    'prenv:name': `pr-${pullRequest}`,
    'prenv:pull-request': String(pullRequest),
    'prenv:sha': '0'.repeat(40),
  };
}
