/**
 * What a push changes in the environment's infrastructure, as a plain model built by the CDK
 * adapter from toolkit-lib's template diff, and the pure decisions about it: which changes are
 * security-relevant, which resources hold state, and what the fail-on gate blocks.
 */

/** What happens to one resource. */
export type ResourceChangeKind = 'added' | 'modified' | 'removed' | 'replaced';

/** One resource the push adds, modifies, removes or replaces. */
export interface ResourceChange {
  readonly logicalId: string;
  /** e.g. AWS::DynamoDB::Table */
  readonly type: string;
  readonly kind: ResourceChangeKind;
}

/** An IAM statement added or removed, in a role's policy or a resource policy. */
export interface StatementChange {
  readonly change: 'added' | 'removed';
  /** Allow or Deny. */
  readonly effect: string;
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  /** Principals, for resource policies; empty for identity policies. */
  readonly principals: readonly string[];
  /** True when actions or resources are NotAction/NotResource (which grant everything else). */
  readonly negated?: boolean;
}

/** A managed policy attached to or detached from a role, user or group. */
export interface ManagedPolicyChange {
  readonly change: 'added' | 'removed';
  /** The role, user or group, as the template names it. */
  readonly identity: string;
  readonly policy: string;
}

/** A security group rule added or removed. */
export interface SecurityGroupRuleChange {
  readonly change: 'added' | 'removed';
  readonly direction: 'ingress' | 'egress';
  readonly group: string;
  /** e.g. "TCP 443", "Everything". */
  readonly protocol: string;
  /** e.g. "Everyone (IPv4)", "0.0.0.0/0", a security group. */
  readonly peer: string;
}

/** One stack's diff against its live template. */
export interface StackChanges {
  readonly stack: string;
  /** The stack does not exist yet: everything is added. */
  readonly firstDeploy: boolean;
  readonly resources: readonly ResourceChange[];
  readonly statements: readonly StatementChange[];
  readonly managedPolicies: readonly ManagedPolicyChange[];
  readonly securityGroupRules: readonly SecurityGroupRuleChange[];
  /** The diff as toolkit-lib formats it, plain text (untrusted: property values, policies). */
  readonly text: string;
}

/** The diff of every stack the push deploys. */
export interface InfraChanges {
  readonly stacks: readonly StackChanges[];
}

/** What fail-on stops: nothing, security-relevant changes, or replacements. */
export const FAIL_ON = ['none', 'security', 'replacement'] as const;
export type FailOn = (typeof FAIL_ON)[number];

/** Resource types that hold data: replacing or removing one loses it. */
const STATEFUL_TYPES = new Set([
  'AWS::DynamoDB::Table',
  'AWS::DynamoDB::GlobalTable',
  'AWS::S3::Bucket',
  'AWS::SQS::Queue',
  'AWS::SNS::Topic',
  'AWS::Logs::LogGroup',
  'AWS::Cognito::UserPool',
  'AWS::Cognito::IdentityPool',
  'AWS::RDS::DBInstance',
  'AWS::RDS::DBCluster',
  'AWS::EFS::FileSystem',
  'AWS::Kinesis::Stream',
  'AWS::KMS::Key',
  'AWS::SecretsManager::Secret',
  'AWS::ElastiCache::CacheCluster',
  'AWS::ElastiCache::ReplicationGroup',
  'AWS::OpenSearchService::Domain',
  'AWS::Elasticsearch::Domain',
  'AWS::ECR::Repository',
  'AWS::Backup::BackupVault',
  'AWS::Neptune::DBCluster',
  'AWS::DocDB::DBCluster',
  'AWS::Timestream::Table',
]);

/** Resource types that are themselves resource policies (who may use a bucket, queue, key…). */
const RESOURCE_POLICY_TYPES = new Set([
  'AWS::S3::BucketPolicy',
  'AWS::SQS::QueuePolicy',
  'AWS::SNS::TopicPolicy',
  'AWS::Lambda::Permission',
  'AWS::Lambda::LayerVersionPermission',
  'AWS::ECR::RepositoryPolicy',
  'AWS::Events::EventBusPolicy',
  'AWS::SecretsManager::ResourcePolicy',
  'AWS::Logs::ResourcePolicy',
]);

/** True for resource types whose replacement or removal loses data. */
export function isStateful(type: string): boolean {
  return STATEFUL_TYPES.has(type);
}

/** True for resource types that are (or hold) a resource policy. */
export function isResourcePolicy(type: string): boolean {
  return RESOURCE_POLICY_TYPES.has(type);
}

