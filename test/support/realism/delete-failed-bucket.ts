/**
 * Realism: a stack that owns a non-empty bucket. moto deletes such a stack and silently leaves
 * the bucket. Real CloudFormation cannot delete a non-empty bucket: the delete ends DELETE_FAILED
 * (the bucket's resource DELETE_FAILED, "The bucket you tried to delete is not empty"); a normal
 * retry fails the same way until the bucket is empty; DeletionMode FORCE_DELETE_STACK (allowed only
 * on a DELETE_FAILED stack) deletes the stack and keeps the bucket (DELETE_SKIPPED). It writes the
 * stack events of each step; moto writes none.
 */
import { field, mapMembers, prependMembers, setField } from './query-xml.js';
import { type AnswerSwitch, escapeXml, queryError, queryResult } from './realism.js';
import {
  bucketHasObjects,
  describeResources,
  describeStacks,
  type MotoResource,
  type MotoStack,
} from './stacks-on-moto.js';

const NOT_EMPTY = 'The bucket you tried to delete is not empty';

interface Failed {
  readonly stack: MotoStack;
  readonly blocking: MotoResource[];
}

/** The switch, with what it saw. */
export interface NonEmptyBuckets extends AnswerSwitch {
  /** Stack names deleted with FORCE_DELETE_STACK. */
  readonly forced: string[];
}

/** Non-empty buckets block their stack's delete, as on AWS. */
export function nonEmptyBucketsBlockDeletes(): NonEmptyBuckets {
  /** DELETE_FAILED stacks, by stack id. */
  const failed = new Map<string, Failed>();
  /** Events written, newest first, by stack id (kept after the stack is gone). */
  const events = new Map<string, string[]>();
  const forced: string[] = [];
  let serial = 0;
  const event = (
    stack: MotoStack,
    resource: { logicalId: string; type: string; physicalId: string },
    status: string,
    reason?: string,
  ) => {
    const list = events.get(stack.id) ?? [];
    const time = new Date(Date.now() + serial).toISOString();
    list.unshift(
      `<member><StackId>${escapeXml(stack.id)}</StackId><EventId>prenv-realism-${++serial}</EventId>` +
        `<StackName>${escapeXml(stack.name)}</StackName><LogicalResourceId>${escapeXml(resource.logicalId)}</LogicalResourceId>` +
        `<PhysicalResourceId>${escapeXml(resource.physicalId)}</PhysicalResourceId><ResourceType>${resource.type}</ResourceType>` +
        `<Timestamp>${time}</Timestamp><ResourceStatus>${status}</ResourceStatus>` +
        (reason === undefined ? '' : `<ResourceStatusReason>${escapeXml(reason)}</ResourceStatusReason>`) +
        '</member>',
    );
    events.set(stack.id, list);
  };
  const itself = (stack: MotoStack) => ({
    logicalId: stack.name,
    type: 'AWS::CloudFormation::Stack',
    physicalId: stack.id,
  });
  const lookup = async (moto: Parameters<NonNullable<AnswerSwitch['answer']>>[1], nameOrId: string) =>
    (await describeStacks(moto, nameOrId))[0];
  return {
    forced,
    wants: (call) =>
      call.service === 'cloudformation' &&
      ['DeleteStack', 'DescribeStacks', 'DescribeStackEvents', 'DescribeStackResources'].includes(
        call.action,
      ),
    async answer(call, moto) {
      if (call.action !== 'DeleteStack') return undefined;
      const stack = await lookup(moto, call.params.get('StackName') ?? '');
      if (stack === undefined) return undefined;
      const force = call.params.get('DeletionMode') === 'FORCE_DELETE_STACK';
      const current = failed.get(stack.id);
      if (force) {
        if (current === undefined) {
          return queryError(
            'ValidationError',
            `Invalid operation on stack [${stack.id}]: DeletionMode FORCE_DELETE_STACK can only be used with a stack in DELETE_FAILED`,
          );
        }
        event(stack, itself(stack), 'DELETE_IN_PROGRESS', 'User Initiated');
        for (const bucket of current.blocking) event(stack, bucket, 'DELETE_SKIPPED');
        event(stack, itself(stack), 'DELETE_COMPLETE');
        failed.delete(stack.id);
        forced.push(stack.name);
        return undefined; // moto deletes the stack and, as it always does, keeps the bucket
      }
      const buckets = (await describeResources(moto, stack.id)).filter((r) => r.type === 'AWS::S3::Bucket');
      const blocking: MotoResource[] = [];
      for (const bucket of buckets)
        if (await bucketHasObjects(moto, bucket.physicalId)) blocking.push(bucket);
      if (blocking.length === 0) {
        failed.delete(stack.id);
        return undefined;
      }
      event(stack, itself(stack), 'DELETE_IN_PROGRESS', 'User Initiated');
      for (const bucket of blocking) event(stack, bucket, 'DELETE_FAILED', NOT_EMPTY);
      event(stack, itself(stack), 'DELETE_FAILED', reasonOf(blocking));
      failed.set(stack.id, { stack, blocking });
      return queryResult('DeleteStack');
    },
    async rewrite(call, answer, moto) {
      if (answer.status !== 200) return answer;
      if (call.action === 'DescribeStacks') {
        const body = mapMembers(answer.body, 'Stacks', (member) => {
          const state = failed.get(field(member, 'StackId') ?? '');
          if (state === undefined) return member;
          return setField(
            setField(member, 'StackStatus', 'DELETE_FAILED'),
            'StackStatusReason',
            escapeXml(reasonOf(state.blocking)),
          );
        });
        return { ...answer, body };
      }
      const stack = await lookup(moto, call.params.get('StackName') ?? '');
      const id = stack?.id ?? call.params.get('StackName') ?? '';
      if (call.action === 'DescribeStackEvents') {
        return { ...answer, body: prependMembers(answer.body, 'StackEvents', events.get(id) ?? []) };
      }
      const state = failed.get(id);
      if (state === undefined) return answer;
      const blocking = new Set(state.blocking.map((bucket) => bucket.logicalId));
      const body = mapMembers(answer.body, 'StackResources', (member) =>
        blocking.has(field(member, 'LogicalResourceId') ?? '')
          ? setField(setField(member, 'ResourceStatus', 'DELETE_FAILED'), 'ResourceStatusReason', NOT_EMPTY)
          : setField(member, 'ResourceStatus', 'DELETE_COMPLETE'),
      );
      return { ...answer, body };
    },
  };
}

function reasonOf(blocking: readonly MotoResource[]): string {
  return `The following resource(s) failed to delete: [${blocking.map((b) => b.logicalId).join(', ')}]. `;
}
