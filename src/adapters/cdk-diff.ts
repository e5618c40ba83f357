/** Turns @aws-cdk/cloudformation-diff's TemplateDiff into the domain's StackChanges. */

import type { TemplateDiff } from '@aws-cdk/cloudformation-diff';
import type {
  ManagedPolicyChange,
  ResourceChange,
  ResourceChangeKind,
  SecurityGroupRuleChange,
  StackChanges,
  StatementChange,
} from '../domain/infra-diff.js';

/** The parts of TemplateDiff this adapter reads. */
type Diff = Pick<TemplateDiff, 'resources' | 'iamChanges' | 'securityGroupChanges'>;

const IMPACT: Readonly<Record<string, ResourceChangeKind | undefined>> = {
  WILL_CREATE: 'added',
  WILL_IMPORT: 'added',
  WILL_UPDATE: 'modified',
  WILL_REPLACE: 'replaced',
  MAY_REPLACE: 'replaced',
  WILL_DESTROY: 'removed',
  WILL_ORPHAN: 'removed',
};

/** One stack's changes from its TemplateDiff and its formatted text. */
export function stackChanges(stack: string, diff: Diff, text: string): StackChanges {
  return {
    stack,
    firstDeploy: false,
    resources: resourceChanges(diff),
    statements: [
      ...diff.iamChanges.statements.additions.map((s) => statement('added', s)),
      ...diff.iamChanges.statements.removals.map((s) => statement('removed', s)),
    ],
    managedPolicies: [
      ...diff.iamChanges.managedPolicies.additions.map((p) => managedPolicy('added', p)),
      ...diff.iamChanges.managedPolicies.removals.map((p) => managedPolicy('removed', p)),
    ],
    securityGroupRules: [
      ...diff.securityGroupChanges.ingress.additions.map((r) => rule('added', 'ingress', r)),
      ...diff.securityGroupChanges.ingress.removals.map((r) => rule('removed', 'ingress', r)),
      ...diff.securityGroupChanges.egress.additions.map((r) => rule('added', 'egress', r)),
      ...diff.securityGroupChanges.egress.removals.map((r) => rule('removed', 'egress', r)),
    ],
    // biome-ignore lint/suspicious/noControlCharactersInRegex: colour codes are what is removed
    text: text.replace(/\u001B\[[0-9;]*m/g, ''),
  };
}

function resourceChanges(diff: Diff): ResourceChange[] {
  const changes: ResourceChange[] = [];
  diff.resources.forEachDifference((logicalId, change) => {
    const type = change.resourceType ?? 'unknown';
    const kind = IMPACT[String(change.changeImpact)];
    if (kind === undefined || type === 'AWS::CDK::Metadata') return;
    changes.push({ logicalId, type, kind });
  });
  return changes;
}

type Statement = TemplateDiff['iamChanges']['statements']['additions'][number];

function statement(change: 'added' | 'removed', s: Statement): StatementChange {
  const negated = s.actions.not || s.resources.not;
  return {
    change,
    effect: String(s.effect),
    actions: [...s.actions.values],
    resources: [...s.resources.values],
    principals: [...s.principals.values],
    ...(negated ? { negated: true } : {}),
  };
}

type Attachment = TemplateDiff['iamChanges']['managedPolicies']['additions'][number];

function managedPolicy(change: 'added' | 'removed', p: Attachment): ManagedPolicyChange {
  return { change, identity: p.identityArn, policy: p.managedPolicyArn };
}

type Rule = TemplateDiff['securityGroupChanges']['ingress']['additions'][number];

function rule(
  change: 'added' | 'removed',
  direction: 'ingress' | 'egress',
  r: Rule,
): SecurityGroupRuleChange {
  return { change, direction, group: r.groupId, protocol: r.describeProtocol(), peer: r.describePeer() };
}
