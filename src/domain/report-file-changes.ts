/** The report file's checks and limits for the infrastructure diff and the fail-on gate (see ./report-file.ts). */
import { FAIL_ON, type InfraChanges } from './infra-diff.js';
import { truncate } from './markdown.js';
import type { BlockedDeploy } from './report.js';
import { type Field, flag, list, object, oneOf, optional, text } from './report-schema.js';

/** Limits the writer keeps to and the reader enforces. */
const LIMITS = { stacks: 100, items: 500, values: 50, name: 512, text: 4_000, diff: 20_000 } as const;
const L = LIMITS;
const name = text(L.name);
const change = oneOf<'added' | 'removed'>(['added', 'removed']);
const values = list(name, L.values);

/** The check of EnvironmentReport.changes. */
export const CHANGES: Field<InfraChanges> = object({
  stacks: list(
    object({
      stack: name,
      firstDeploy: flag,
      resources: list(
        object({ logicalId: name, type: name, kind: oneOf(['added', 'modified', 'removed', 'replaced']) }),
        L.items,
      ),
      statements: list(
        object({
          change,
          effect: name,
          actions: values,
          resources: values,
          principals: values,
          negated: optional(flag),
        }),
        L.items,
      ),
      managedPolicies: list(object({ change, identity: name, policy: name }), L.items),
      securityGroupRules: list(
        object({ change, direction: oneOf(['ingress', 'egress']), group: name, protocol: name, peer: name }),
        L.items,
      ),
      text: text(L.diff),
    }),
    L.stacks,
  ),
}) as Field<InfraChanges>;

/** The check of EnvironmentReport.blocked. */
export const BLOCKED: Field<BlockedDeploy> = object({
  failOn: oneOf(FAIL_ON),
  reason: text(L.text),
  approveLabel: optional(name),
}) as Field<BlockedDeploy>;

/** The changes cut to the limits the reader enforces. */
export function changesWithinLimits(changes: InfraChanges): InfraChanges {
  const cut = (value: string) => truncate(value, L.name);
  const few = (items: readonly string[]) => items.slice(0, L.values).map(cut);
  return {
    stacks: changes.stacks.slice(0, L.stacks).map((stack) => ({
      stack: cut(stack.stack),
      firstDeploy: stack.firstDeploy,
      resources: stack.resources
        .slice(0, L.items)
        .map((r) => ({ logicalId: cut(r.logicalId), type: cut(r.type), kind: r.kind })),
      statements: stack.statements.slice(0, L.items).map((s) => ({
        ...s,
        effect: cut(s.effect),
        actions: few(s.actions),
        resources: few(s.resources),
        principals: few(s.principals),
      })),
      managedPolicies: stack.managedPolicies
        .slice(0, L.items)
        .map((p) => ({ change: p.change, identity: cut(p.identity), policy: cut(p.policy) })),
      securityGroupRules: stack.securityGroupRules.slice(0, L.items).map((r) => ({
        change: r.change,
        direction: r.direction,
        group: cut(r.group),
        protocol: cut(r.protocol),
        peer: cut(r.peer),
      })),
      text: truncate(stack.text, L.diff),
    })),
  };
}
