import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DirectoryAssembly } from '../../src/adapters/cdk-assembly.js';
import { readAssembly } from '../../src/adapters/cdk-assembly.js';
import { synthesizeApp, type ToolkitSynth } from '../../src/adapters/cdk-synth.js';
import { SynthError } from '../../src/errors.js';
import type { AwsSession, SynthRequest } from '../../src/ports.js';
import { FakeLog } from '../support/fake-ports.js';
import { ROOT } from '../support/run-action.js';

// The synth runs the CDK app itself (test/fixtures/apps/probe, a real child process that writes a
// cloud assembly and records what it was given); toolkit-lib is a fake that records what it is asked.
const APP_DIR = join(ROOT, 'test/fixtures/apps/probe');
const session = { account: '111122223333', region: 'eu-west-2' } as AwsSession;

class FakeToolkit implements ToolkitSynth {
  loads = 0;
  readonly lookups: SynthRequest[] = [];
  readonly reports: string[] = [];
  readonly load = async (): Promise<ToolkitSynth> => {
    this.loads++;
    return this;
  };
  async synthWithLookups(request: SynthRequest): Promise<DirectoryAssembly> {
    this.lookups.push(request);
    return new (await import('../../src/adapters/cdk-assembly.js')).DirectoryAssembly(
      '/nowhere',
      [],
      new Map(),
      new Map(),
    );
  }
  async report(directory: string): Promise<void> {
    this.reports.push(directory);
  }
}

async function synth(context: Record<string, string>, appEnv: Record<string, string> = {}) {
  const log = new FakeLog();
  const toolkit = new FakeToolkit();
  const request = { appDir: APP_DIR, context: { 'prenv:name': 'pr-42', ...context } };
  const result = synthesizeApp(request, { session, log, appEnv, toolkit: toolkit.load });
  return { result, log, toolkit, request };
}

async function received(assembly: DirectoryAssembly) {
  return JSON.parse(await readFile(join(assembly.directory, 'received.json'), 'utf8')) as {
    context: Record<string, unknown>;
    cwd: string;
    env: Record<string, string | undefined>;
  };
}