/** True when a statement uses `*` in its actions or resources (`sqs:*`, `*`), or grants by negation. */
export function isWildcard(statement: StatementChange): boolean {
  return (
    statement.negated === true ||
    statement.actions.some((action) => action.includes('*')) ||
    statement.resources.some((resource) => resource === '*' || resource.endsWith(':*'))
  );
}

/** A security-relevant change, for the ⚠️ list. */
export type SecurityFinding =
  | { readonly kind: 'statement'; readonly stack: string; readonly statement: StatementChange }
  | { readonly kind: 'managed-policy'; readonly stack: string; readonly policy: ManagedPolicyChange }
  | { readonly kind: 'security-group'; readonly stack: string; readonly rule: SecurityGroupRuleChange }
  | { readonly kind: 'resource-policy'; readonly stack: string; readonly resource: ResourceChange };

/**
 * The changes that broaden what someone may do: Allow statements added (Deny removed), managed
 * policies attached, security group rules added, resource policies changed. On a first deploy
 * every statement is new, so only those using `*` count.
 */
export function securityFindings(changes: InfraChanges): SecurityFinding[] {
  const found: SecurityFinding[] = [];
  for (const stack of changes.stacks) {
    const { stack: name, firstDeploy } = stack;
    for (const statement of stack.statements) {
      const broadens = (statement.change === 'added') === (statement.effect !== 'Deny');
      if (broadens && (!firstDeploy || isWildcard(statement)))
        found.push({ kind: 'statement', stack: name, statement });
    }
    if (firstDeploy) continue;
    for (const policy of stack.managedPolicies) {
      if (policy.change === 'added') found.push({ kind: 'managed-policy', stack: name, policy });
    }
    for (const rule of stack.securityGroupRules) {
      if (rule.change === 'added') found.push({ kind: 'security-group', stack: name, rule });
    }
    for (const resource of stack.resources) {
      if (isResourcePolicy(resource.type)) found.push({ kind: 'resource-policy', stack: name, resource });
    }
  }
  return found;
}

/** A stateful resource the push replaces or removes. */
export interface StatefulLoss {
  readonly stack: string;
  readonly resource: ResourceChange;
}

/** Replacements and removals of resources that hold data. */
export function statefulLosses(changes: InfraChanges): StatefulLoss[] {
  return changes.stacks.flatMap((stack) =>
    stack.resources
      .filter(
        (resource) =>
          (resource.kind === 'replaced' || resource.kind === 'removed') && isStateful(resource.type),
      )
      .map((resource) => ({ stack: stack.stack, resource })),
  );
}

/** Every resource the push replaces, in any stack. */
export function replacements(changes: InfraChanges): StatefulLoss[] {
  return changes.stacks.flatMap((stack) =>
    stack.resources
      .filter(
        (resource) =>
          resource.kind === 'replaced' || (resource.kind === 'removed' && isStateful(resource.type)),
      )
      .map((resource) => ({ stack: stack.stack, resource })),
  );
}

/** How many resources of each kind a stack's diff holds. */
export function countByKind(stack: StackChanges): Record<ResourceChangeKind, number> {
  const counts = { added: 0, modified: 0, removed: 0, replaced: 0 };
  for (const resource of stack.resources) counts[resource.kind] += 1;
  return counts;
}

/** How many resources of each type a first deploy creates, most first. */
export function resourcesByType(stack: StackChanges): [string, number][] {
  const counts = new Map<string, number>();
  for (const resource of stack.resources) counts.set(resource.type, (counts.get(resource.type) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/** What the fail-on gate found: the reason it blocks, or undefined when the push may deploy. */
export function gateReason(changes: InfraChanges, failOn: FailOn): string | undefined {
  if (failOn === 'security') {
    const count = securityFindings(changes).length;
    return count === 0 ? undefined : `${count} security-relevant change${count === 1 ? '' : 's'}`;
  }
  if (failOn === 'replacement') {
    const count = replacements(changes).length;
    return count === 0
      ? undefined
      : `${count} resource replacement${count === 1 ? '' : 's'} or stateful removal${count === 1 ? '' : 's'}`;
  }
  return undefined;
}

/** True when the push changes nothing the diff can see. */
export function isEmpty(changes: InfraChanges): boolean {
  return changes.stacks.every(
    (stack) =>
      stack.resources.length === 0 &&
      stack.statements.length === 0 &&
      stack.managedPolicies.length === 0 &&
      stack.securityGroupRules.length === 0,
  );
}
