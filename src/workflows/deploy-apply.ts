import type { Assembly, AwsSession, StackToDeploy } from '../ports.js';
import type { DeployRecord } from './deploy-record.js';
import type { DeployPorts, DeployRequest } from './deploy-types.js';

/** Deploys the changed stacks through the CDK toolkit (bootstrapping first when asked), recording each. */
export async function applyChanges(
  assembly: Assembly,
  changed: readonly StackToDeploy[],
  request: DeployRequest,
  ports: DeployPorts,
  record: DeployRecord,
): Promise<void> {
  const { log } = ports;
  if (changed.length === 0) {
    log.info('No stack changed since the last deploy: nothing to deploy.');
    return;
  }
  if (request.inputs.bootstrap) await bootstrapIfNeeded(request.session, ports);
  record.saveProgress(changed.map((stack) => stack.name));
  await log.group(`Deploy ${changed.map((stack) => stack.name).join(', ')}`, () =>
    ports.cdk.deploy(assembly, changed, {
      method: request.inputs.deploymentMethod,
      onProgress: (event) => {
        if (event.code === 'assets-published') log.info(`assets published in ${event.ms} ms`);
        if (event.code === 'stack-deployed') {
          record.setStack({ name: event.stack, outcome: 'deployed' });
          log.info(`${event.stack}: deployed in ${event.ms} ms${event.noOp ? ' (no changes)' : ''}`);
        }
        if (event.code === 'stack-failed') record.setStack({ name: event.stack, outcome: 'failed' });
      },
    }),
  );
  for (const stack of changed) record.setStack({ name: stack.name, outcome: 'deployed' });
  record.deployedAny = true;
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
