import { describe, expect, it } from 'vitest';
import {
  DEPLOY_POLL_MS,
  DEPLOY_READS_PER_SECOND,
  deployIntervalMs,
  deployPollMs,
  SETTLE_POLL_MS,
  SETTLE_READS_PER_SECOND,
  settleIntervalMs,
} from '../../src/adapters/polling.js';
import { TAG } from '../../src/domain/ownership.js';

describe('settleIntervalMs: status waits share the region read quota', () => {
  it('reads each stack every 1.5 s while up to three are waited for', () => {
    expect([1, 2, 3].map(settleIntervalMs)).toEqual([SETTLE_POLL_MS, SETTLE_POLL_MS, SETTLE_POLL_MS]);
  });

  it('spaces the reads out beyond that, so that together they stay at 2 reads per second', () => {
    expect(settleIntervalMs(4)).toBe(2_000);
    expect(settleIntervalMs(12)).toBe(6_000);
    for (const waiting of [1, 2, 3, 4, 5, 12, 50]) {
      const perSecond = (waiting * 1000) / settleIntervalMs(waiting);
      expect(perSecond).toBeLessThanOrEqual(SETTLE_READS_PER_SECOND);
      expect(1000 / settleIntervalMs(waiting)).toBeLessThanOrEqual(1);
    }
  });

  it('treats no wait (or a miscount) as one', () => {
    expect(settleIntervalMs(0)).toBe(SETTLE_POLL_MS);
    expect(settleIntervalMs(-1)).toBe(SETTLE_POLL_MS);
  });
});

describe('deployIntervalMs: toolkit-lib polls the stacks it deploys at once within 1 read a second', () => {
  it('polls one stack every 2.5 s, and more stacks less often, two reads per stack per interval', () => {
    expect(deployIntervalMs(1)).toBe(DEPLOY_POLL_MS);
    expect(deployIntervalMs(2)).toBe(4_000);
    expect(deployIntervalMs(4)).toBe(8_000);
    for (const stacks of [1, 2, 3, 4, 8]) {
      expect((stacks * 2 * 1000) / deployIntervalMs(stacks)).toBeLessThanOrEqual(DEPLOY_READS_PER_SECOND);
    }
    expect(deployIntervalMs(0)).toBe(DEPLOY_POLL_MS);
  });
});

describe('deployPollMs: the interval toolkit-lib gets for one deploy call', () => {
  const stacks = (...waves: number[]) => waves.map((wave) => ({ tags: { [TAG.wave]: String(wave) } }));
  it('is poll-interval-ms when set', () => {
    expect(deployPollMs(stacks(0, 0, 0, 0), 4, 50)).toBe(50);
  });

  it('spaces four independent stacks to 8 s, but polls a chain of four, deployed one at a time, every 2.5 s', () => {
    expect(deployPollMs(stacks(0, 0, 0, 0), 4, undefined)).toBe(8_000);
    expect(deployPollMs(stacks(0, 1, 2, 3), 4, undefined)).toBe(DEPLOY_POLL_MS);
    expect(deployPollMs(stacks(0, 1, 1, 2), 4, undefined)).toBe(4_000);
    // No more at once than toolkit-lib's concurrency.
    expect(deployPollMs(stacks(...Array.from({ length: 12 }, () => 0)), 8, undefined)).toBe(16_000);
    expect(deployPollMs([{ tags: {} }], 1, undefined)).toBe(DEPLOY_POLL_MS);
  });
});
