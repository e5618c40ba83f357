import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HotswapResult, IIoHost, IoMessage, IoRequest, Toolkit } from '@aws-cdk/toolkit-lib';
import { fingerprint } from '../domain/fingerprint.js';
import { valuesToMask } from '../domain/hidden-outputs.js';
import type { HotswappedResource } from '../domain/hotswap.js';
import type { InfraChanges, StackChanges } from '../domain/infra-diff.js';
import { TAG } from '../domain/ownership.js';
import { ssmResolvedParameters } from '../domain/template.js';
import { deployBatches, parseWave } from '../domain/waves.js';
import { DeployError, DiffError, messageOf, SynthError } from '../errors.js';
import type { DeploymentMethod } from '../inputs.js';
import type {
  Assembly,
  AwsSession,
  CdkPort,
  DeployProgress,
  Log,
  StackToDeploy,
  SynthesizedStack,
  SynthRequest,
} from '../ports.js';
import { credentialProvider, toolkitHttpOptions } from './aws-config.js';
import { stackChanges } from './cdk-diff.js';
import { deploymentMethodFor, hotswappedResources } from './cdk-hotswap.js';

const STDERR_TAIL_LINES = 25;

interface ManifestArtifact {
  type: string;
  /** aws://ACCOUNT/REGION, with unknown-account / unknown-region when not pinned. */
  environment?: string;
  properties?: {
    templateFile?: string;
    tags?: Record<string, string>;
    file?: string;
    stackName?: string;
    terminationProtection?: boolean;
  };
  dependencies?: string[];
  displayName?: string;
}

interface Manifest {
  artifacts?: Record<string, ManifestArtifact>;
}

/** An assembly synthesized into a directory of ours. */
class DirectoryAssembly implements Assembly {
  constructor(
    readonly directory: string,
    readonly stacks: readonly SynthesizedStack[],
    /** Stack name → artifact id in manifest.json. */
    readonly artifactIds: ReadonlyMap<string, string>,
    /** Stack name → hierarchical id, what stack selection matches on. */
    readonly selectors: ReadonlyMap<string, string>,
  ) {}

  async dispose(): Promise<void> {
    await rm(this.directory, { recursive: true, force: true });
  }
}

type Listener = (message: IoMessage<unknown>) => void;
type ToolkitLib = typeof import('@aws-cdk/toolkit-lib');

/** How the toolkit talks to CloudFormation. */
export interface CdkToolkitOptions {
  /**
   * Milliseconds between reads of stack events and status while a stack changes (the input
   * poll-interval-ms). @default toolkit-lib's own: events every 2 s, status every 5 s
   */
  readonly pollIntervalMs?: number;
  /** Output names or globs (the input hide-outputs) whose values are masked, beside secret-looking ones. */
  readonly hideOutputs?: readonly string[];
}

/** The CDK toolkit library, with the session's credentials handed in explicitly. */
export class CdkToolkit implements CdkPort {
  private readonly toolkit: Toolkit;
  private listener: Listener | undefined;

  /**
   * Loads toolkit-lib (a large bundle: about a second and 150 MB) and creates the adapter. Call it
   * only once a deploy is certain: after inputs, credentials and the account allow-list.
   */
  static async create(
    session: AwsSession,
    log: Log,
    appEnv: Readonly<Record<string, string | undefined>>,
    options: CdkToolkitOptions = {},
  ): Promise<CdkToolkit> {
    const loaded: ToolkitLib | { default: ToolkitLib } = await import('@aws-cdk/toolkit-lib');
    // toolkit-lib is CommonJS: bundled, its chunk exports module.exports as default only.
    const lib = 'BaseCredentials' in loaded ? loaded : loaded.default;
    return new CdkToolkit(lib, session, log, appEnv, options);
  }

