/**
 * Realism: termination protection. moto records EnableTerminationProtection at create, but
 * deletes a protected stack anyway and does not implement UpdateTerminationProtection. Real
 * CloudFormation refuses DeleteStack while protection is on, and UpdateTerminationProtection
 * switches it.
 */
import { mapMembers, setField } from './query-xml.js';
import { type AnswerSwitch, escapeXml, queryError, queryResult } from './realism.js';
import { describeStacks, stackNameOf } from './stacks-on-moto.js';

/** The switch, with what it saw. */
export interface TerminationProtection extends AnswerSwitch {
  /** DeleteStack calls it refused, by stack name. */
  readonly refused: string[];
}

/** CloudFormation's termination protection in front of moto. */
export function terminationProtection(): TerminationProtection {
  const protection = new Map<string, boolean>();
  const refused: string[] = [];
  return {
    refused,
    wants: (call) =>
      call.service === 'cloudformation' &&
      ['UpdateTerminationProtection', 'DeleteStack', 'DescribeStacks'].includes(call.action),
    async answer(call, moto) {
      const target = call.params.get('StackName') ?? '';
      if (call.action === 'UpdateTerminationProtection') {
        const [stack] = await describeStacks(moto, target);
        if (stack === undefined) return queryError('ValidationError', `Stack [${target}] does not exist`);
        protection.set(stack.name, call.params.get('EnableTerminationProtection') === 'true');
        return queryResult(call.action, `<StackId>${escapeXml(stack.id)}</StackId>`);
      }
      if (call.action === 'DeleteStack') {
        const [stack] = await describeStacks(moto, target);
        if (stack === undefined) return undefined;
        if (protection.get(stack.name) ?? stack.protected) {
          refused.push(stack.name);
          return queryError(
            'ValidationError',
            `Stack [${stack.name}] cannot be deleted while TerminationProtection is enabled`,
          );
        }
        protection.delete(stack.name);
      }
      return undefined;
    },
    async rewrite(call, answer) {
      if (call.action !== 'DescribeStacks' || answer.status !== 200) return answer;
      const body = mapMembers(answer.body, 'Stacks', (member) => {
        const name = stackNameOf(/<StackName>([^<]*)<\/StackName>/.exec(member)?.[1] ?? '');
        const value = protection.get(name);
        return value === undefined ? member : setField(member, 'EnableTerminationProtection', String(value));
      });
      return { ...answer, body };
    },
  };
}
