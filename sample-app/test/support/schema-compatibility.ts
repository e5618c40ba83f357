import type { Json } from './contract-validators.js';

type ObjectSchema = { required?: string[]; properties?: Record<string, Json> };

/** A property's constraints, without the keywords that only document it. */
function constraints(property: Json | undefined): string {
  if (property === undefined) return 'absent';
  const { description: _description, title: _title, ...rest } = property;
  return JSON.stringify(rest, Object.keys(rest).sort());
}

/**
 * Every way `candidate` breaks compatibility with `published`, for the flat object schemas of events.
 * Compatible: a new optional field, new or changed descriptions (consumers ignore what they do not know).
 * Breaking: a published required field no longer required (removed or renamed); a published field's type,
 * enum, pattern, format or bounds changed in any way; a new required field (archived v1 events replayed
 * against the new schema would fail it). Empty when compatible.
 */
export function breakingChanges(published: Json, candidate: Json): string[] {
  const before = published as ObjectSchema;
  const after = candidate as ObjectSchema;
  const problems: string[] = [];
  const requiredAfter = new Set(after.required ?? []);
  const requiredBefore = new Set(before.required ?? []);
  for (const name of requiredBefore) {
    if (!requiredAfter.has(name))
      problems.push(`${name}: required in the published version, now missing or optional`);
  }
  for (const [name, property] of Object.entries(before.properties ?? {})) {
    const now = after.properties?.[name];
    if (now !== undefined && constraints(now) !== constraints(property)) {
      problems.push(`${name}: changed from ${constraints(property)} to ${constraints(now)}`);
    }
  }
  for (const name of requiredAfter) {
    if (!requiredBefore.has(name)) problems.push(`${name}: newly required`);
  }
  return problems;
}
