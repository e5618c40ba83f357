/**
 * Realism: a change set created and never executed leaves its stack REVIEW_IN_PROGRESS. moto
 * shows it with the change set's tags; real CloudFormation may show it with none.
 */
import { field, mapMembers, setTags } from './query-xml.js';
import type { AnswerSwitch } from './realism.js';

/** Shows every REVIEW_IN_PROGRESS stack without tags. */
export function untaggedReviewStacks(): AnswerSwitch {
  return {
    wants: (call) => call.service === 'cloudformation' && call.action === 'DescribeStacks',
    async rewrite(_call, answer) {
      if (answer.status !== 200) return answer;
      const body = mapMembers(answer.body, 'Stacks', (member) =>
        field(member, 'StackStatus') === 'REVIEW_IN_PROGRESS' ? setTags(member, []) : member,
      );
      return { ...answer, body };
    },
  };
}
