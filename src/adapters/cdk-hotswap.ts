/** How prenv asks toolkit-lib for a hotswap, and what it reads back from toolkit-lib's hotswap messages. */
import type { HotswapResult, DeploymentMethod as ToolkitDeploymentMethod } from '@aws-cdk/toolkit-lib';
import { resourceOverlay } from '../domain/applied-overlay.js';
import type { HotswappedResource } from '../domain/hotswap.js';
import type { DeploymentMethod } from '../inputs.js';
import type { StackToDeploy } from '../ports.js';

/**
 * toolkit-lib's method for a batch: CloudFormation (a change set reverts hotswap drift when the
 * stack carries some; direct cannot), or a hotswap that falls back to it.
 */
export function deploymentMethodFor(
  method: DeploymentMethod,
  stack: StackToDeploy | undefined,
): ToolkitDeploymentMethod {
  const cloudFormation: ToolkitDeploymentMethod & { method: 'direct' | 'change-set' } =
    method === 'direct'
      ? { method: 'direct' }
      : { method: 'change-set', ...(stack?.revertDrift === true ? { revertDrift: true } : {}) };
  return stack?.hotswap === true ? { method: 'hotswap', fallback: cloudFormation } : cloudFormation;
}

/** What a successful hotswap (CDK_TOOLKIT_I5410's HotswapResult) updated: one entry per changed resource. */
export function hotswappedResources(data: unknown): HotswappedResource[] {
  const result = data as Partial<HotswapResult> | undefined;
  if (result?.hotswapped !== true) return [];
  return (result.hotswappableChanges ?? []).map((change) => {
    const logicalId = change.cause?.logicalId;
    const overlay = resourceOverlay(change.cause?.oldValue, change.cause?.newValue);
    return {
      type: change.cause?.newValue?.Type ?? change.resources?.[0]?.resourceType ?? 'resource',
      properties: Object.keys(change.cause?.propertyUpdates ?? {}),
      ...(logicalId === undefined || overlay === undefined ? {} : { logicalId, overlay }),
    };
  });
}
