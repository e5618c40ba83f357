import { describeHotswap, hotswapOverlay } from '../domain/hotswap.js';
import type { Assembly, AwsSession } from '../ports.js';
import type { DeployPlan } from './deploy-inspect.js';
import type { DeployRecord } from './deploy-record.js';
import { StateRecorder } from './deploy-state.js';
import type { DeployPorts, DeployRequest } from './deploy-types.js';

/**
 * Deploys the changed stacks through the CDK toolkit (bootstrapping first when asked), recording
 * each in the report and, as it finishes, in the environment's state. Nothing changed: no write.
 */
export async function applyChanges(
  assembly: Assembly,
  plan: DeployPlan,
  request: DeployRequest,
  ports: DeployPorts,
  record: DeployRecord,
): Promise<void> {
  const { log } = ports;
  const { changed } = plan;
  if (changed.length === 0) {
    log.info('No stack changed since the last deploy: nothing to deploy.');
    return;
  }
  if (request.inputs.bootstrap) await bootstrapIfNeeded(request.session, ports);
  record.saveProgress(changed.map((stack) => stack.name));
  const state = new StateRecorder(plan.state, assembly.stacks, request, ports);
  try {
    await log.group(`Deploy ${changed.map((stack) => stack.name).join(', ')}`, () =>
      ports.cdk.deploy(assembly, changed, {
        method: request.inputs.deploymentMethod,
        onProgress: (event) => {
          if (event.code === 'assets-published') log.info(`assets published in ${event.ms} ms`);
          if (event.code === 'stack-deployed') {
            const hotswapped = describeHotswap(event.hotswapped ?? []);
            if (hotswapped === '') {
              record.setStack({ name: event.stack, outcome: 'deployed' });
              state.record(event.stack, 'deploy');
              log.info(`${event.stack}: deployed in ${event.ms} ms${event.noOp ? ' (no changes)' : ''}`);
            } else {
              record.setStack({ name: event.stack, outcome: 'hotswapped', hotswapped });
              state.record(event.stack, 'hotswap', hotswapOverlay(event.hotswapped ?? []));
              log.info(
                `${event.stack}: hotswapped ${hotswapped} in ${event.ms} ms (no CloudFormation deployment)`,
              );
            }
          }
          if (event.code === 'stack-failed') record.setStack({ name: event.stack, outcome: 'failed' });
        },
      }),
    );
    for (const stack of changed) {
      if (record.stacks.get(stack.name)?.outcome === 'hotswapped') continue;
      record.setStack({ name: stack.name, outcome: 'deployed' });
      state.record(stack.name, 'deploy');
    }
    record.deployedAny = true;
  } finally {
    await state.flush();
  }
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
