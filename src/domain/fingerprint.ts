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

/**
 * A hash of a template as CloudFormation returns it. JSON is hashed in a canonical form (sorted
 * keys, no whitespace), so a template re-serialized by the service hashes the same.
 */
export function templateHash(body: string): string {
  let canonical = body;
  try {
    canonical = canonicalJson(JSON.parse(body));
  } catch {
    // Not JSON (a YAML template): hashed as it is.
  }
  return createHash('sha256').update(canonical).digest('hex').slice(0, 32);
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isObject(value)) {
    const keys = Object.keys(value).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
