import {
  EventBridgeClient,
  ListTargetsByRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { TestProject } from 'vitest/node';
import { deploymentFromEnv } from './deployment.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Emulator mode only: the queue the InvoiceCreated rule delivers to instead of the notifier. */
    invoiceCreatedQueueUrl: string | undefined;
    /** Emulator mode only: the rule's target ARNs as deployed, read before they were replaced. */
    invoiceCreatedDeployedTargets: string[] | undefined;
  }
}

/**
 * Global setup of the e2e project. On AWS it does nothing. On an emulator (AWS_ENDPOINT_URL set) it points
 * the deployed InvoiceCreated rule at a queue of its own instead of the notifier function: moto 5.2 cannot
 * deliver an event to a Lambda target (PutEvents fails with an HTTP 500 whenever a matching rule targets
 * one), and it runs no Lambda code anyway. The event tests then read what the deployed rule delivered and
 * hand it to the notifier's deployed bundle, run locally. The deployed targets are put back at the end.
 */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const deployment = deploymentFromEnv();
  if (deployment.emulatorEndpoint === undefined) {
    project.provide('invoiceCreatedQueueUrl', undefined);
    project.provide('invoiceCreatedDeployedTargets', undefined);
    return undefined;
  }
  const events = new EventBridgeClient({});
  const sqs = new SQSClient({});
  try {
    const rule = { Rule: deployment.invoiceCreatedRuleName, EventBusName: deployment.eventBusName };
    const { QueueUrl } = await sqs.send(
      new CreateQueueCommand({ QueueName: `${deployment.invoiceCreatedRuleName}-e2e` }),
    );
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
    );
    const { Targets = [] } = await events.send(new ListTargetsByRuleCommand(rule));
    if (Targets.length > 0) {
      await events.send(new RemoveTargetsCommand({ ...rule, Ids: Targets.map((target) => target.Id ?? '') }));
    }
    await events.send(
      new PutTargetsCommand({ ...rule, Targets: [{ Id: 'e2e-queue', Arn: Attributes?.QueueArn }] }),
    );
    project.provide('invoiceCreatedQueueUrl', QueueUrl);
    project.provide(
      'invoiceCreatedDeployedTargets',
      Targets.map((target) => target.Arn ?? ''),
    );
    // Afterwards the rule targets what it was deployed with again, so the next run (or push) finds it so.
    return async () => {
      const restore = new EventBridgeClient({});
      try {
        await restore.send(new RemoveTargetsCommand({ ...rule, Ids: ['e2e-queue'] }));
        if (Targets.length > 0) await restore.send(new PutTargetsCommand({ ...rule, Targets }));
      } finally {
        restore.destroy();
      }
    };
  } finally {
    events.destroy();
    sqs.destroy();
  }
}
