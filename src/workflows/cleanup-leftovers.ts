import type { KeptEnvironment, SweptEnvironment } from '../domain/report.js';
import { messageOf } from '../errors.js';
import type { Clock, Log, ResourcesPort, StacksPort } from '../ports.js';
import { applyAudit, auditRegion } from './leftovers.js';

/**
 * The sweep's leftover audit in one region, after its stacks were swept: the swept environments
 * gain their resource counts and leftovers, stale environments with no stack left join them, and
 * the kept ones come back with their counts. Without a resources port, the sweep is returned as is.
 */
export async function auditLeftovers(
  request: { repository: string; environmentName?: string; dryRun: boolean },
  ports: { log: Log; clock: Clock; stacks: StacksPort; resources?: ResourcesPort },
  swept: readonly SweptEnvironment[],
  prOpen: (numbers: readonly number[]) => Promise<ReadonlyMap<number, boolean | undefined>>,
): Promise<{ swept: SweptEnvironment[]; keptEnvironments?: KeptEnvironment[] }> {
  const { resources } = ports;
  if (resources === undefined) return { swept: [...swept] };
  try {
    const audited = await ports.log.group('Look for resources left behind', () =>
      auditRegion(
        {
          repository: request.repository,
          template: request.environmentName ?? 'pr-{number}',
          dryRun: request.dryRun,
          // A skipped environment is mid-deploy: its resources are not leftovers yet.
          stale: swept.filter((env) => env.result !== 'skipped'),
          prOpen,
          now: ports.clock.now(),
        },
        { log: ports.log, stacks: ports.stacks, resources },
      ),
    );
    const { swept: all, kept } = applyAudit(swept, audited, request.dryRun);
    return { swept: all, keptEnvironments: kept };
  } catch (error) {
    ports.log.warning(`Could not look for resources left behind: ${messageOf(error)}`);
    return { swept: [...swept] };
  }
}
