import type { Clock } from '../application/ports.js';

/** The real clock. */
export const systemClock: Clock = { now: () => new Date() };
