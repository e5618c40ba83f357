/** prenv's CloudFormation polling intervals on AWS (no SDK here: run-plan imports them before any client loads). */

/**
 * How often prenv reads a stack's status while it changes (destroy, waits), unless poll-interval-ms
 * says otherwise: one DescribeStacks per 1.5 s, about 0.7 reads/s per stack in progress, within the
 * budget of 1 read/s per stack (test/action/polling.test.ts). It was toolkit-lib's 5 s, which made
 * prenv notice a finished delete 2.5 s late on average; now 0.75 s.
 */
export const SETTLE_POLL_MS = 1_500;

/**
 * How often toolkit-lib reads a deploying stack, unless poll-interval-ms says otherwise: its one
 * setting drives both its event monitor (DescribeStackEvents, default 2 s) and its status wait
 * (DescribeStacks, default 5 s). 2.5 s for both is 0.8 reads/s per stack, within the same budget
 * (toolkit-lib's defaults were 0.7), and notices a finished deploy 1.25 s late on average instead of 2.5 s.
 */
export const DEPLOY_POLL_MS = 2_500;
