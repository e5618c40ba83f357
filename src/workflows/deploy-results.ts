import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isWithheld } from '../domain/env-names.js';
import { userinfoSecrets } from '../domain/environment-url.js';
import { valuesToMask } from '../domain/hidden-outputs.js';
import { type ArrangedOutputs, arrangeOutputs } from '../domain/outputs.js';
import type { StackOutput, TestSummary } from '../domain/report.js';
import type { AwsCredentials, StackInfo } from '../ports.js';
import { credentialVariables } from './credentials.js';
import type { DeployRecord } from './deploy-record.js';
import type { DeployPorts, DeployRequest } from './deploy-types.js';
import { runTests } from './tests.js';

/** Every output of the app's stacks, arranged, and the PRENV_OUTPUTS file that holds them. */
export interface DeployResults {
  readonly outputs: readonly StackOutput[];
  readonly arranged: ArrangedOutputs;
  readonly outputsFile: string;
}

/** Reads the outputs of every stack of the app (unchanged ones were read before the deploy) and writes PRENV_OUTPUTS. */
export async function collectOutputs(
  existing: ReadonlyMap<string, StackInfo>,
  request: DeployRequest,
  ports: DeployPorts,
  record: DeployRecord,
): Promise<DeployResults> {
  const live = await Promise.all(
    [...record.stacks].map(([name, stackReport]) =>
      stackReport.outcome === 'unchanged' ? existing.get(name) : ports.stacks.get(name),
    ),
  );
  const outputs: StackOutput[] = [];
  for (const stack of live) {
    if (stack === undefined) continue;
    outputs.push(...stack.outputs);
    const stackReport = record.stacks.get(stack.name);
    if (stackReport !== undefined) record.setStack({ ...stackReport, status: stack.status });
  }
  // Secrets are masked before anything (a warning, the outputs action output) could print them.
  for (const value of valuesToMask(outputs, request.inputs.hideOutputs)) ports.log.mask(value);
  record.outputs = outputs;
  // Credentials embedded in an output URL never reach the log; the comment and url drop them.
  for (const output of outputs) for (const secret of userinfoSecrets(output.value)) ports.log.mask(secret);
  const { urlOutput } = request.inputs;
  const arranged = arrangeOutputs(outputs, urlOutput);
  if (urlOutput !== undefined && arranged.urlOutput === undefined) {
    ports.log.warning(
      `url-output is ${urlOutput}, but no stack has an output of that key: the environment has no URL.`,
    );
  }
  for (const output of arranged.refused) {
    ports.log.warning(
      `Output ${output.key} of ${output.stack} is not passed to the e2e command as ${output.variable}: ` +
        'that name would change how programs start or behave. It is still in the PRENV_OUTPUTS file.',
    );
  }
  const outputsFile = join(request.tempDir, `prenv-${request.environment}-outputs.json`);
  await mkdir(request.tempDir, { recursive: true });
  await writeFile(outputsFile, `${JSON.stringify(arranged.byStack, null, 2)}\n`, { mode: 0o600 });
  return { outputs, arranged, outputsFile };
}

/** Runs the e2e command, when there is one, with the outputs and the session in its environment. */
export async function runE2e(
  results: DeployResults,
  request: DeployRequest,
  ports: DeployPorts,
): Promise<TestSummary | undefined> {
  const { inputs } = request;
  if (inputs.testCommand === undefined) return undefined;
  // Credentials that outlast the command: assumed again now unless they last test-timeout-minutes more.
  const credentials =
    (await request.session.current?.({ validForMs: inputs.testTimeoutMinutes * 60_000 })) ??
    request.session.credentials;
  return runTests(
    {
      command: inputs.testCommand,
      cwd: inputs.testWorkingDirectory,
      timeoutMinutes: inputs.testTimeoutMinutes,
      env: testEnvironment(request, credentials, results.arranged.variables, results.outputsFile),
      ...(inputs.testReport === undefined ? {} : { report: inputs.testReport }),
      workspace: request.workspace,
    },
    ports,
  );
}

/** The e2e command's environment: the step's, then the safe outputs, then prenv's own and the credentials. */
function testEnvironment(
  request: DeployRequest,
  credentials: AwsCredentials,
  variables: Readonly<Record<string, string>>,
  outputsFile: string,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(request.stepEnv)) {
    if (value !== undefined && !isWithheld(key)) env[key] = value;
  }
  return {
    ...env,
    ...variables,
    ...credentialVariables(request.session, credentials),
    PRENV_NAME: request.environment,
    PRENV_OUTPUTS: outputsFile,
    PRENV_PULL_REQUEST: String(request.pullRequest),
    PRENV_SHA: request.sha,
  };
}