  /**
   * A CdkPort that loads toolkit-lib on first use (the synth), not before: its load is a second of
   * synchronous work that would otherwise hold up the requests made before the synth.
   */
  static lazy(
    session: AwsSession,
    log: Log,
    appEnv: Readonly<Record<string, string | undefined>>,
    options: CdkToolkitOptions = {},
  ): CdkPort {
    let toolkit: Promise<CdkToolkit> | undefined;
    const load = () => {
      toolkit ??= CdkToolkit.create(session, log, appEnv, options);
      return toolkit;
    };
    return {
      synth: async (request) => (await load()).synth(request),
      bootstrap: async (account, region) => (await load()).bootstrap(account, region),
      deploy: async (assembly, stacks, options) => (await load()).deploy(assembly, stacks, options),
      diff: async (assembly, stacks, bases) => (await load()).diff(assembly, stacks, bases),
    };
  }

  private constructor(
    private readonly lib: ToolkitLib,
    session: AwsSession,
    private readonly log: Log,
    private readonly appEnv: Readonly<Record<string, string | undefined>>,
    private readonly options: CdkToolkitOptions,
  ) {
    const { BaseCredentials, Toolkit } = lib;
    const ioHost: IIoHost = {
      notify: async (message) => {
        // The toolkit prints a deployed stack's outputs: secret ones are masked before that line.
        if (message.code === 'CDK_TOOLKIT_I5900') this.maskOutputs(message.data);
        this.listener?.(message);
        this.render(message);
      },
      requestResponse: async <T>(request: IoRequest<unknown, T>) => {
        // Confirmations (with whole template diffs) are answered with their default: debug only.
        this.log.debug(request.message);
        return request.defaultResponse;
      },
    };
    this.toolkit = new Toolkit({
      ioHost,
      color: false,
      emojis: false,
      sdkConfig: {
        baseCredentials: BaseCredentials.custom({
          // Asked again whenever the SDK finds the credentials near expiry: the session renews them.
          provider: credentialProvider(session),
          region: session.region,
        }),
        ...toolkitHttpOptions(),
      },
    });
  }

  async synth(request: SynthRequest): Promise<Assembly> {
    const app = request.app ?? (await appFromCdkJson(request.appDir));
    const directory = await mkdtemp(join(tmpdir(), 'prenv-assembly-'));
    const stderr: string[] = [];
    this.listener = (message) => {
      if (message.code === 'CDK_ASSEMBLY_E1002') {
        stderr.push(message.message);
        if (stderr.length > STDERR_TAIL_LINES) stderr.shift();
      }
    };
    try {
      const source = await this.toolkit.fromCdkApp(app, {
        workingDirectory: request.appDir,
        outdir: directory,
        contextStore: new this.lib.CdkAppMultiContext(request.appDir, { ...request.context }),
        env: { ...this.appEnv },
      });
      const cached = await this.toolkit.synth(source);
      await cached.dispose();
    } catch (error) {
      await rm(directory, { recursive: true, force: true });
      const tail = stderr.length > 0 ? stderr.join('\n') : tailOf(error);
      throw new SynthError(
        `The CDK app failed to synthesize (${app} in ${request.appDir}): ${messageOf(error)}${tail ? `\n${tail}` : ''}`,
        { cause: error },
      );
    } finally {
      this.listener = undefined;
    }
    return readAssembly(directory);
  }

  async bootstrap(account: string, region: string): Promise<void> {
    await this.toolkit.bootstrap(this.lib.BootstrapEnvironments.fromList([`aws://${account}/${region}`]), {});
  }

  async deploy(
    assembly: Assembly,
    stacks: readonly StackToDeploy[],
    options: { method: DeploymentMethod; onProgress: (event: DeployProgress) => void },
  ): Promise<void> {
    if (!(assembly instanceof DirectoryAssembly)) throw new TypeError('assembly was not synthesized here');
    if (stacks.length === 0) return;
    await writeTags(assembly, stacks, this.log);
    // toolkit-lib takes one deployment method per call: stacks that differ go in separate calls, wave by wave.
    const batches = deployBatches(
      stacks,
      (stack) => parseWave(stack.tags[TAG.wave]),
      (stack) => `${stack.hotswap === true ? 'hotswap' : 'cloudformation'}/${stack.revertDrift === true}`,
    );
    for (const batch of batches) {
      const failedHotswap = await this.deployBatch(assembly, batch, options);
      if (failedHotswap === undefined) continue;
      // A hotswap that fails (e.g. the sandbox role may not update that resource type directly) is
      // not the push's fault: what is left of the batch goes through CloudFormation, reverting drift.
      this.log.warning(
        `Hotswap of ${failedHotswap.stack} failed (${failedHotswap.reason}); deploying it through CloudFormation instead.`,
      );
      const rest = batch
        .filter((stack) => !failedHotswap.deployed.has(stack.name))
        .map((stack) => ({ name: stack.name, tags: stack.tags, revertDrift: true }));
      await this.deployBatch(assembly, rest, options);
    }
  }