describe('synthesizeApp runs the app itself', () => {
  it('calls onStarted once the app is spawned, before it exits (the deploy starts its reads then)', async () => {
    const log = new FakeLog();
    const toolkit = new FakeToolkit();
    const seen: boolean[] = [];
    const started = () =>
      seen.push(log.messages('info').some((line) => line.startsWith('The CDK app synthesized in')));
    const request = { appDir: APP_DIR, context: { 'prenv:name': 'pr-42' }, onStarted: started };
    const assembly = await synthesizeApp(request, { session, log, appEnv: {}, toolkit: toolkit.load });
    await assembly.dispose();
    expect(seen).toEqual([false]);
  });

  it('gives the app the context as the toolkit merges it: prenv over cdk.json over cdk.context.json, with the toolkit defaults', async () => {
    const { result, toolkit } = await synth({ 'prenv:sha': 'abc' });
    const assembly = await result;
    try {
      const { context, cwd } = await received(assembly);
      expect(context).toMatchObject({
        'prenv:name': 'pr-42',
        'prenv:sha': 'abc',
        'probe:from-cdk-json': 'cdk.json',
        'probe:from-project': 'cdk.context.json',
        'probe:shadowed': 'cdk.json',
        'probe:nested': { a: 'cdk.json', b: 'cdk.context.json' },
        'aws:cdk:enable-path-metadata': true,
        'aws:cdk:enable-asset-metadata': true,
        'aws:cdk:version-reporting': true,
        'aws:cdk:bundling-stacks': ['**'],
        '@aws-cdk/core:failSynthOnValidationErrors': false,
      });
      expect(cwd).toBe(APP_DIR);
      expect(toolkit.loads).toBe(0);
    } finally {
      await assembly.dispose();
    }
  });

  it('writes the assembly to CDK_OUTDIR, a temporary directory it reads the stacks from, with the account and region the CLI sets', async () => {
    const { result, log } = await synth({}, { PROBE_STEP_VARIABLE: 'from-the-step' });
    const assembly = await result;
    try {
      const { env } = await received(assembly);
      expect(env.CDK_OUTDIR).toBe(assembly.directory);
      expect(assembly.directory.startsWith(APP_DIR)).toBe(false);
      expect(env).toMatchObject({
        CDK_DEFAULT_ACCOUNT: '111122223333',
        CDK_DEFAULT_REGION: 'eu-west-2',
        CDK_CLI_ASM_VERSION: expect.stringMatching(/^\d+\.0\.0$/),
        CDK_CLI_VERSION: expect.stringMatching(/^\d+\.\d+\.\d+/),
        PROBE_STEP_VARIABLE: 'from-the-step',
      });
      expect(assembly.stacks.map((stack) => stack.name)).toEqual(['pr-42-probe']);
      expect((await readAssembly(assembly.directory)).stacks).toEqual(assembly.stacks);
      expect(log.messages('info').some((line) => /^The CDK app synthesized in \d+ ms$/.test(line))).toBe(
        true,
      );
    } finally {
      await assembly.dispose();
    }
    expect(existsSync(assembly.directory)).toBe(false);
  });

  it('hands an app that reports missing context to toolkit-lib, which looks it up and runs the app again', async () => {
    const { result, toolkit, request, log } = await synth({ 'probe:missing': 'yes' });
    const assembly = await result;
    expect(toolkit.lookups).toEqual([request]);
    expect(assembly.directory).toBe('/nowhere');
    expect(log.messages('info').join('\n')).toContain('needs context lookups (ssm:account=111122223333');
  });

  it('shows warning annotations itself, without toolkit-lib (aws-cdk-lib writes an empty validation report every time)', async () => {
    const { result, toolkit, log } = await synth({ 'probe:warn': 'yes' });
    const assembly = await result;
    try {
      expect(log.messages('warning')).toEqual(['[Warning at /pr-42-probe] probe: a warning']);
      expect(toolkit.loads).toBe(0);
      expect(assembly.stacks.map((stack) => stack.name)).toEqual(['pr-42-probe']);
    } finally {
      await assembly.dispose();
    }
  });

  it('has toolkit-lib report an assembly with error annotations (it shows them and fails the synth)', async () => {
    const { result, toolkit } = await synth({ 'probe:error': 'yes' });
    const assembly = await result;
    try {
      expect(toolkit.reports).toEqual([assembly.directory]);
      expect(toolkit.lookups).toEqual([]);
    } finally {
      await assembly.dispose();
    }
  });

  it('fails as before when the app exits non-zero: the command, its exit code and the tail of its stderr', async () => {
    const { result, toolkit, log } = await synth({ 'probe:fail': 'yes' });
    const error = await result.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SynthError);
    expect((error as Error).message).toBe(
      `The CDK app failed to synthesize (node probe.mjs in ${APP_DIR}): node probe.mjs: Subprocess exited with error 4\n` +
        'probe: first line\nprobe: failed on purpose',
    );
    expect(log.messages('info')).toEqual(
      expect.arrayContaining(['probe: about to fail', 'probe: first line', 'probe: failed on purpose']),
    );
    expect(toolkit.loads).toBe(0);
  });

  it('names the command that could not run', async () => {
    const log = new FakeLog();
    const toolkit = new FakeToolkit();
    const request = { appDir: APP_DIR, app: 'prenv-no-such-command-xyz', context: {} };
    await expect(synthesizeApp(request, { session, log, appEnv: {}, toolkit: toolkit.load })).rejects.toThrow(
      /^The CDK app failed to synthesize \(prenv-no-such-command-xyz in .*probe\): prenv-no-such-command-xyz: Subprocess exited with error 127\n.*not found/s,
    );
  });
});

describe('CdkToolkit.lazy', () => {
  it('loads toolkit-lib while the app runs, once: an app that needs lookups reuses it', async () => {
    const { CdkToolkit } = await import('../../src/adapters/cdk-toolkit.js');
    const toolkit = new FakeToolkit();
    const create = (async () => {
      toolkit.loads++;
      return toolkit;
    }) as unknown as typeof CdkToolkit.create;
    const cdk = CdkToolkit.lazy(session, new FakeLog(), {}, {}, create);
    let started = 0;
    const assembly = await cdk.synth({
      appDir: APP_DIR,
      context: { 'prenv:name': 'pr-42' },
      onStarted: () => started++,
    });
    await assembly.dispose();
    expect(started).toBe(1); // the caller's hook still runs
    expect(toolkit.loads).toBe(1); // loaded while the app ran, before any deploy asked for it
    await cdk.synth({ appDir: APP_DIR, context: { 'prenv:name': 'pr-42', 'probe:missing': 'yes' } });
    expect(toolkit.loads).toBe(1);
    expect(toolkit.lookups).toHaveLength(1);
  });
});
