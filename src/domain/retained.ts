/** The resources forced deletes kept: nothing tracks them once their stack is gone. */

import type { EnvironmentReport, RetainedResource, StackReport } from './report.js';

/** A kept resource with the stack it belonged to. */
export interface RetainedInStack extends RetainedResource {
  readonly stack: string;
}

/** Every resource the stacks' forced deletes kept, with the stack each belonged to. */
export function retainedResources(stacks: readonly StackReport[]): RetainedInStack[] {
  return stacks.flatMap((stack) =>
    (stack.retained ?? []).map((resource) => ({ ...resource, stack: stack.name })),
  );
}

/** True when every stack is gone but a forced delete kept resources. */
export function onlyResourcesLeft(report: EnvironmentReport): boolean {
  const all = report.stacks ?? [];
  return (
    retainedResources(all).length > 0 &&
    all.every((stack) => stack.outcome === 'deleted' || stack.outcome === 'force-deleted')
  );
}

/** One line per kept resource, for logs and step failures: `Bucket (AWS::S3::Bucket, name) in pr-42-data`. */
export function describeRetained(resources: readonly RetainedInStack[]): string {
  return resources
    .map(
      (r) =>
        `${r.logicalId} (${r.type}${r.physicalId === undefined ? '' : `, ${r.physicalId}`}) in ${r.stack}`,
    )
    .join('; ');
}