  /** Deploys one batch; for a hotswap that failed, what failed and which stacks were deployed before. */
  private async deployBatch(
    assembly: DirectoryAssembly,
    stacks: readonly StackToDeploy[],
    options: { method: DeploymentMethod; onProgress: (event: DeployProgress) => void },
  ): Promise<{ stack: string; reason: string; deployed: ReadonlySet<string> } | undefined> {
    if (stacks.length === 0) return undefined;
    const started = new Map<string, number>();
    const deployed = new Set<string>();
    let hotswapFailure: string | undefined;
    const hotswapped = new Map<string, HotswappedResource[]>();
    let current: string | undefined;
    let assetsStarted: number | undefined;
    this.listener = (message) => {
      const stack = stackNameOf(message.data);
      if (message.code === 'CDK_ASSETS_I5270' && assetsStarted === undefined) assetsStarted = Date.now();
      if (message.code === 'CDK_TOOLKIT_I5100' && stack !== undefined) {
        if (assetsStarted !== undefined && started.size === 0) {
          options.onProgress({ code: 'assets-published', ms: Date.now() - assetsStarted });
        }
        current = stack;
        started.set(stack, Date.now());
        options.onProgress({ code: 'stack-started', stack });
      }
      if (message.code === 'CDK_TOOLKIT_I5410' && stack !== undefined) {
        if ((message.data as Partial<HotswapResult> | undefined)?.error !== undefined) hotswapFailure = stack;
        const resources = hotswappedResources(message.data);
        if (resources.length > 0) hotswapped.set(stack, resources);
      }
      if (message.code === 'CDK_TOOLKIT_I5900') {
        const result = message.data as { stackArn?: string; noOp?: boolean };
        const name = nameFromArn(result.stackArn) ?? current;
        if (name !== undefined) {
          const resources = hotswapped.get(name);
          options.onProgress({
            code: 'stack-deployed',
            stack: name,
            ms: Date.now() - (started.get(name) ?? Date.now()),
            noOp: result.noOp === true,
            ...(resources === undefined ? {} : { hotswapped: resources }),
          });
          started.delete(name);
          deployed.add(name);
        }
      }
    };
    try {
      const source = await this.toolkit.fromAssemblyDirectory(assembly.directory);
      await this.toolkit.deploy(source, {
        stacks: {
          strategy: this.lib.StackSelectionStrategy.PATTERN_MUST_MATCH,
          patterns: stacks.map((stack) => assembly.selectors.get(stack.name) ?? stack.name),
          expand: this.lib.ExpandStackSelection.NONE,
        },
        deploymentMethod: deploymentMethodFor(options.method, stacks[0]),
        concurrency: Math.min(stacks.length, 8),
        // Unset, toolkit-lib polls at its defaults, which keep within CloudFormation's API quota.
        ...(this.options.pollIntervalMs === undefined
          ? {}
          : { stackEventPollingInterval: this.options.pollIntervalMs }),
      });
      return undefined;
    } catch (error) {
      if (hotswapFailure !== undefined) return { stack: hotswapFailure, reason: messageOf(error), deployed };
      const failed = [...started.keys()][0] ?? current;
      if (failed !== undefined)
        options.onProgress({ code: 'stack-failed', stack: failed, reason: messageOf(error) });
      throw new DeployError(messageOf(error), failed, { cause: error });
    } finally {
      this.listener = undefined;
    }
  }

