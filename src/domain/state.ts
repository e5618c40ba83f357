/**
 * The per-environment state document: per-push facts (fingerprints, the commit, the live
 * template's hash) that must not live in stack tags, which CloudFormation copies onto every
 * resource. Pure: parsing, serializing and updating; the StateStore port stores the text.
 */
import { parseOverlay, type TemplateOverlay } from './applied-overlay.js';

/** The schema version this prenv writes; a document of another version is read as no state. */
export const STATE_SCHEMA = 1;

/** What prenv last left in one stack. */
export interface StackState {
  /** The synthesized stack's fingerprint (template, parameters, assets, tags). */
  readonly fingerprint: string;
  /** Hash of the live template (GetTemplate) right after prenv changed the stack. */
  readonly templateHash: string;
  /** The commit deployed. */
  readonly sha: string;
  /** ISO-8601 UTC. */
  readonly deployedAt: string;
  /** How the stack last changed: a CloudFormation deployment, or a hotswap (no CloudFormation write). */
  readonly via: 'deploy' | 'hotswap';
  /** After hotswaps: what they applied that the live template does not show (see applied-overlay.ts). */
  readonly applied?: TemplateOverlay;
}

/** The whole document, one per environment. */
export interface EnvironmentState {
  readonly schema: typeof STATE_SCHEMA;
  readonly stacks: Readonly<Record<string, StackState>>;
}

/**
 * The SSM parameter that holds an environment's state: under prenv's prefix, the repository and
 * the environment (SSM allows letters, digits and _.-/ in names; GitHub names use no others).
 */
export function stateParameterName(repository: string, environment: string): string {
  const safe = (text: string) => text.replace(/[^A-Za-z0-9_.\-/]/g, '-');
  return `/prenv/${safe(repository)}/${safe(environment)}`;
}

/** The commit of the environment's latest change, from its state. */
export function lastSha(state: EnvironmentState | undefined): string | undefined {
  const stacks = Object.values(state?.stacks ?? {});
  return stacks
    .sort((a, b) => (a.deployedAt < b.deployedAt ? -1 : a.deployedAt > b.deployedAt ? 1 : 0))
    .at(-1)?.sha;
}

/** A document with no stack. */
export function emptyState(): EnvironmentState {
  return { schema: STATE_SCHEMA, stacks: {} };
}

/** Reads a stored document; undefined when it is not one this prenv understands (then every stack deploys). */
export function parseState(text: string): EnvironmentState | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(raw) || raw.schema !== STATE_SCHEMA || !isObject(raw.stacks)) return undefined;
  const stacks: Record<string, StackState> = {};
  for (const [name, value] of Object.entries(raw.stacks)) {
    const stack = toStackState(value);
    if (stack !== undefined) stacks[name] = stack;
  }
  return { schema: STATE_SCHEMA, stacks };
}

/** The stored form: compact JSON (SSM parameters hold 4 KB in the standard tier). */
export function serializeState(state: EnvironmentState): string {
  return JSON.stringify(state);
}

/** The document with one stack's record set, keeping only the stacks named in `keep`. */
export function withStack(
  state: EnvironmentState,
  name: string,
  stack: StackState,
  keep: readonly string[],
): EnvironmentState {
  const stacks: Record<string, StackState> = {};
  for (const [key, value] of Object.entries(state.stacks)) {
    if (keep.includes(key)) stacks[key] = value;
  }
  stacks[name] = stack;
  return { schema: STATE_SCHEMA, stacks };
}

function toStackState(value: unknown): StackState | undefined {
  if (!isObject(value)) return undefined;
  const { fingerprint, templateHash: hash, sha, deployedAt, via } = value;
  const applied = via === 'hotswap' ? parseOverlay(value.applied) : undefined;
  if (
    typeof fingerprint !== 'string' ||
    typeof hash !== 'string' ||
    typeof sha !== 'string' ||
    typeof deployedAt !== 'string'
  ) {
    return undefined;
  }
  return {
    fingerprint,
    templateHash: hash,
    sha,
    deployedAt,
    via: via === 'hotswap' ? 'hotswap' : 'deploy',
    ...(applied === undefined ? {} : { applied }),
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
