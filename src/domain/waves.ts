/** Dependency order of stacks: waves of stacks that can be deployed (or deleted) together. */

import { SynthError } from '../errors.js';

/** Depth of each stack in its dependency graph: 0 for stacks that depend on no other stack. */
export function waveOf(
  stacks: readonly { name: string; dependencies: readonly string[] }[],
): Map<string, number> {
  const byName = new Map(stacks.map((stack) => [stack.name, stack]));
  const depth = new Map<string, number>();
  const visiting = new Set<string>();
  const visit = (name: string): number => {
    const known = depth.get(name);
    if (known !== undefined) return known;
    if (visiting.has(name)) {
      throw new SynthError(`The CDK app's stacks depend on each other in a cycle through ${name}.`);
    }
    visiting.add(name);
    const dependencies = (byName.get(name)?.dependencies ?? []).filter((dependency) =>
      byName.has(dependency),
    );
    const value = dependencies.length === 0 ? 0 : 1 + Math.max(...dependencies.map(visit));
    visiting.delete(name);
    depth.set(name, value);
    return value;
  };
  for (const stack of stacks) visit(stack.name);
  return depth;
}

/** How many items share the most common wave: the most that can change at once (a chain: 1). */
export function widestWave<T>(items: readonly T[], wave: (item: T) => number): number {
  const counts = new Map<number, number>();
  for (const item of items) {
    const key = wave(item);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return Math.max(0, ...counts.values());
}

/** Groups items for deletion: dependents first (highest wave first), each group deletable in parallel. */
export function deletionWaves<T>(items: readonly T[], wave: (item: T) => number): T[][] {
  const groups = new Map<number, T[]>();
  for (const item of items) {
    const key = wave(item);
    groups.set(key, [...(groups.get(key) ?? []), item]);
  }
  return [...groups.entries()].sort(([a], [b]) => b - a).map(([, group]) => group);
}

/** Reads a wave tag; stacks without one (or with garbage) go in wave 0. */
export function parseWave(value: string | undefined): number {
  const wave = Number(value);
  return Number.isInteger(wave) && wave >= 0 ? wave : 0;
}

/**
 * Splits stacks into deploy calls whose items share a key (e.g. the deployment method): one call
 * when all share it, otherwise wave by wave (lowest first) and key by key within a wave, so a
 * stack is never deployed before a stack it depends on.
 */
export function deployBatches<T>(
  items: readonly T[],
  wave: (item: T) => number,
  key: (item: T) => string,
): T[][] {
  if (new Set(items.map(key)).size <= 1) return items.length === 0 ? [] : [[...items]];
  const groups = new Map<string, { wave: number; key: string; items: T[] }>();
  for (const item of items) {
    const id = `${wave(item)}\u0000${key(item)}`;
    const group = groups.get(id) ?? { wave: wave(item), key: key(item), items: [] };
    group.items.push(item);
    groups.set(id, group);
  }
  return [...groups.values()]
    .sort((a, b) => a.wave - b.wave || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((group) => group.items);
}
