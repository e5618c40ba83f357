/** What the realism switches ask moto about stacks and buckets, read from its query-protocol XML. */
import { field, members, tagsOf } from './query-xml.js';
import type { MotoClient } from './realism.js';

/** A stack as moto has it. */
export interface MotoStack {
  readonly id: string;
  readonly name: string;
  readonly status: string;
  readonly protected: boolean;
  readonly tags: [string, string][];
}

/** A stack resource as moto has it. */
export interface MotoResource {
  readonly logicalId: string;
  readonly type: string;
  readonly physicalId: string;
}

/** The stack's name, from its name or its ARN (arn:…:stack/NAME/uuid). */
export function stackNameOf(nameOrId: string): string {
  return /:stack\/([^/]+)\//.exec(nameOrId)?.[1] ?? nameOrId;
}

/** The live stack moto has under this name or id (every live stack when none is given). */
export async function describeStacks(moto: MotoClient, nameOrId?: string): Promise<MotoStack[]> {
  const answer = await moto.query('cloudformation', {
    Action: 'DescribeStacks',
    ...(nameOrId === undefined ? {} : { StackName: nameOrId }),
  });
  if (answer.status !== 200) return [];
  return members(answer.body, 'Stacks').map(({ text: member }) => ({
    id: field(member, 'StackId') ?? '',
    name: field(member, 'StackName') ?? '',
    status: field(member, 'StackStatus') ?? '',
    protected: field(member, 'EnableTerminationProtection') === 'true',
    tags: tagsOf(member),
  }));
}

/** The stack's resources as moto has them. */
export async function describeResources(moto: MotoClient, nameOrId: string): Promise<MotoResource[]> {
  const answer = await moto.query('cloudformation', {
    Action: 'DescribeStackResources',
    StackName: nameOrId,
  });
  if (answer.status !== 200) return [];
  return members(answer.body, 'StackResources').map(({ text: member }) => ({
    logicalId: field(member, 'LogicalResourceId') ?? '',
    type: field(member, 'ResourceType') ?? '',
    physicalId: field(member, 'PhysicalResourceId') ?? '',
  }));
}

/** True when the bucket holds any object version or delete marker. */
export async function bucketHasObjects(moto: MotoClient, bucket: string): Promise<boolean> {
  const answer = await moto.rest('s3', 'GET', `/${encodeURIComponent(bucket)}?versions`);
  return answer.status === 200 && /<(Version|DeleteMarker)>/.test(answer.body);
}
