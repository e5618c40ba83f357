import { setTimeout as delay } from 'node:timers/promises';
import type { Clock } from '../ports.js';

/** The real clock. */
export const systemClock: Clock = {
  now: () => new Date(),
  sleep: async (ms) => {
    await delay(ms);
  },
};
