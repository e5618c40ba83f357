import { randomUUID } from 'node:crypto';
import type { IdGenerator } from '../application/ports.js';

/** Random UUIDv4 ids. */
export const randomIdGenerator: IdGenerator = { next: () => randomUUID() };
