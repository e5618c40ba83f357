import {
  CloudFormationClient,
  DeleteStackCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  paginateDescribeStacks,
  type Stack,
  type StackEvent,
} from '@aws-sdk/client-cloudformation';
import type { FailureCause } from '../domain/report.js';
import type { AwsSession, Clock, StackInfo, StacksPort } from '../ports.js';
import { clientConfig } from './aws-config.js';

const POLL_MS = 2_000;

/** CloudFormation through the AWS SDK. */
export class CloudFormationStacks implements StacksPort {
  private readonly client: CloudFormationClient;

  constructor(
    session: Pick<AwsSession, 'region' | 'credentials'>,
    private readonly clock: Clock,
    private readonly pollMs = POLL_MS,
  ) {
    this.client = new CloudFormationClient(clientConfig(session.region, session.credentials));
  }

  async get(name: string): Promise<StackInfo | undefined> {
    try {
      const response = await this.client.send(new DescribeStacksCommand({ StackName: name }));
      const stack = response.Stacks?.[0];
      return stack === undefined || stack.StackStatus === 'DELETE_COMPLETE' ? undefined : toInfo(stack);
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async list(): Promise<StackInfo[]> {
    const stacks: StackInfo[] = [];
    for await (const page of paginateDescribeStacks({ client: this.client }, {})) {
      for (const stack of page.Stacks ?? []) {
        if (stack.StackStatus !== 'DELETE_COMPLETE') stacks.push(toInfo(stack));
      }
    }
    return stacks;
  }

  async delete(id: string, options: { force?: boolean } = {}): Promise<void> {
    await this.client.send(
      new DeleteStackCommand({
        StackName: id,
        ...(options.force ? { DeletionMode: 'FORCE_DELETE_STACK' } : {}),
      }),
    );
  }

  async settle(id: string, timeoutMs: number): Promise<StackInfo | undefined> {
    const deadline = this.clock.now().getTime() + timeoutMs;
    for (;;) {
      let stack: Stack | undefined;
      try {
        stack = (await this.client.send(new DescribeStacksCommand({ StackName: id }))).Stacks?.[0];
      } catch (error) {
        if (isMissing(error)) return undefined;
        throw error;
      }
      if (stack === undefined || stack.StackStatus === 'DELETE_COMPLETE') return undefined;
      if (!stack.StackStatus?.endsWith('_IN_PROGRESS') || this.clock.now().getTime() >= deadline) {
        return toInfo(stack);
      }
      await this.clock.sleep(this.pollMs);
    }
  }

  async firstFailure(id: string): Promise<FailureCause | undefined> {
    const events: StackEvent[] = [];
    let nextToken: string | undefined;
    // Newest first; stop at the start of the latest operation (the stack's own *_IN_PROGRESS event).
    do {
      const page = await this.client.send(
        new DescribeStackEventsCommand({ StackName: id, NextToken: nextToken }),
      );
      for (const event of page.StackEvents ?? []) {
        events.push(event);
        if (isOperationStart(event)) return earliestFailure(events);
      }
      nextToken = page.NextToken;
    } while (nextToken !== undefined && events.length < 1_000);
    return earliestFailure(events);
  }
}

function isOperationStart(event: StackEvent): boolean {
  return (
    event.ResourceType === 'AWS::CloudFormation::Stack' &&
    event.LogicalResourceId === event.StackName &&
    /^(CREATE|UPDATE|DELETE|IMPORT)_IN_PROGRESS$/.test(event.ResourceStatus ?? '') &&
    event.ResourceStatusReason === 'User Initiated'
  );
}

function earliestFailure(newestFirst: readonly StackEvent[]): FailureCause | undefined {
  const failed = [...newestFirst]
    .reverse()
    .find(
      (event) =>
        event.ResourceStatus?.endsWith('_FAILED') &&
        !(
          event.ResourceType === 'AWS::CloudFormation::Stack' && event.LogicalResourceId === event.StackName
        ) &&
        event.ResourceStatusReason !== 'Resource creation cancelled',
    );
  if (failed === undefined) return undefined;
  return {
    ...(failed.StackName === undefined ? {} : { stack: failed.StackName }),
    ...(failed.LogicalResourceId === undefined ? {} : { resource: failed.LogicalResourceId }),
    ...(failed.ResourceType === undefined ? {} : { resourceType: failed.ResourceType }),
    reason: failed.ResourceStatusReason ?? failed.ResourceStatus ?? 'failed',
  };
}

function toInfo(stack: Stack): StackInfo {
  const name = stack.StackName ?? '';
  return {
    name,
    id: stack.StackId ?? name,
    status: stack.StackStatus ?? 'UNKNOWN',
    ...(stack.StackStatusReason === undefined ? {} : { statusReason: stack.StackStatusReason }),
    tags: Object.fromEntries((stack.Tags ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? ''])),
    outputs: (stack.Outputs ?? []).map((output) => ({
      stack: name,
      key: output.OutputKey ?? '',
      value: output.OutputValue ?? '',
    })),
    ...(stack.CreationTime === undefined ? {} : { createdAt: stack.CreationTime }),
    ...(stack.LastUpdatedTime === undefined ? {} : { updatedAt: stack.LastUpdatedTime }),
  };
}

function isMissing(error: unknown): boolean {
  return error instanceof Error && /does not exist/.test(error.message);
}
