import { patchTemplate } from '../domain/applied-overlay.js';
import type { DeployPlan } from './deploy-inspect.js';
import type { DeployPorts } from './deploy-types.js';

/**
 * What each existing stack about to change is diffed against: its live template, as the plan read
 * it (GetTemplate only for a stack the plan did not read), and for a stack hotswapped since its last
 * CloudFormation deploy, that template with what the hotswaps applied laid over it (the live
 * template still holds the old code). A new stack has none: it is compared with an empty template.
 * A live template that cannot be read fails the diff (as toolkit-lib's GetTemplate did).
 */
export async function diffBases(plan: DeployPlan, ports: DeployPorts): Promise<Map<string, string>> {
  const bases = new Map<string, string>();
  for (const { name } of plan.changed) {
    if (!plan.existing.has(name)) continue;
    const body = plan.templates.get(name) ?? (await ports.stacks.template(name));
    if (body === undefined) continue;
    bases.set(name, applied(name, body, plan, ports));
  }
  return bases;
}

/** The live template with what prenv's hotswaps applied laid over it; as it is when there is none. */
function applied(name: string, body: string, plan: DeployPlan, ports: DeployPorts): string {
  const overlay = plan.state.stacks[name]?.applied;
  const patched = overlay === undefined ? undefined : patchTemplate(body, overlay);
  if (overlay === undefined || patched === undefined) return body;
  const count = Object.keys(overlay).length;
  ports.log.info(
    `${name}: diffed against what prenv applied (${count} hotswapped resource${count === 1 ? '' : 's'})`,
  );
  return patched;
}
