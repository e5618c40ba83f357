import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { safeHref } from '../domain/markdown.js';
import { stacksOutsidePrefix } from '../domain/naming.js';
import { arrangeOutputs } from '../domain/outputs.js';
import { describeOwner, isoSeconds, ownerOf, ownershipTags, TAG } from '../domain/ownership.js';
import type { EnvironmentReport, StackOutput, StackReport, TestSummary } from '../domain/report.js';
import { waveOf } from '../domain/waves.js';
import { DeployError, messageOf, OwnershipError, PrenvError, SynthError } from '../errors.js';
import type { Inputs } from '../inputs.js';
import type {
  Assembly,
  AwsSession,
  CdkPort,
  Clock,
  CommandRunner,
  GitHubPort,
  Log,
  StackInfo,
  StacksPort,
  StepPort,
  TestReportReader,
} from '../ports.js';
import { credentialVariables } from './credentials.js';
import { deleteStack, STACK_TIMEOUT_MS } from './delete-stacks.js';
import type { Reporter } from './reporter.js';
import { saveRunState } from './run-state.js';
import { runTests, testResult } from './tests.js';

/** The ports the deploy workflow uses. */
export interface DeployPorts {
  readonly log: Log;
  readonly clock: Clock;
  readonly step: StepPort;
  readonly reporter: Reporter;
  readonly stacks: StacksPort;
  readonly cdk: CdkPort;
  readonly runner: CommandRunner;
  readonly junit: TestReportReader;
  readonly github: GitHubPort | undefined;
}

/** What to deploy. */
export interface DeployRequest {
  readonly inputs: Inputs;
  readonly session: AwsSession;
  readonly repository: string;
  readonly pullRequest: number;
  readonly sha: string;
  readonly environment: string;
  readonly workspace: string;
  /** Where the PRENV_OUTPUTS file is written (RUNNER_TEMP). */
  readonly tempDir: string;
  /** The step's environment, which the e2e command inherits. */
  readonly stepEnv: Readonly<Record<string, string | undefined>>;
  readonly runUrl?: string;
  readonly repositoryUrl?: string;
}

/** The deploy's report, and the reason the step fails, if it does. */
export interface DeployOutcome {
  readonly report: EnvironmentReport;
  readonly failure?: string;
  /** The PR was closed while this deploy ran: the environment must be destroyed now. */
  readonly closedDuringDeploy?: boolean;
  /** Why nothing was deployed at all (the PR was already closed); the report is then not a summary. */
  readonly skipped?: string;
}

