import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStacksCommand,
  paginateDescribeStacks,
} from '@aws-sdk/client-cloudformation';
import { MOTO_ENV, type Moto } from './moto.js';

/** A stack to create directly on moto, outside prenv. */
export interface PlantedStack {
  readonly name: string;
  readonly tags: Readonly<Record<string, string>>;
}

/** A CloudFormation client talking to moto directly (not through any proxy), in `region`. */
export function cloudFormationOn(moto: Moto, region: string = MOTO_ENV.AWS_REGION): CloudFormationClient {
  return new CloudFormationClient({
    region,
    endpoint: moto.endpoint,
    credentials: { accessKeyId: MOTO_ENV.AWS_ACCESS_KEY_ID, secretAccessKey: MOTO_ENV.AWS_SECRET_ACCESS_KEY },
  });
}

/** prenv's ownership tags, as a deploy of that PR would have written them. */
export function ownedTags(
  repository: string,
  pullRequest: number,
  expiresAt: string,
  extra: Readonly<Record<string, string>> = {},
): Record<string, string> {
  return {
    'prenv:managed-by': 'prenv',
    'prenv:repository': repository,
    'prenv:pull-request': String(pullRequest),
    'prenv:environment': `pr-${pullRequest}`,
    'prenv:expires-at': expiresAt,
    ...extra,
  };
}

/** Creates trivial stacks (one SNS topic each) with these tags, at most four at a time. */
export async function plantStacks(
  moto: Moto,
  stacks: readonly PlantedStack[],
  region: string = MOTO_ENV.AWS_REGION,
): Promise<void> {
  const client = cloudFormationOn(moto, region);
  const queue = [...stacks];
  const worker = async () => {
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      await client.send(
        new CreateStackCommand({
          StackName: next.name,
          TemplateBody: JSON.stringify({ Resources: { Topic: { Type: 'AWS::SNS::Topic' } } }),
          Tags: Object.entries(next.tags).map(([Key, Value]) => ({ Key, Value })),
        }),
      );
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
}

/** Names of every live stack on moto in `region`, sorted. */
export async function liveStackNames(moto: Moto, region: string = MOTO_ENV.AWS_REGION): Promise<string[]> {
  const names: string[] = [];
  for await (const page of paginateDescribeStacks({ client: cloudFormationOn(moto, region) }, {})) {
    for (const stack of page.Stacks ?? []) {
      if (stack.StackStatus !== 'DELETE_COMPLETE') names.push(stack.StackName ?? '');
    }
  }
  return names.sort();
}

/** A live stack's tags. */
export async function stackTags(moto: Moto, name: string): Promise<Record<string, string>> {
  const { Stacks = [] } = await cloudFormationOn(moto).send(new DescribeStacksCommand({ StackName: name }));
  return Object.fromEntries((Stacks[0]?.Tags ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? '']));
}
