/**
 * Resources that outlived their stack: found by the ownership tags CloudFormation copied onto
 * them (or, for the log groups Lambda creates untagged, by the environment's function-name
 * prefix), and judged here. Pure: the workflow asks AWS, this decides (DESIGN.md "Ownership").
 */
import { type DeleteScope, mayDelete, TAG, type Tags } from './ownership.js';
import type { LeftoverResource } from './report.js';

/** The tag only CloudFormation can write: the stack a resource was created by. */
export const STACK_NAME_TAG = 'aws:cloudformation:stack-name';

/** A resource as the tagging API (or DescribeLogGroups) returned it. */
export interface FoundResource {
  readonly arn: string;
  readonly tags: Tags;
  /** When AWS says it was created; only some APIs say. */
  readonly createdAt?: Date;
}

/** CloudFormation type names of the ARN kinds prenv knows; the rest keep `service:kind`. */
const TYPES: readonly { readonly pattern: RegExp; readonly type: string; readonly deletable: boolean }[] = [
  // A bucket's ARN has no slash; an object's has one.
  { pattern: /^arn:[^:]+:s3:::[^/]+$/, type: 'AWS::S3::Bucket', deletable: true },
  {
    pattern: /^arn:[^:]+:logs:[^:]*:[^:]*:log-group:[^:]+(:\*)?$/,
    type: 'AWS::Logs::LogGroup',
    deletable: true,
  },
  { pattern: /^arn:[^:]+:sqs:[^:]*:[^:]*:[^:/]+$/, type: 'AWS::SQS::Queue', deletable: true },
  // A subscription's ARN adds `:id` to its topic's.
  { pattern: /^arn:[^:]+:sns:[^:]*:[^:]*:[^:/]+$/, type: 'AWS::SNS::Topic', deletable: true },
  { pattern: /^arn:[^:]+:dynamodb:[^:]*:[^:]*:table\/[^/]+$/, type: 'AWS::DynamoDB::Table', deletable: true },
  // An alias or version (function:name:qualifier) is not the function.
  {
    pattern: /^arn:[^:]+:lambda:[^:]*:[^:]*:function:[^:]+$/,
    type: 'AWS::Lambda::Function',
    deletable: true,
  },
];

/** The resource's type: a CloudFormation type name where prenv knows it, else `service:kind`. */
export function resourceType(arn: string): string {
  const known = TYPES.find(({ pattern }) => pattern.test(arn));
  if (known !== undefined) return known.type;
  const [, , service = '?', , , resource = ''] = arn.split(':');
  const kind = /^[a-z0-9-]+(?=[/:])/i.exec(resource)?.[0];
  return kind === undefined ? service : `${service}:${kind}`;
}

/** True for the types prenv deletes itself: a bucket, log group, queue, topic, table or function. */
export function deletableType(arn: string): boolean {
  return TYPES.some(({ pattern, deletable }) => deletable && pattern.test(arn));
}

/** True for a CloudFormation stack: the tagging API returns stacks too, and the stack sweep owns them. */
export function isStackArn(arn: string): boolean {
  return /^arn:[^:]+:cloudformation:[^:]*:[^:]*:stack\//.test(arn);
}

/** One ARN per log group, whichever API returned it (DescribeLogGroups adds `:*`). */
export function canonicalArn(arn: string): string {
  return arn.replace(/^(arn:[^:]+:logs:.*:log-group:.+?)(:\*)?$/, '$1');
}

/** Where a found resource stands. */
export type LeftoverVerdict =
  /** Part of a stack that still exists: not left behind. */
  | 'in-live-stack'
  /** Outlived a stack of this environment that no longer exists, and prenv may delete its type. */
  | 'deletable'
  /** Left behind, but prenv must not delete it: report it for a person to look at. */
  | 'report';

/**
 * Judges one resource found for an environment. Deletable only when its aws:cloudformation:stack-name
 * tag (which only CloudFormation writes) names a stack in this environment's prefix that no longer
 * exists, its other tags make that stack this repository's (mayDelete), and its type is one prenv
 * deletes. A resource whose tags name another repository never reaches here (the query filters it).
 */
export function judgeLeftover(
  resource: FoundResource,
  scope: DeleteScope,
  liveStacks: ReadonlySet<string>,
): LeftoverVerdict {
  const stack = resource.tags[STACK_NAME_TAG];
  if (stack !== undefined && liveStacks.has(stack)) return 'in-live-stack';
  // An untagged log group (Lambda's own) may belong to a live stack's function: its name says which.
  if (stack === undefined && logGroupOfLiveStack(resource.arn, liveStacks)) return 'in-live-stack';
  if (stack === undefined || !deletableType(resource.arn)) return 'report';
  return mayDelete({ name: stack, tags: resource.tags }, scope) ? 'deletable' : 'report';
}

/** True for `/aws/lambda/<function>` when the function's name begins with a live stack's name. */
function logGroupOfLiveStack(arn: string, liveStacks: ReadonlySet<string>): boolean {
  const name = /:log-group:\/aws\/lambda\/([^:]+)/.exec(arn)?.[1];
  if (name === undefined) return false;
  return [...liveStacks].some((stack) => name.startsWith(`${stack}-`));
}

/** The prefix of the log groups Lambda creates for the environment's functions. */
export function lambdaLogGroupPrefix(environment: string): string {
  return `/aws/lambda/${environment}-`;
}

/** The environment a found resource is tagged for (with its PR), as groupByEnvironment keys it. */
export function environmentOf(tags: Tags): string | undefined {
  return tags[TAG.environment];
}

/** A resource's age reference: AWS's creation time, else the environment's prenv:created-at tag. */
export function createdAtOf(resource: FoundResource): string | undefined {
  if (resource.createdAt !== undefined && Number.isFinite(resource.createdAt.getTime())) {
    return `${resource.createdAt.toISOString().slice(0, 19)}Z`;
  }
  const tagged = resource.tags[TAG.createdAt];
  return tagged !== undefined && /^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:\d{2})$/.test(tagged)
    ? tagged
    : undefined;
}

/** The report entry for a resource and what became of it. */
export function leftoverEntry(
  resource: FoundResource,
  outcome: LeftoverResource['outcome'],
  reason?: string,
): LeftoverResource {
  const createdAt = createdAtOf(resource);
  const stack = resource.tags[STACK_NAME_TAG];
  return {
    arn: canonicalArn(resource.arn),
    type: resourceType(resource.arn),
    outcome,
    ...(createdAt === undefined ? {} : { createdAt }),
    ...(stack === undefined ? {} : { stack }),
    ...(reason === undefined ? {} : { reason }),
  };
}

/** One line per resource, for logs and step failures: `AWS::S3::Bucket arn:aws:s3:::b (reported)`. */
export function describeLeftovers(resources: readonly LeftoverResource[]): string {
  return resources.map((r) => `${r.type} ${r.arn} (${r.outcome})`).join('; ');
}
