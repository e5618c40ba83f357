import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

const LOCK_FILES = ['package-lock.json', 'pnpm-lock.yaml', 'yarn.lock', 'bun.lock'];

/** The nearest lock file above `from`: in a workspace that is the root's, where node_modules lives. */
export function findLockFile(from: string): string {
  for (let dir = dirname(from); ; dir = dirname(dir)) {
    const found = LOCK_FILES.map((name) => join(dir, name)).find((path) => existsSync(path));
    if (found !== undefined) return found;
    if (dirname(dir) === dir) throw new Error(`No lock file found above ${from}; run npm install first`);
  }
}
