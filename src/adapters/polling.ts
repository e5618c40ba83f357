/** prenv's CloudFormation polling intervals on AWS, for prenv's status waits and toolkit-lib's deploys (no SDK here). */

import { TAG } from '../domain/ownership.js';
import { parseWave, widestWave } from '../domain/waves.js';

/**
 * How often prenv reads a stack's status while it changes (destroy, waits), unless poll-interval-ms
 * says otherwise: one DescribeStacks per 1.5 s, about 0.7 reads/s per stack in progress, within the
 * budget of 1 read/s per stack (test/action/polling.test.ts). It was toolkit-lib's 5 s, which made
 * prenv notice a finished delete 2.5 s late on average; now 0.75 s.
 */
export const SETTLE_POLL_MS = 1_500;

/**
 * prenv's status reads of every stack it waits for at once, together, at most: one account's
 * CloudFormation read quota is shared by every PR deploying in it (the tests model 2 reads/s with a
 * burst of 20, test/support/realism/read-quota.ts). A destroy of up to three stacks reads each every
 * 1.5 s; a cleanup sweep deleting twelve stacks at once reads each every 6 s, where 1.5 s would be
 * 8 reads/s and throttled (test/action/polling-sweep.test.ts).
 */
export const SETTLE_READS_PER_SECOND = 2;

/** How long a status wait sleeps between reads while `waiting` stacks are being waited for at once. */
export function settleIntervalMs(waiting: number): number {
  return Math.max(SETTLE_POLL_MS, (Math.max(1, waiting) * 1000) / SETTLE_READS_PER_SECOND);
}

/**
 * How often toolkit-lib reads a deploying stack, unless poll-interval-ms says otherwise: its one
 * setting drives both its event monitor (DescribeStackEvents, default 2 s) and its status wait
 * (DescribeStacks, default 5 s). 2.5 s for both is 0.8 reads/s per stack, within the same budget
 * (toolkit-lib's defaults were 0.7), and notices a finished deploy 1.25 s late on average instead of 2.5 s.
 */
export const DEPLOY_POLL_MS = 2_500;

/**
 * toolkit-lib's reads of the stacks it deploys at once, together, at most: half of what status waits
 * may use, because around each stack's deploy toolkit-lib also reads about seven times in a burst
 * (the toolkit stack per asset, the stack, its template, the change set): a four-stack deploy read
 * 27 times in 2 s before its first poll (test/action/polling.test.ts).
 */
export const DEPLOY_READS_PER_SECOND = 1;

/**
 * toolkit-lib's interval when it deploys `together` stacks at once (the widest wave of a deploy
 * call): two reads (events and status) per stack per interval. One stack: 2.5 s; two: 4 s; four:
 * 8 s, where 2.5 s would be 3.2 reads/s and throttled (test/action/polling.test.ts).
 */
export function deployIntervalMs(together: number): number {
  return Math.max(DEPLOY_POLL_MS, (Math.max(1, together) * 2 * 1000) / DEPLOY_READS_PER_SECOND);
}

/**
 * toolkit-lib's polling interval for one deploy call: poll-interval-ms when set; otherwise by the
 * widest wave of its stacks (those deploy together; a chain deploys one after another, though
 * toolkit-lib may overlap neighbouring waves a little), at most `concurrency` at once.
 */
export function deployPollMs(
  stacks: readonly { readonly tags: Readonly<Record<string, string>> }[],
  concurrency: number,
  pollIntervalMs: number | undefined,
): number {
  if (pollIntervalMs !== undefined) return pollIntervalMs;
  const together = widestWave(stacks, (stack) => parseWave(stack.tags[TAG.wave]));
  return deployIntervalMs(Math.min(together, concurrency));
}
