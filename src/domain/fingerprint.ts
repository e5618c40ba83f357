import { createHash } from 'node:crypto';

/** A stable hash of everything that decides what a stack deploy would change. */
export function fingerprint(parts: {
  template: string;
  tags: Readonly<Record<string, string>>;
  assets: readonly string[];
}): string {
  const hash = createHash('sha256');
  hash.update(parts.template);
  hash.update('\0');
  // Code-unit order, not localeCompare: the hash must not depend on the runner's locale.
  hash.update(JSON.stringify(Object.entries(parts.tags).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
  for (const asset of parts.assets) {
    hash.update('\0');
    hash.update(asset);
  }
  return hash.digest('hex').slice(0, 32);
}
