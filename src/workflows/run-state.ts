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
