/**
 * Realism: nested stacks (AWS::CloudFormation::Stack resources). moto creates them with no
 * ParentId and no tags; real CloudFormation gives them a ParentId and RootId and copies the
 * parent's tags onto them, so they look like the environment's own stacks.
 */
import { field, mapMembers, setField, setTags } from './query-xml.js';
import { type AnswerSwitch, escapeXml } from './realism.js';
import { describeResources, describeStacks, type MotoStack, stackNameOf } from './stacks-on-moto.js';

/** The switch, with what it saw. */
export interface NestedStacks extends AnswerSwitch {
  /** DeleteStack calls made on a nested stack directly, by stack name. */
  readonly directDeletes: string[];
}

/** Nested stacks with their parent's id and tags. */
export function nestedStacksCarryParentTags(): NestedStacks {
  const directDeletes: string[] = [];
  return {
    directDeletes,
    wants: (call) =>
      call.service === 'cloudformation' &&
      (call.action === 'DescribeStacks' || call.action === 'DeleteStack'),
    async answer(call, moto) {
      if (call.action === 'DeleteStack') {
        const name = stackNameOf(call.params.get('StackName') ?? '');
        const parents = await parentsByChild(await describeStacks(moto), moto);
        if (parents.has(name)) directDeletes.push(name);
      }
      return undefined;
    },
    async rewrite(call, answer, moto) {
      if (call.action !== 'DescribeStacks' || answer.status !== 200) return answer;
      const parents = await parentsByChild(await describeStacks(moto), moto);
      if (parents.size === 0) return answer;
      const body = mapMembers(answer.body, 'Stacks', (member) => {
        const parent = parents.get(field(member, 'StackName') ?? '');
        if (parent === undefined) return member;
        const id = escapeXml(parent.id);
        return setTags(setField(setField(member, 'ParentId', id), 'RootId', id), parent.tags);
      });
      return { ...answer, body };
    },
  };
}

/** Child stack name → its parent, from the parents' AWS::CloudFormation::Stack resources. */
async function parentsByChild(
  stacks: readonly MotoStack[],
  moto: Parameters<NonNullable<AnswerSwitch['rewrite']>>[2],
): Promise<Map<string, MotoStack>> {
  const parents = new Map<string, MotoStack>();
  for (const stack of stacks) {
    for (const resource of await describeResources(moto, stack.id)) {
      if (resource.type === 'AWS::CloudFormation::Stack' && resource.physicalId !== '') {
        parents.set(stackNameOf(resource.physicalId), stack);
      }
    }
  }
  return parents;
}