  /**
   * Each stack's diff against its live template, read with GetTemplate (DiffMethod.TemplateOnly):
   * never a change set, which would be a CloudFormation write on a push that may deploy nothing.
   */
  async diff(
    assembly: Assembly,
    stacks: readonly string[],
    bases: ReadonlyMap<string, string> = new Map(),
  ): Promise<InfraChanges> {
    if (!(assembly instanceof DirectoryAssembly)) throw new TypeError('assembly was not synthesized here');
    if (stacks.length === 0) return { stacks: [] };
    const baseDir = bases.size === 0 ? undefined : await mkdtemp(join(tmpdir(), 'prenv-diff-'));
    const texts = new Map<string, string>();
    this.listener = (message) => {
      if (message.code !== 'CDK_TOOLKIT_I4002') return;
      const data = message.data as { stack?: { stackName?: string }; formattedDiff?: { diff?: string } };
      const name = data.stack?.stackName;
      if (name !== undefined) texts.set(name, data.formattedDiff?.diff ?? message.message);
    };
    try {
      const source = await this.toolkit.fromAssemblyDirectory(assembly.directory);
      const select = (names: readonly string[]) => ({
        strategy: this.lib.StackSelectionStrategy.PATTERN_MUST_MATCH,
        patterns: names.map((stack) => assembly.selectors.get(stack) ?? stack),
        expand: this.lib.ExpandStackSelection.NONE,
      });
      const live = stacks.filter((stack) => !bases.has(stack));
      const diffs =
        live.length === 0
          ? {}
          : await this.toolkit.diff(source, {
              stacks: select(live),
              method: this.lib.DiffMethod.TemplateOnly(),
            });
      // A stack hotswapped since its last CloudFormation deploy: against what prenv applied (a local file).
      for (const [index, [stack, body]] of [...bases].filter(([name]) => stacks.includes(name)).entries()) {
        const path = join(baseDir as string, `${index}.template.json`);
        await writeFile(path, body);
        const method = this.lib.DiffMethod.LocalFile(path);
        Object.assign(diffs, await this.toolkit.diff(source, { stacks: select([stack]), method }));
      }
      const changes: StackChanges[] = stacks.flatMap((name) => {
        const diff = diffs[name];
        return diff === undefined ? [] : [stackChanges(name, diff, texts.get(name) ?? '')];
      });
      return { stacks: changes };
    } catch (error) {
      throw new DiffError(`Could not compare the stacks with their live templates: ${messageOf(error)}`, {
        cause: error,
      });
    } finally {
      this.listener = undefined;
      if (baseDir !== undefined) await rm(baseDir, { recursive: true, force: true });
    }
  }

  private maskOutputs(data: unknown): void {
    const outputs = (data as { outputs?: unknown } | undefined)?.outputs;
    if (typeof outputs !== 'object' || outputs === null) return;
    const list = Object.entries(outputs).map(([key, value]) => ({ stack: '', key, value: String(value) }));
    for (const value of valuesToMask(list, this.options.hideOutputs ?? [])) this.log.mask(value);
  }

  private render(message: IoMessage<unknown>): void {
    const text = message.message.trim();
    if (text === '') return;
    // The app's own stderr (bundler progress, CDK's notices) is log output, not an annotation; a
    // failing synth puts its tail into the error instead.
    if (message.code === 'CDK_ASSEMBLY_E1002') this.log.info(text);
    else if (message.level === 'error' || message.level === 'warn') this.log.warning(text);
    else if (message.level === 'info' || message.level === 'result') this.log.info(text);
    else this.log.debug(text);
  }
}

/** The app command from cdk.json; a clear error when there is none. */
async function appFromCdkJson(appDir: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(join(appDir, 'cdk.json'), 'utf8');
  } catch {
    throw new SynthError(
      `No cdk.json in ${appDir}: point app-dir at the folder holding your CDK app's cdk.json, or set the app input to the command that synthesizes it.`,
    );
  }
  let app: unknown;
  try {
    app = (JSON.parse(text) as { app?: unknown }).app;
  } catch (error) {
    throw new SynthError(`${join(appDir, 'cdk.json')} is not valid JSON: ${messageOf(error)}`);
  }
  if (typeof app !== 'string' || app.trim() === '') {
    throw new SynthError(`${join(appDir, 'cdk.json')} has no "app" command: add one, or set the app input.`);
  }
  return app;
}