const SETTLED_OK = new Set(['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'IMPORT_COMPLETE']);
const REPLACE = new Set(['ROLLBACK_COMPLETE', 'ROLLBACK_FAILED', 'DELETE_FAILED', 'REVIEW_IN_PROGRESS']);

/** Synthesizes, deploys what changed, runs the e2e suite and reports. */
export async function deploy(request: DeployRequest, ports: DeployPorts): Promise<DeployOutcome> {
  const { log, clock, reporter } = ports;
  const started = clock.now();
  const base = {
    environment: request.environment,
    repository: request.repository,
    pullRequest: request.pullRequest,
    sha: request.sha,
    ...(request.runUrl === undefined ? {} : { runUrl: request.runUrl }),
    ...(request.repositoryUrl === undefined ? {} : { repositoryUrl: request.repositoryUrl }),
  };
  const report = (fields: Omit<EnvironmentReport, keyof typeof base | 'updatedAt'>): EnvironmentReport => ({
    ...base,
    ...fields,
    updatedAt: isoSeconds(clock.now()),
  });

  const pr = await ports.github?.pullRequest(request.pullRequest).catch((error: unknown) => {
    log.warning(`Could not check whether PR #${request.pullRequest} is still open: ${messageOf(error)}`);
    return undefined;
  });
  if (pr?.state === 'closed') {
    const message = `PR #${request.pullRequest} was closed before this deploy started; nothing was deployed (the closed event destroys the environment).`;
    log.notice(message);
    setOutputs(ports.step, request, [], undefined, 'skipped');
    return { report: report({ state: 'destroyed', notes: [message] }), skipped: message };
  }

  saveRunState(ports.step, {
    phase: 'deploying',
    environment: request.environment,
    pullRequest: request.pullRequest,
    sha: request.sha,
    stacks: [],
  });
  // Progress updates go to GitHub in the background; the final report below is awaited.
  void reporter.startDeployment(request.environment, request.sha);
  void reporter.comment(report({ state: 'deploying' }));

  const timings: { synth?: number; deploy?: number; tests?: number } = {};
  let assembly: Assembly | undefined;
  const stackReports = new Map<string, StackReport>();
  let existing = new Map<string, StackInfo>();
  let tags: Record<string, string> = {};
  let deployedAny = false;
  try {
    const synthStart = clock.now().getTime();
    assembly = await log.group(`Synthesize the CDK app in ${request.inputs.appDir}`, () =>
      ports.cdk.synth({
        appDir: request.inputs.appDir,
        ...(request.inputs.app === undefined ? {} : { app: request.inputs.app }),
        context: {
          ...request.inputs.context,
          'prenv:name': request.environment,
          'prenv:pull-request': String(request.pullRequest),
          'prenv:sha': request.sha,
        },
      }),
    );
    timings.synth = clock.now().getTime() - synthStart;
    log.info(`Synthesized ${assembly.stacks.length} stack(s) in ${timings.synth} ms`);
    const names = assembly.stacks.map((stack) => stack.name);
    if (names.length === 0) throw new SynthError('The CDK app synthesized no stacks.');
    const outside = stacksOutsidePrefix(request.environment, names);
    if (outside.length > 0) {
      throw new SynthError(
        `prenv deploys only stacks named "${request.environment}-…", so one PR can never touch another PR's or a ` +
          `shared stack. These stacks are outside that prefix: ${outside.join(', ')}. Name every stack from the ` +
          `CDK context value prenv:name, e.g. new Stack(app, \`\${app.node.tryGetContext('prenv:name')}-api\`).`,
      );
    }

    // Every stack goes to the session's account and region: prenv checked that account against the
    // allow-list, and looks for owned stacks (and cleans them up) there only.
    const elsewhere = assembly.stacks.filter(
      (stack) =>
        (stack.account !== undefined && stack.account !== request.session.account) ||
        (stack.region !== undefined && stack.region !== request.session.region),
    );
    if (elsewhere.length > 0) {
      throw new SynthError(
        `These stacks are pinned to another account or region than the sandbox session ` +
          `(${request.session.account}, ${request.session.region}): ` +
          `${elsewhere.map((stack) => `${stack.name} (${stack.account ?? 'any account'}, ${stack.region ?? 'any region'})`).join(', ')}. ` +
          'prenv deploys only to the account it checked against allowed-account-ids and to aws-region: leave env unset, ' +
          'or use process.env.CDK_DEFAULT_ACCOUNT and CDK_DEFAULT_REGION.',
      );
    }
    existing = await inspectStacks(names, request, ports);
    const waves = waveOf(assembly.stacks);
    const createdAt = [...existing.values()].map((stack) => stack.tags[TAG.createdAt]).find((value) => value);
    tags = ownershipTags({
      repository: request.repository,
      pullRequest: request.pullRequest,
      environment: request.environment,
      sha: request.sha,
      now: clock.now(),
      ttlHours: request.inputs.ttlHours,
      ...(createdAt === undefined ? {} : { createdAt }),
    });
    // An unchanged stack is not deployed again (no CloudFormation write), unless less than half its
    // TTL is left: then its tags are rewritten, so an open PR that keeps pushing is never swept.
    const renewBefore = clock.now().getTime() + (request.inputs.ttlHours * 3_600_000) / 2;
    const changed = assembly.stacks.filter((stack) => {
      const current = existing.get(stack.name);
      const expiresAt = Date.parse(current?.tags[TAG.expiresAt] ?? '');
      const same =
        current !== undefined &&
        SETTLED_OK.has(current.status) &&
        current.tags[TAG.fingerprint] === stack.fingerprint &&
        current.tags[TAG.wave] === String(waves.get(stack.name) ?? 0) &&
        Number.isFinite(expiresAt) &&
        expiresAt >= renewBefore;
      if (same)
        stackReports.set(stack.name, { name: stack.name, outcome: 'unchanged', status: current.status });
      else stackReports.set(stack.name, { name: stack.name, outcome: 'not-deployed' });
      return !same;
    });

    if (request.inputs.bootstrap && changed.length > 0) await bootstrapIfNeeded(request.session, ports);

    saveRunState(ports.step, {
      phase: 'deploying',
      environment: request.environment,
      pullRequest: request.pullRequest,
      sha: request.sha,
      stacks: changed.map((stack) => stack.name),
    });
    const deployStart = clock.now().getTime();
    if (changed.length === 0) {
      log.info('No stack changed since the last deploy: nothing to deploy.');
    } else {
      await log.group(`Deploy ${changed.map((stack) => stack.name).join(', ')}`, () =>
        ports.cdk.deploy(
          assembly as Assembly,
          changed.map((stack) => ({
            name: stack.name,
            tags: {
              ...tags,
              [TAG.fingerprint]: stack.fingerprint,
              [TAG.wave]: String(waves.get(stack.name) ?? 0),
            },
          })),
          {
            method: request.inputs.deploymentMethod,
            onProgress: (event) => {
              if (event.code === 'assets-published') log.info(`assets published in ${event.ms} ms`);
              if (event.code === 'stack-deployed') {
                stackReports.set(event.stack, { name: event.stack, outcome: 'deployed' });
                log.info(`${event.stack}: deployed in ${event.ms} ms${event.noOp ? ' (no changes)' : ''}`);
              }
              if (event.code === 'stack-failed')
                stackReports.set(event.stack, { name: event.stack, outcome: 'failed' });
            },
          },
        ),
      );
      for (const stack of changed) stackReports.set(stack.name, { name: stack.name, outcome: 'deployed' });
      deployedAny = true;
    }
    timings.deploy = clock.now().getTime() - deployStart;
  } catch (error) {
    await assembly?.dispose().catch(() => undefined);
    const failed = await failureReport(error, ports);
    const outcome = report({
      state: 'deploy-failed',
      stacks: [...stackReports.values()],
      timings: { ...timings, total: clock.now().getTime() - started.getTime() },
      failure: failed,
    });
    saveRunState(ports.step, { phase: 'done' });
    setOutputs(ports.step, request, [...stackReports.keys()], undefined, 'skipped');
    await reporter.deploymentStatus('failure', 'Deploy failed');
    await reporter.comment(outcome);
    return { report: outcome, failure: `Deploy of ${request.environment} failed: ${failed.reason}` };
  }
  await assembly.dispose().catch(() => undefined);

  try {
    // The PR may have been closed while this deploy ran, and the closed event's destroy may already
    // have found nothing to delete: then what was just deployed would leak until the next sweep.
    if (deployedAny) {
      const now = await ports.github?.pullRequest(request.pullRequest).catch(() => undefined);
      if (now?.state === 'closed') {
        log.notice(
          `PR #${request.pullRequest} was closed while ${request.environment} was deploying: destroying it.`,
        );
        saveRunState(ports.step, { phase: 'done' });
        return {
          report: report({ state: 'destroying', stacks: [...stackReports.values()] }),
          closedDuringDeploy: true,
        };
      }
    }

    // Outputs of every stack of the app, deployed now or unchanged.
    const outputs: StackOutput[] = [];
    // Unchanged stacks were read before the deploy; the deployed ones are read again, together.
    const live = await Promise.all(
      [...stackReports].map(([name, stackReport]) =>
        stackReport.outcome === 'unchanged' ? existing.get(name) : ports.stacks.get(name),
      ),
    );
    for (const stack of live) {
      if (stack === undefined) continue;
      outputs.push(...stack.outputs);
      const stackReport = stackReports.get(stack.name);
      if (stackReport !== undefined) stackReports.set(stack.name, { ...stackReport, status: stack.status });
    }
    let arranged: ReturnType<typeof arrangeOutputs>;
    try {
      arranged = arrangeOutputs(outputs);
    } catch (error) {
      const outcome = report({
        state: 'deploy-failed',
        stacks: [...stackReports.values()],
        outputs,
        failure: { reason: messageOf(error) },
        timings,
      });
      saveRunState(ports.step, { phase: 'done' });
      setOutputs(ports.step, request, [...stackReports.keys()], undefined, 'skipped');
      await reporter.deploymentStatus('failure', 'Outputs conflict');
      await reporter.comment(outcome);
      return { report: outcome, failure: messageOf(error) };
    }
    const outputsFile = join(request.tempDir, `prenv-${request.environment}-outputs.json`);
    await mkdir(request.tempDir, { recursive: true });
    await writeFile(outputsFile, `${JSON.stringify(arranged.byStack, null, 2)}\n`, { mode: 0o600 });

    // Unchanged stacks keep their tags: the environment expires when its latest written tag says.
    const expiresAt = latest([
      ...(deployedAny ? [tags[TAG.expiresAt]] : []),
      ...[...existing.values()].map((stack) => stack.tags[TAG.expiresAt]),
    ]);
    const createdAt = tags[TAG.createdAt];
    let tests: TestSummary | undefined;
    if (request.inputs.testCommand !== undefined) {
      void reporter.comment(
        report({
          state: 'deploying',
          stacks: [...stackReports.values()],
          outputs,
          ...urlOf(arranged),
          timings,
        }),
      );
      const testStart = clock.now().getTime();
      tests = await runTests(
        {
          command: request.inputs.testCommand,
          cwd: request.inputs.testWorkingDirectory,
          timeoutMinutes: request.inputs.testTimeoutMinutes,
          env: testEnvironment(request, arranged.variables, outputsFile, log),
          ...(request.inputs.testReport === undefined ? {} : { report: request.inputs.testReport }),
          workspace: request.workspace,
        },
        ports,
      );
      timings.tests = clock.now().getTime() - testStart;
    }
    const result = testResult(tests);
    saveRunState(ports.step, { phase: 'done' });
    setOutputs(ports.step, request, [...stackReports.keys()], arranged, result);
    const outcome = report({
      state: result === 'failed' ? 'tests-failed' : 'ready',
      stacks: [...stackReports.values()],
      outputs,
      ...urlOf(arranged),
      ...(tests === undefined ? {} : { tests }),
      timings: { ...timings, total: clock.now().getTime() - started.getTime() },
      ...(expiresAt === undefined ? {} : { expiresAt }),
      ...(createdAt === undefined ? {} : { createdAt }),
    });
    await reporter.deploymentStatus(
      'success',
      result === 'failed' ? 'Deployed; e2e tests failed' : 'Deployed',
      // GitHub takes an http(s) URL only; an output such as an ECR repository URL would fail the status.
      arranged.url !== undefined && safeHref(arranged.url) !== undefined ? arranged.url : undefined,
    );
    await reporter.comment(outcome);
    return {
      report: outcome,
      ...(result === 'failed'
        ? {
            failure: `The e2e tests failed against ${request.environment}; the environment stays up until the PR closes.`,
          }
        : {}),
    };
  } catch (error) {
    // The stacks are deployed, but something after that failed (outputs, the outputs file, the tests).
    const reason = `${request.environment} is deployed, but then: ${messageOf(error)}`;
    log.error(reason);
    saveRunState(ports.step, { phase: 'done' });
    setOutputs(ports.step, request, [...stackReports.keys()], undefined, 'skipped');
    const outcome = report({
      state: 'deploy-failed',
      stacks: [...stackReports.values()],
      timings: { ...timings, total: clock.now().getTime() - started.getTime() },
      failure: { reason },
    });
    await reporter.deploymentStatus('failure', 'Deployed; then failed');
    await reporter.comment(outcome);
    return { report: outcome, failure: reason };
  }
}

/** Looks at every stack of the app before any write: refuses foreign stacks, repairs or waits on odd states. */
async function inspectStacks(
  names: readonly string[],
  request: DeployRequest,
  ports: DeployPorts,
): Promise<Map<string, StackInfo>> {
  const found = new Map<string, StackInfo>();
  for (const name of names) {
    const stack = await ports.stacks.get(name);
    if (stack === undefined) continue;
    const owner = ownerOf(stack.tags, request.repository, request.pullRequest);
    if (owner.kind !== 'this-pr') {
      throw new OwnershipError(
        `Stack ${name} already exists and belongs to ${describeOwner(owner)}, so prenv will not update it. ` +
          'If two repositories share this sandbox account, give each its own names with ' +
          'environment-name: {repo}-pr-{number}.',
      );
    }
    found.set(name, stack);
  }
  for (const [name, stack] of found) {
    let current: StackInfo | undefined = stack;
    if (current.status.endsWith('_IN_PROGRESS') && current.status !== 'REVIEW_IN_PROGRESS') {
      ports.log.info(
        `${name} is ${current.status} (another run, or a cancelled one); waiting for it to settle`,
      );
      current = await ports.stacks.settle(current.id, STACK_TIMEOUT_MS);
      if (current?.status.endsWith('_IN_PROGRESS')) {
        throw new DeployError(
          `${name} is still ${current.status} after ${STACK_TIMEOUT_MS / 60_000} minutes; try again later.`,
          name,
        );
      }
    }
    if (current !== undefined && current.status === 'UPDATE_ROLLBACK_FAILED') {
      throw new DeployError(
        `${name} is UPDATE_ROLLBACK_FAILED: CloudFormation needs the rollback finished before anything else. ` +
          `Run \`aws cloudformation continue-update-rollback --stack-name ${name}\` (skipping the resources ` +
          'that cannot roll back), or close and reopen the PR to destroy and recreate the environment.',
        name,
      );
    }
    if (current !== undefined && REPLACE.has(current.status)) {
      ports.log.warning(
        `${name} is ${current.status}, which cannot be updated: deleting it to create it again`,
      );
      const deleted = await deleteStack(ports.stacks, current, ports.log);
      if (deleted.report.outcome !== 'deleted') {
        throw new DeployError(`${name} is ${current.status} and could not be deleted to recreate it.`, name);
      }
      current = undefined;
    }
    if (current === undefined) found.delete(name);
    else found.set(name, current);
  }
  return found;
}

async function bootstrapIfNeeded(session: AwsSession, ports: DeployPorts): Promise<void> {
  const toolkitStack = await ports.stacks.get('CDKToolkit');
  if (
    toolkitStack !== undefined &&
    !toolkitStack.status.endsWith('_FAILED') &&
    toolkitStack.status !== 'ROLLBACK_COMPLETE'
  ) {
    ports.log.info(
      `aws://${session.account}/${session.region} is bootstrapped (CDKToolkit ${toolkitStack.status})`,
    );
    return;
  }
  await ports.log.group(`Bootstrap aws://${session.account}/${session.region}`, () =>
    ports.cdk.bootstrap(session.account, session.region),
  );
}

async function failureReport(error: unknown, ports: DeployPorts) {
  const stack = error instanceof DeployError ? error.stackName : undefined;
  if (!(error instanceof PrenvError)) ports.log.debug(String((error as Error)?.stack ?? error));
  if (stack !== undefined && error instanceof DeployError && error.cause !== undefined) {
    const live = await ports.stacks.get(stack).catch(() => undefined);
    const cause =
      live === undefined ? undefined : await ports.stacks.firstFailure(live.id).catch(() => undefined);
    if (cause !== undefined) return cause;
  }
  return { ...(stack === undefined ? {} : { stack }), reason: messageOf(error) };
}

function setOutputs(
  step: StepPort,
  request: DeployRequest,
  stacks: readonly string[],
  arranged: ReturnType<typeof arrangeOutputs> | undefined,
  result: string,
): void {
  step.setOutput('environment', request.environment);
  step.setOutput('stacks', JSON.stringify(stacks));
  step.setOutput('outputs', JSON.stringify(arranged?.flat ?? {}));
  step.setOutput('url', arranged?.url ?? '');
  step.setOutput('test-result', result);
}

const RESERVED = /^(PATH|HOME|SHELL|USER|PWD|NODE_OPTIONS|(AWS|PRENV|GITHUB|RUNNER|ACTIONS|INPUT)_.*)$/;
/** What PR code never gets: the action's inputs (the GitHub token) and the means to mint OIDC tokens. */
export const WITHHELD = /^(INPUT_.*|ACTIONS_ID_TOKEN_REQUEST_(URL|TOKEN)|ACTIONS_RUNTIME_TOKEN)$/;

/** The e2e command's environment: the step's, then the outputs, then prenv's own and the credentials. */
function testEnvironment(
  request: DeployRequest,
  variables: Readonly<Record<string, string>>,
  outputsFile: string,
  log: Log,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(request.stepEnv)) {
    if (value !== undefined && !WITHHELD.test(key)) env[key] = value;
  }
  for (const [key, value] of Object.entries(variables)) {
    if (RESERVED.test(key))
      log.warning(`Output ${key} is not passed to the e2e command: that name is reserved`);
    else env[key] = value;
  }
  return {
    ...env,
    ...credentialVariables(request.session),
    PRENV_NAME: request.environment,
    PRENV_OUTPUTS: outputsFile,
    PRENV_PULL_REQUEST: String(request.pullRequest),
    PRENV_SHA: request.sha,
  };
}

function urlOf(arranged: { url?: string }): { url?: string } {
  return arranged.url === undefined ? {} : { url: arranged.url };
}

/** The latest of some ISO timestamps. */
function latest(values: readonly (string | undefined)[]): string | undefined {
  return values
    .filter((value): value is string => value !== undefined && value !== '')
    .sort()
    .at(-1);
}
