import { lazyPort } from './adapters/lazy-port.js';
import type { AwsSession, BucketsPort, Clock, ResourcesPort, StacksPort, StateStore } from './ports.js';

/** The AWS ports of one region. */
export interface AwsPorts {
  readonly stacks: StacksPort;
  readonly buckets: BucketsPort;
  readonly state: StateStore;
  readonly resources: ResourcesPort;
}

/**
 * The AWS ports (CloudFormation, S3, SSM, the tagging API and its deletes), each loading its
 * adapter and SDK client on first use: a deploy starts the CDK app first and loads them while it
 * runs, instead of spending that time before the app's start.
 */
export function awsPorts(
  session: AwsSession,
  env: NodeJS.ProcessEnv,
  clock: Clock,
  options: { readonly repository: string; readonly pollIntervalMs: number | undefined },
): AwsPorts {
  return {
    stacks: lazyPort<StacksPort>(async () => {
      const { CloudFormationStacks } = await import('./adapters/cloudformation-stacks.js');
      return new CloudFormationStacks(session, clock, options.pollIntervalMs);
    }),
    buckets: lazyPort<BucketsPort>(async () => {
      const { S3Buckets } = await import('./adapters/s3-buckets.js');
      return new S3Buckets(session, env);
    }),
    state: lazyPort<StateStore>(async () => {
      const { SsmStateStore } = await import('./adapters/ssm-state-store.js');
      return new SsmStateStore(session, options.repository);
    }),
    // The leftover audit and resource counts (the tagging API and five services' deletes).
    resources: lazyPort<ResourcesPort>(async () => {
      const { TaggedResources } = await import('./adapters/tagged-resources.js');
      return new TaggedResources(session, env);
    }),
  };
}
