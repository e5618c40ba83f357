import type { StepPort } from '../ports.js';

/** What main leaves for the post step: how far it got. Never a credential. */
export type RunState =
  | { readonly phase: 'done' }
  | {
      readonly phase: 'deploying' | 'destroying';
      readonly environment: string;
      readonly pullRequest: number;
      readonly sha?: string;
      readonly stacks: readonly string[];
    };

const KEY = 'prenv-run';

/** Records the run's progress for the post step. */
export function saveRunState(step: StepPort, state: RunState): void {
  step.saveState(KEY, JSON.stringify(state));
}

/** Reads what main recorded; undefined when main never got that far. */
export function loadRunState(step: StepPort): RunState | undefined {
  const raw = step.getState(KEY);
  if (raw === '') return undefined;
  try {
    return JSON.parse(raw) as RunState;
  } catch {
    return undefined;
  }
}

/** What the post step knows without trusting GITHUB_STATE: from the event and the inputs. */
export interface ExpectedRun {
  readonly kind: 'deploy' | 'destroy';
  readonly pullRequest: number;
  readonly environment: string;
}

/**
 * The saved state, if it agrees with the event and inputs; else why it is ignored. PR code can
 * write GITHUB_STATE (a process that escaped the kill can append to it after main), so the state
 * only says how far the run got: never which PR or environment, and only stacks in its prefix.
 */
export function trustRunState(
  state: Exclude<RunState, { phase: 'done' }>,
  expected: ExpectedRun,
): { readonly stacks: readonly string[] } | { readonly ignored: string } {
  if (state.pullRequest !== expected.pullRequest || state.environment !== expected.environment) {
    return {
      ignored: `it names PR #${state.pullRequest} and environment ${state.environment}, but this run is for PR #${expected.pullRequest} (${expected.environment})`,
    };
  }
  // A deploy hands over to destroy when the PR closed meanwhile; a destroy never deploys.
  if (expected.kind === 'destroy' && state.phase === 'deploying') {
    return { ignored: 'it says deploying, but this run was a destroy' };
  }
  const stacks = Array.isArray(state.stacks) ? state.stacks : [];
  return {
    stacks: stacks.filter((name) => typeof name === 'string' && name.startsWith(`${expected.environment}-`)),
  };
}
