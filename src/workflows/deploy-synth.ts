import { stacksOutsidePrefix } from '../domain/naming.js';
import { SynthError } from '../errors.js';
import type { Assembly } from '../ports.js';
import type { DeployPorts, DeployRequest } from './deploy-types.js';

/**
 * Synthesizes the PR's CDK app under the environment's name; refuses stacks prenv must not deploy.
 * onStarted is called once the app runs (work that can overlap its synth starts then).
 */
export async function synthesize(
  request: DeployRequest,
  ports: DeployPorts,
  onStarted?: () => void,
): Promise<Assembly> {
  const { inputs } = request;
  const assembly = await ports.log.group(`Synthesize the CDK app in ${inputs.appDir}`, () =>
    ports.cdk.synth({
      appDir: inputs.appDir,
      ...(inputs.app === undefined ? {} : { app: inputs.app }),
      context: {
        ...inputs.context,
        'prenv:name': request.environment,
        'prenv:pull-request': String(request.pullRequest),
        'prenv:sha': request.sha,
      },
      ...(onStarted === undefined ? {} : { onStarted }),
    }),
  );
  try {
    checkStacks(assembly, request);
  } catch (error) {
    await assembly.dispose().catch(() => undefined);
    throw error;
  }
  return assembly;
}

/** Every stack must carry the environment's prefix and go to the session's account and region. */
function checkStacks(assembly: Assembly, request: DeployRequest): void {
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
  // prenv checked the session's account against the allow-list, and looks for owned stacks (and
  // cleans them up) in that account and region only.
  const { account, region } = request.session;
  const elsewhere = assembly.stacks.filter(
    (stack) =>
      (stack.account !== undefined && stack.account !== account) ||
      (stack.region !== undefined && stack.region !== region),
  );
  if (elsewhere.length > 0) {
    throw new SynthError(
      `These stacks are pinned to another account or region than the sandbox session (${account}, ${region}): ` +
        `${elsewhere.map((stack) => `${stack.name} (${stack.account ?? 'any account'}, ${stack.region ?? 'any region'})`).join(', ')}. ` +
        'prenv deploys only to the account it checked against allowed-account-ids and to aws-region: leave env unset, ' +
        'or use process.env.CDK_DEFAULT_ACCOUNT and CDK_DEFAULT_REGION.',
    );
  }
}