async function readManifest(directory: string): Promise<Manifest> {
  return JSON.parse(await readFile(join(directory, 'manifest.json'), 'utf8')) as Manifest;
}

async function readAssembly(directory: string): Promise<DirectoryAssembly> {
  const artifacts = (await readManifest(directory)).artifacts ?? {};
  const stackIds = Object.entries(artifacts).filter(
    ([, artifact]) => artifact.type === 'aws:cloudformation:stack',
  );
  const nameOf = (id: string) => artifacts[id]?.properties?.stackName ?? id;
  const stacks: SynthesizedStack[] = [];
  const artifactIds = new Map<string, string>();
  const selectors = new Map<string, string>();
  for (const [id, artifact] of stackIds) {
    const name = nameOf(id);
    const template = await readFile(join(directory, artifact.properties?.templateFile ?? ''), 'utf8');
    const assets: string[] = [];
    for (const dependency of artifact.dependencies ?? []) {
      const file =
        artifacts[dependency]?.type === 'cdk:asset-manifest'
          ? artifacts[dependency].properties?.file
          : undefined;
      if (file !== undefined) assets.push(await readFile(join(directory, file), 'utf8'));
    }
    const [account, region] = (artifact.environment ?? '').replace(/^aws:\/\//, '').split('/');
    stacks.push({
      name,
      ...(account && account !== 'unknown-account' ? { account } : {}),
      ...(region && region !== 'unknown-region' ? { region } : {}),
      dependencies: (artifact.dependencies ?? [])
        .filter((dependency) => artifacts[dependency]?.type === 'aws:cloudformation:stack')
        .map(nameOf),
      fingerprint: fingerprint({ template, tags: artifact.properties?.tags ?? {}, assets }),
      ssmParameters: ssmResolvedParameters(template),
    });
    artifactIds.set(name, id);
    selectors.set(name, artifact.displayName ?? id);
  }
  return new DirectoryAssembly(directory, stacks, artifactIds, selectors);
}

/**
 * Puts each stack's tags into the manifest, where the toolkit takes them from (keeping the app's
 * own), and turns termination protection off: a PR environment must stay deletable, and toolkit-lib
 * then also switches it off on a stack that has it on.
 */
async function writeTags(
  assembly: DirectoryAssembly,
  stacks: readonly StackToDeploy[],
  log: Log,
): Promise<void> {
  const manifest = await readManifest(assembly.directory);
  for (const stack of stacks) {
    const artifact = manifest.artifacts?.[assembly.artifactIds.get(stack.name) ?? ''];
    if (artifact === undefined)
      throw new DeployError(`Stack ${stack.name} is not in the synthesized app`, stack.name);
    if (artifact.properties?.terminationProtection === true) {
      log.notice(
        `${stack.name} sets terminationProtection: prenv deploys it with termination protection off, ` +
          'so that the environment can be destroyed',
      );
    }
    artifact.properties = {
      ...artifact.properties,
      tags: { ...artifact.properties?.tags, ...stack.tags },
      terminationProtection: false,
    };
  }
  await writeFile(join(assembly.directory, 'manifest.json'), JSON.stringify(manifest, null, 1));
}

function stackNameOf(data: unknown): string | undefined {
  const stack = (data as { stack?: { stackName?: unknown } } | undefined)?.stack;
  return typeof stack?.stackName === 'string' ? stack.stackName : undefined;
}

function nameFromArn(arn: string | undefined): string | undefined {
  return arn?.split(':stack/')[1]?.split('/')[0];
}

function tailOf(error: unknown): string {
  const cause = error instanceof Error ? error.cause : undefined;
  const text = cause instanceof Error ? cause.message : '';
  return text.split('\n').slice(-STDERR_TAIL_LINES).join('\n');
}
