import {
  CloudFormationClient,
  DeleteStackCommand,
  DescribeStackEventsCommand,
  DescribeStackResourcesCommand,
  DescribeStacksCommand,
  GetTemplateCommand,
  paginateDescribeStacks,
  type Stack,
  type StackEvent,
  UpdateTerminationProtectionCommand,
} from '@aws-sdk/client-cloudformation';
import type { FailureCause } from '../domain/report.js';
import type { AwsSession, Clock, StackInfo, StackResource, StacksPort } from '../ports.js';
import { clientConfig, credentialProvider } from './aws-config.js';
import { settleIntervalMs } from './polling.js';

/** CloudFormation through the AWS SDK. */
export class CloudFormationStacks implements StacksPort {
  private readonly client: CloudFormationClient;
  /** Status waits in progress at once, which share the region's read quota. */
  private waiting = 0;

  /** pollMs: poll-interval-ms, each wait's own interval; undefined: settleIntervalMs, shared. */
  constructor(
    session: Pick<AwsSession, 'region' | 'credentials' | 'current'>,
    private readonly clock: Clock,
    private readonly pollMs?: number,
  ) {
    this.client = new CloudFormationClient(clientConfig(session.region, credentialProvider(session)));
  }

  async get(name: string): Promise<StackInfo | undefined> {
    try {
      const response = await this.client.send(new DescribeStacksCommand({ StackName: name }));
      const stack = response.Stacks?.[0];
      return stack === undefined || stack.StackStatus === 'DELETE_COMPLETE' ? undefined : toInfo(stack);
    } catch (error) {
      if (isMissingStack(error)) return undefined;
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
    this.waiting++;
    try {
      return await this.waitFor(id, this.clock.now().getTime() + timeoutMs);
    } finally {
      this.waiting--;
    }
  }

  private async waitFor(id: string, deadline: number): Promise<StackInfo | undefined> {
    for (;;) {
      let stack: Stack | undefined;
      try {
        stack = (await this.client.send(new DescribeStacksCommand({ StackName: id }))).Stacks?.[0];
      } catch (error) {
        if (isMissingStack(error)) return undefined;
        throw error;
      }
      if (stack === undefined || stack.StackStatus === 'DELETE_COMPLETE') return undefined;
      const left = deadline - this.clock.now().getTime();
      if (!stack.StackStatus?.endsWith('_IN_PROGRESS') || left <= 0) return toInfo(stack);
      // The last sleep ends at the deadline, for one more read, rather than a whole interval past it.
      await this.clock.sleep(Math.min(this.pollMs ?? settleIntervalMs(this.waiting), left));
    }
  }

  async template(name: string): Promise<string | undefined> {
    try {
      // Original: the template as deployed, before transforms (CDK templates have none).
      const response = await this.client.send(
        new GetTemplateCommand({ StackName: name, TemplateStage: 'Original' }),
      );
      return response.TemplateBody;
    } catch (error) {
      if (isMissingStack(error)) return undefined;
      throw error;
    }
  }

  async firstFailure(id: string): Promise<FailureCause | undefined> {
    const events: StackEvent[] = [];
    let nextToken: string | undefined;
    // Newest first; stop at the start of the latest operation (the stack's own *_IN_PROGRESS event).
    try {
      do {
        const page = await this.client.send(
          new DescribeStackEventsCommand({ StackName: id, NextToken: nextToken }),
        );
        for (const event of page.StackEvents ?? []) {
          events.push(event);
          if (isOperationStart(event)) return firstFailureIn(events);
        }
        nextToken = page.NextToken;
      } while (nextToken !== undefined && events.length < 1_000);
    } catch (error) {
      if (isMissingStack(error)) return undefined;
      throw error;
    }
    return firstFailureIn(events);
  }

  async resources(id: string): Promise<StackResource[]> {
    // DescribeStackResources answers for up to 100 resources, in one page: enough to find what a
    // failed delete left.
    const response = await this.client.send(new DescribeStackResourcesCommand({ StackName: id }));
    return (response.StackResources ?? []).map((resource) => ({
      logicalId: resource.LogicalResourceId ?? '',
      type: resource.ResourceType ?? '',
      status: resource.ResourceStatus ?? 'UNKNOWN',
      ...(resource.PhysicalResourceId ? { physicalId: resource.PhysicalResourceId } : {}),
      ...(resource.ResourceStatusReason ? { statusReason: resource.ResourceStatusReason } : {}),
    }));
  }

  async unprotect(id: string): Promise<void> {
    await this.client.send(
      new UpdateTerminationProtectionCommand({ StackName: id, EnableTerminationProtection: false }),
    );
  }
}

/**
 * The root cause in a stack's events (newest first, as DescribeStackEvents lists them), looking
 * only at its latest operation: the earliest failed resource, else the stack's own failure reason.
 */
export function firstFailureIn(newestFirst: readonly StackEvent[]): FailureCause | undefined {
  const start = newestFirst.findIndex(isOperationStart);
  const operation = (start === -1 ? [...newestFirst] : newestFirst.slice(0, start + 1)).reverse();
  const failed =
    operation.find(
      (event) =>
        event.ResourceStatus?.endsWith('_FAILED') &&
        !isStackItself(event) &&
        event.ResourceStatusReason !== 'Resource creation cancelled',
    ) ??
    // No resource failed (e.g. an export still in use): the stack's own reason is the cause.
    operation.find(
      (event) =>
        isStackItself(event) &&
        /_FAILED$|ROLLBACK_IN_PROGRESS$/.test(event.ResourceStatus ?? '') &&
        (event.ResourceStatusReason ?? '') !== '',
    );
  if (failed === undefined) return undefined;
  return {
    ...(failed.StackName === undefined ? {} : { stack: failed.StackName }),
    ...(failed.LogicalResourceId === undefined || isStackItself(failed)
      ? {}
      : { resource: failed.LogicalResourceId }),
    ...(failed.ResourceType === undefined || isStackItself(failed)
      ? {}
      : { resourceType: failed.ResourceType }),
    reason: failed.ResourceStatusReason ?? failed.ResourceStatus ?? 'failed',
  };
}

function isStackItself(event: StackEvent): boolean {
  return event.ResourceType === 'AWS::CloudFormation::Stack' && event.LogicalResourceId === event.StackName;
}

function isOperationStart(event: StackEvent): boolean {
  return (
    isStackItself(event) &&
    /^(CREATE|UPDATE|DELETE|IMPORT)_IN_PROGRESS$/.test(event.ResourceStatus ?? '') &&
    event.ResourceStatusReason === 'User Initiated'
  );
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
    ...(stack.EnableTerminationProtection === true ? { terminationProtection: true } : {}),
    ...(stack.ParentId ? { parentId: stack.ParentId } : {}),
  };
}

/** CloudFormation's answer for a stack that does not exist (AWS and moto alike). */
const STACK_MISSING = /Stack with id .+ does not exist/;

/**
 * True when CloudFormation says the stack does not exist: a ValidationError "Stack with id X
 * does not exist". When the error body could not be parsed (moto's bodies sometimes are not
 * well-formed XML), the SDK keeps the raw text beside the parse error: that is read instead.
 */
export function isMissingStack(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { Code?: unknown }).Code ?? error.name;
  if (code === 'ValidationError' && STACK_MISSING.test(error.message)) return true;
  const raw = (error as { $responseBodyText?: unknown }).$responseBodyText;
  return typeof raw === 'string' && /ValidationError/.test(raw) && STACK_MISSING.test(raw);
}
