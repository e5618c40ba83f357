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
