/**
 * A small schema language for untrusted JSON: each field checks its type and its size and either
 * returns the value, typed, or throws SchemaError naming the path. Pure; no dependency.
 */

/** Why a value does not fit its schema; `path` says where, e.g. report.tests.failures[3].name. */
export class SchemaError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
    this.name = 'SchemaError';
  }
}

/** Checks one value at a path; returns it typed or throws SchemaError. */
export type Field<T> = (value: unknown, path: string) => T;

/** A string of at most `max` characters (and, with a pattern, matching it). */
export function text(max: number, pattern?: RegExp): Field<string> {
  return (value, path) => {
    if (typeof value !== 'string') throw new SchemaError(path, 'must be a string');
    if (value.length > max) throw new SchemaError(path, `is ${value.length} characters; at most ${max}`);
    if (pattern !== undefined && !pattern.test(value)) throw new SchemaError(path, 'has the wrong format');
    return value;
  };
}

/** A whole number from min to max. */
export function integer(min: number, max = Number.MAX_SAFE_INTEGER): Field<number> {
  return (value, path) => {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
      throw new SchemaError(path, `must be a whole number from ${min} to ${max}`);
    }
    return value;
  };
}

/** true or false. */
export const flag: Field<boolean> = (value, path) => {
  if (typeof value !== 'boolean') throw new SchemaError(path, 'must be true or false');
  return value;
};

/** One of a fixed set of strings. */
export function oneOf<T extends string>(allowed: readonly T[]): Field<T> {
  return (value, path) => {
    const found = allowed.find((candidate) => candidate === value);
    if (found === undefined) throw new SchemaError(path, `must be one of ${allowed.join(', ')}`);
    return found;
  };
}

/** An array of at most `max` items, each checked. */
export function list<T>(item: Field<T>, max: number): Field<T[]> {
  return (value, path) => {
    if (!Array.isArray(value)) throw new SchemaError(path, 'must be an array');
    if (value.length > max) throw new SchemaError(path, `has ${value.length} items; at most ${max}`);
    return value.map((element, index) => item(element, `${path}[${index}]`));
  };
}

/** Marks a field optional: absent (or undefined) stays absent. */
export interface Optional<T> {
  readonly optional: Field<T>;
}

/** An optional field of an object. */
export function optional<T>(field: Field<T>): Optional<T> {
  return { optional: field };
}

type Shape = Readonly<Record<string, Field<unknown> | Optional<unknown>>>;
type Required<S extends Shape> = {
  [K in keyof S as S[K] extends Optional<unknown> ? never : K]: S[K] extends Field<infer T> ? T : never;
};
type Optionals<S extends Shape> = {
  [K in keyof S as S[K] extends Optional<unknown> ? K : never]?: S[K] extends Optional<infer T> ? T : never;
};
/** The object type a shape describes. */
export type Parsed<S extends Shape> = Required<S> & Optionals<S>;

/**
 * A plain object with these fields. Keys the shape does not name are dropped, not refused: a
 * newer writer of the same version may add sections an older reader does not show.
 */
export function object<S extends Shape>(shape: S): Field<Parsed<S>> {
  return (value, path) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new SchemaError(path, 'must be an object');
    }
    const source = value as Record<string, unknown>;
    const result: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(shape)) {
      const own = Object.hasOwn(source, key) ? source[key] : undefined;
      if ('optional' in field) {
        if (own !== undefined) result[key] = field.optional(own, `${path}.${key}`);
      } else {
        result[key] = field(own, `${path}.${key}`);
      }
    }
    return result as Parsed<S>;
  };
}
