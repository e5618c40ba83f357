/**
 * The synth: prenv runs the CDK app itself (no toolkit-lib), and hands over to toolkit-lib only for
 * what needs it: context lookups, and reporting annotations or validation findings.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import schemaVersion from '@aws-cdk/cloud-assembly-schema/schema/version.json' with { type: 'json' };
import toolkitPackage from '@aws-cdk/toolkit-lib/package.json' with { type: 'json' };
import type { AwsSession, Log, SynthRequest } from '../ports.js';
import { type AppRun, appFromCdkJson, commandFor, contextFits, readAppContext, runApp } from './cdk-app.js';
import { assemblyFindings, type DirectoryAssembly, readAssembly } from './cdk-assembly.js';

/** What the synth needs of toolkit-lib, loaded only when it is needed. */
export interface ToolkitSynth {
  /** toolkit-lib's own synth: runs the app again, making its context lookups until none is missing. */
  synthWithLookups(request: SynthRequest): Promise<DirectoryAssembly>;
  /** toolkit-lib's report of an assembly with error annotations or validation violations; throws. */
  report(directory: string, app: string, appDir: string): Promise<void>;
}

/** What the synth runs with. */
export interface SynthDependencies {
  readonly session: AwsSession;
  readonly log: Log;
  /** The step's environment as the app may see it (withheld variables blanked). */
  readonly appEnv: Readonly<Record<string, string | undefined>>;
  readonly toolkit: () => Promise<ToolkitSynth>;
}

/** Synthesizes the app into a temporary directory; logs the app's own process time. */
export async function synthesizeApp(
  request: SynthRequest,
  deps: SynthDependencies,
): Promise<DirectoryAssembly> {
  const app = request.app ?? (await appFromCdkJson(request.appDir));
  const [command, context] = await Promise.all([
    commandFor(app, request.appDir),
    readAppContext(request.appDir, request.context),
  ]);
  const directory = await mkdtemp(join(tmpdir(), 'prenv-assembly-'));
  const run: AppRun = {
    app,
    command,
    cwd: request.appDir,
    env: deps.appEnv,
    context,
    variables: {
      CDK_OUTDIR: directory,
      CDK_DEFAULT_ACCOUNT: deps.session.account,
      CDK_DEFAULT_REGION: deps.session.region,
      CDK_CLI_ASM_VERSION: `${schemaVersion.revision}.0.0`,
      CDK_CLI_VERSION: toolkitPackage.version,
    },
  };
  try {
    if (!contextFits(run)) {
      deps.log.info('The CDK context is too large for CDK_CONTEXT_JSON: synthesizing through toolkit-lib.');
      await rm(directory, { recursive: true, force: true });
      return await (await deps.toolkit()).synthWithLookups(request);
    }
    const ms = await runApp(run, deps.log, request.onStarted);
    deps.log.info(`The CDK app synthesized in ${ms} ms`);
    const findings = await assemblyFindings(directory);
    if (findings.lookups.length > 0) {
      deps.log.info(
        `The CDK app needs context lookups (${findings.lookups.join(', ')}): synthesizing it again through ` +
          'toolkit-lib, which looks them up and records them in cdk.context.json.',
      );
      await rm(directory, { recursive: true, force: true });
      return await (await deps.toolkit()).synthWithLookups(request);
    }
    // Errors are toolkit-lib's to report, in its words, and fail the synth; warnings prenv shows itself.
    if (findings.errors) await (await deps.toolkit()).report(directory, app, request.appDir);
    else {
      for (const note of findings.notes) {
        const line = `[${note.level === 'warning' ? 'Warning' : 'Info'} at ${note.path}] ${note.message}`;
        if (note.level === 'warning') deps.log.warning(line);
        else deps.log.info(line);
      }
    }
    return await readAssembly(directory);
  } catch (error) {
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
}
