import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStacksCommand,
  waitUntilStackCreateComplete,
} from '@aws-sdk/client-cloudformation';
import { MOTO_ENV } from '../test/support/moto.js';

/** A CloudFormation client on the emulator, with moto's fake credentials. */
export function emulatorCloudFormation(endpoint: string): CloudFormationClient {
  return new CloudFormationClient({
    region: MOTO_ENV.AWS_REGION,
    endpoint,
    credentials: { accessKeyId: MOTO_ENV.AWS_ACCESS_KEY_ID, secretAccessKey: MOTO_ENV.AWS_SECRET_ACCESS_KEY },
  });
}

/** Creates a one-topic stack with these tags, as if an earlier run had deployed it, and waits for it. */
export async function plantStack(
  client: CloudFormationClient,
  name: string,
  tags: Readonly<Record<string, string>>,
): Promise<void> {
  await client.send(
    new CreateStackCommand({
      StackName: name,
      TemplateBody: JSON.stringify({ Resources: { Topic: { Type: 'AWS::SNS::Topic' } } }),
      Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
    }),
  );
  await waitUntilStackCreateComplete({ client, maxWaitTime: 60, minDelay: 1 }, { StackName: name });
}

/** prenv's ownership tags for a stack of PR `pullRequest` that an earlier run left behind. */
export function leakedTags(repository: string, pullRequest: number, createdAt: Date): Record<string, string> {
  const expires = new Date(createdAt.getTime() + 72 * 3_600_000);
  return {
    'prenv:managed-by': 'prenv',
    'prenv:repository': repository,
    'prenv:pull-request': String(pullRequest),
    'prenv:environment': `pr-${pullRequest}`,
    'prenv:created-at': createdAt.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    'prenv:expires-at': expires.toISOString().replace(/\.\d{3}Z$/, 'Z'),
  };
}

/** Names of the stacks that exist (not DELETE_COMPLETE), sorted. */
export async function liveStacks(client: CloudFormationClient): Promise<string[]> {
  const { Stacks = [] } = await client.send(new DescribeStacksCommand({}));
  return Stacks.filter((stack) => stack.StackStatus !== 'DELETE_COMPLETE')
    .map((stack) => stack.StackName ?? '')
    .sort();
}
