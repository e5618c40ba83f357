/**
 * Realism: a change set that does not exist. Before it creates its change set, the CDK CLI (and
 * toolkit-lib) deletes any earlier one of the same name (`cdk-deploy-change-set`) and then describes
 * it until it is gone. Real CloudFormation answers that DeleteChangeSet with success as long as the
 * stack exists, even when the change set does not, and DescribeChangeSet with
 * ChangeSetNotFoundException. moto fails the delete with an UnboundLocalError, answered as an HTML
 * 500 (the SDK reports "XML parse error: mismatched tags"), and the describe with a ValidationError
 * that names the change set as a stack. This switch answers both as CloudFormation does when moto
 * has no change set of that name, and a delete on a stack that does not exist with its ValidationError.
 */
import { field, members } from './query-xml.js';
import { escapeXml } from './realism.js';
import { awsError, type ProxiedRequest, type RealismSwitch, withBody } from './switch.js';

/** The switch, with what it answered itself. */
export interface MissingChangeSet extends RealismSwitch {
  /** `Action Stack/ChangeSet` of each call it answered itself. */
  readonly answered: string[];
}

const ANSWERED_BY = 'missing-change-set';
const ACTIONS = ['DeleteChangeSet', 'DescribeChangeSet'];

/** DeleteChangeSet and DescribeChangeSet of an absent change set, as on AWS. */
export function missingChangeSets(): MissingChangeSet {
  const answered: string[] = [];
  return {
    name: ANSWERED_BY,
    answered,
    async handle(request, next) {
      if (request.service !== 'cloudformation' || !ACTIONS.includes(request.action)) return next();
      const changeSet = request.params.get('ChangeSetName') ?? '';
      // An ARN names one change set exactly: moto handles that case.
      if (changeSet.startsWith('arn:') || (await changeSetExists(request, changeSet))) return next();
      const stack = request.params.get('StackName') ?? '';
      answered.push(`${request.action} ${stack}/${changeSet}`);
      const described = await request.upstream({ Action: 'DescribeStacks', StackName: stack });
      if (request.action === 'DescribeChangeSet' || described.status === 200) {
        return request.action === 'DescribeChangeSet' ? notFound(changeSet) : deleted();
      }
      return awsError(
        'cloudformation',
        { status: 400, code: 'ValidationError', message: `Stack [${escapeXml(stack)}] does not exist` },
        ANSWERED_BY,
      );
    },
  };
}

/** moto lists (and finds by name) the change sets of every stack together. */
async function changeSetExists(request: ProxiedRequest, name: string): Promise<boolean> {
  const listed = await request.upstream({
    Action: 'ListChangeSets',
    StackName: request.params.get('StackName') ?? '',
  });
  return members(listed.body.toString('utf8'), 'Summaries').some(
    ({ text }) => field(text, 'ChangeSetName') === name,
  );
}

function notFound(changeSet: string) {
  return awsError(
    'cloudformation',
    {
      status: 404,
      code: 'ChangeSetNotFound',
      message: `ChangeSet [${escapeXml(changeSet)}] does not exist`,
    },
    ANSWERED_BY,
  );
}

function deleted() {
  return withBody(
    { status: 200, headers: { 'content-type': 'text/xml' }, body: Buffer.alloc(0) },
    '<DeleteChangeSetResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><DeleteChangeSetResult/>' +
      '<ResponseMetadata><RequestId>prenv-realism</RequestId></ResponseMetadata></DeleteChangeSetResponse>',
    ANSWERED_BY,
  );
}
