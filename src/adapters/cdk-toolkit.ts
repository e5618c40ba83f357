import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HotswapResult, IIoHost, IoMessage, IoRequest, Toolkit } from '@aws-cdk/toolkit-lib';
import type { HotswappedResource } from '../domain/hotswap.js';
import { TAG } from '../domain/ownership.js';
import { deployBatches, parseWave } from '../domain/waves.js';
import { DeployError, messageOf, SynthError } from '../errors.js';
import type { DeploymentMethod } from '../inputs.js';
import type {
  Assembly,
  AwsSession,
  CdkPort,
  DeployProgress,
  Log,
  StackToDeploy,
  SynthRequest,
} from '../ports.js';
import { credentialProvider, toolkitHttpOptions } from './aws-config.js';
import { appFromCdkJson, STDERR_TAIL_LINES } from './cdk-app.js';
import { DirectoryAssembly, readAssembly, writeTags } from './cdk-assembly.js';
import { deploymentMethodFor, hotswappedResources } from './cdk-hotswap.js';
import { maskOutputs, nameFromArn, renderMessage, stackNameOf, tailOf } from './cdk-messages.js';
import { synthesizeApp, type ToolkitSynth } from './cdk-synth.js';
import { deployPollMs } from './polling.js';

type Listener = (message: IoMessage<unknown>) => void;
type ToolkitLib = typeof import('@aws-cdk/toolkit-lib');

/** How the toolkit talks to CloudFormation. */
export interface CdkToolkitOptions {
  /**
   * Milliseconds between reads of stack events and status while a stack changes (the input
   * poll-interval-ms). @default deployPollMs: 2.5 s, longer when several stacks deploy at once
   */
  readonly pollIntervalMs?: number;
  /** Output names or globs (the input hide-outputs) whose values are masked, beside secret-looking ones. */
  readonly hideOutputs?: readonly string[];
}

/** The CDK toolkit library, with the session's credentials handed in explicitly. */
export class CdkToolkit implements Omit<CdkPort, 'diff'>, ToolkitSynth {
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
   * A CdkPort that loads toolkit-lib off the deploy's path: the synth runs the app itself (see
   * cdk-synth.ts), and while the app runs in its own process, prenv's otherwise idle thread loads
   * toolkit-lib and the diff's resource database (about 1.5 s of synchronous work), unless the app
   * has already ended; the diff is cloudformation-diff's on templates prenv read (template-diff.ts).
   */
  static lazy(
    session: AwsSession,
    log: Log,
    appEnv: Readonly<Record<string, string | undefined>>,
    options: CdkToolkitOptions = {},
    /** Loads the toolkit; tests pass one that counts. */
    create: typeof CdkToolkit.create = CdkToolkit.create,
  ): CdkPort {
    let toolkit: Promise<CdkToolkit> | undefined;
    const load = () => {
      toolkit ??= create(session, log, appEnv, options);
      return toolkit;
    };
    return {
      synth: async (request) => {
        let running = true;
        const warmUp = async () => {
          if (running) await load();
          if (running) (await import('./template-diff.js')).warmUp();
        };
        const onStarted = () => {
          request.onStarted?.();
          // A failed load is not lost: the deploy that needs toolkit-lib awaits the same promise.
          warmUp().catch(() => undefined);
        };
        try {
          return await synthesizeApp({ ...request, onStarted }, { session, log, appEnv, toolkit: load });
        } finally {
          running = false;
        }
      },
      bootstrap: async (account, region) => (await load()).bootstrap(account, region),
      deploy: async (assembly, stacks, options) => (await load()).deploy(assembly, stacks, options),
      // The diff needs no toolkit-lib: cloudformation-diff, on the templates prenv already read.
      diff: async (assembly, stacks, bases) => {
        if (!(assembly instanceof DirectoryAssembly))
          throw new TypeError('assembly was not synthesized here');
        return (await import('./template-diff.js')).diffStacks(assembly, stacks, bases ?? new Map(), session);
      },
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
        if (message.code === 'CDK_TOOLKIT_I5900')
          maskOutputs(message.data, this.options.hideOutputs ?? [], this.log);
        this.listener?.(message);
        renderMessage(message, this.log);
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

  /** toolkit-lib's synth, as `cdk synth` runs it: context lookups, saved to cdk.context.json, and reruns. */
  async synth(request: SynthRequest): Promise<Assembly> {
    return this.synthWithLookups(request);
  }

  async synthWithLookups(request: SynthRequest): Promise<DirectoryAssembly> {
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

  /** Reports the annotations and validation findings of an assembly the app wrote; fails the synth on errors. */
  async report(directory: string, app: string, appDir: string): Promise<void> {
    try {
      const cached = await this.toolkit.synth(await this.toolkit.fromAssemblyDirectory(directory));
      await cached.dispose();
    } catch (error) {
      throw new SynthError(`The CDK app failed to synthesize (${app} in ${appDir}): ${messageOf(error)}`, {
        cause: error,
      });
    }
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
      const concurrency = Math.min(stacks.length, 8);
      await this.toolkit.deploy(source, {
        stacks: {
          strategy: this.lib.StackSelectionStrategy.PATTERN_MUST_MATCH,
          patterns: stacks.map((stack) => assembly.selectors.get(stack.name) ?? stack.name),
          expand: this.lib.ExpandStackSelection.NONE,
        },
        deploymentMethod: deploymentMethodFor(options.method, stacks[0]),
        concurrency,
        // poll-interval-ms empty: spaced out by how many stacks deploy at once, so that together
        // they keep within the account's CloudFormation read quota.
        stackEventPollingInterval: deployPollMs(stacks, concurrency, this.options.pollIntervalMs),
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
}
