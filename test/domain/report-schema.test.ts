import { describe, expect, it } from 'vitest';
import {
  flag,
  integer,
  list,
  object,
  oneOf,
  optional,
  SchemaError,
  text,
} from '../../src/domain/report-schema.js';

/** The SchemaError a field throws for a value, as name, path and message. */
function refusal(run: () => unknown): { name: string; path: string; message: string } {
  try {
    run();
  } catch (error) {
    if (!(error instanceof SchemaError)) throw error;
    return { name: error.name, path: error.path, message: error.message };
  }
  throw new Error('accepted');
}

describe('report schema fields', () => {
  it('text: a string of at most max characters, matching the pattern when there is one', () => {
    expect(text(3)('abc', 'r.s')).toBe('abc');
    expect(refusal(() => text(3)(7, 'r.s'))).toEqual({
      name: 'SchemaError',
      path: 'r.s',
      message: 'r.s: must be a string',
    });
    expect(refusal(() => text(3)('abcd', 'r.s')).message).toBe('r.s: is 4 characters; at most 3');
    expect(text(3, /^a/)('ab', 'r.s')).toBe('ab');
    expect(refusal(() => text(3, /^a/)('ba', 'r.s')).message).toBe('r.s: has the wrong format');
  });

  it('integer: a whole number from min to max, bounds included', () => {
    expect(integer(1, 5)(1, 'r.n')).toBe(1);
    expect(integer(1, 5)(5, 'r.n')).toBe(5);
    expect(integer(0)(Number.MAX_SAFE_INTEGER, 'r.n')).toBe(Number.MAX_SAFE_INTEGER);
    for (const bad of [0, 6, 2.5, '3', null, Number.NaN]) {
      expect(refusal(() => integer(1, 5)(bad, 'r.n')).message).toBe(
        'r.n: must be a whole number from 1 to 5',
      );
    }
  });

  it('flag: true or false only', () => {
    expect(flag(false, 'r.f')).toBe(false);
    expect(refusal(() => flag('true', 'r.f')).message).toBe('r.f: must be true or false');
  });

  it('oneOf: one of the listed strings', () => {
    expect(oneOf(['a', 'b'])('b', 'r.o')).toBe('b');
    expect(refusal(() => oneOf(['a', 'b'])('c', 'r.o')).message).toBe('r.o: must be one of a, b');
  });

  it('list: an array of at most max items, each checked at its index', () => {
    expect(list(integer(0), 2)([1, 2], 'r.l')).toEqual([1, 2]);
    expect(refusal(() => list(integer(0), 2)({}, 'r.l')).message).toBe('r.l: must be an array');
    expect(refusal(() => list(integer(0), 2)([1, 2, 3], 'r.l')).message).toBe('r.l: has 3 items; at most 2');
    expect(refusal(() => list(integer(0), 2)([1, -1], 'r.l')).path).toBe('r.l[1]');
  });

  it('object: a plain object; optional fields stay absent, unknown keys are dropped', () => {
    const shape = object({ name: text(10), count: optional(integer(0)) });
    expect(shape({ name: 'x', extra: 1 }, 'r')).toStrictEqual({ name: 'x' });
    expect(shape({ name: 'x', count: 2 }, 'r')).toStrictEqual({ name: 'x', count: 2 });
    for (const bad of ['{}', 3, null, []]) {
      expect(refusal(() => shape(bad, 'r')).message).toBe('r: must be an object');
    }
    expect(refusal(() => shape({ count: 1 }, 'r')).message).toBe('r.name: must be a string');
    expect(refusal(() => shape({ name: 'x', count: 'two' }, 'r')).path).toBe('r.count');
  });
});
