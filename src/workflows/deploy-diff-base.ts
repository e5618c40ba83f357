import { patchTemplate } from '../domain/applied-overlay.js';
import { messageOf } from '../errors.js';
import type { DeployPlan } from './deploy-inspect.js';
import type { DeployPorts } from './deploy-types.js';

/**
 * What each hotswapped stack about to change should be diffed against: its live template with what
 * the hotswaps applied laid over it (the live template still holds the old code). Stacks with no
 * such record, or whose template cannot be read or patched, are diffed against the live template.
 */
export async function appliedTemplates(plan: DeployPlan, ports: DeployPorts): Promise<Map<string, string>> {
  const bases = new Map<string, string>();
  for (const { name } of plan.changed) {
    const applied = plan.state.stacks[name]?.applied;
    if (applied === undefined || !plan.existing.has(name)) continue;
    try {
      const body = await ports.stacks.template(name);
      const patched = body === undefined ? undefined : patchTemplate(body, applied);
      if (patched === undefined) continue;
      bases.set(name, patched);
      const count = Object.keys(applied).length;
      ports.log.info(
        `${name}: diffed against what prenv applied (${count} hotswapped resource${count === 1 ? '' : 's'})`,
      );
    } catch (error) {
      ports.log.warning(
        `${name}: could not read its live template (${messageOf(error)}); the diff may show hotswapped code as changed.`,
      );
    }
  }
  return bases;
}
