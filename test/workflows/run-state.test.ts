import { describe, expect, it } from 'vitest';
import { trustRunState } from '../../src/workflows/run-state.js';

const deploying = {
  phase: 'deploying' as const,
  environment: 'pr-42',
  pullRequest: 42,
  stacks: ['pr-42-api', 'pr-42-data'],
};
const expected = { kind: 'deploy' as const, pullRequest: 42, environment: 'pr-42' };

describe('trustRunState', () => {
  it('keeps state that agrees with the event and the inputs', () => {
    expect(trustRunState(deploying, expected)).toEqual({ stacks: ['pr-42-api', 'pr-42-data'] });
  });

  it.each([
    ['another PR', { ...deploying, pullRequest: 7 }],
    ['another environment', { ...deploying, environment: 'production' }],
  ])('ignores state naming %s', (_, state) => {
    expect(trustRunState(state, expected)).toHaveProperty('ignored');
  });

  it('ignores a deploying state after a destroy, but takes destroying after a deploy (closed meanwhile)', () => {
    expect(trustRunState(deploying, { ...expected, kind: 'destroy' })).toHaveProperty('ignored');
    expect(trustRunState({ ...deploying, phase: 'destroying' }, expected)).toHaveProperty('stacks');
  });

  it('lists only stacks in the environment’s prefix', () => {
    const state = { ...deploying, stacks: ['pr-42-api', 'prod-db', 'pr-421-api', 42 as unknown as string] };
    expect(trustRunState(state, expected)).toEqual({ stacks: ['pr-42-api'] });
  });
});

describe('trustRunState says why it ignores a state', () => {
  it('names both PRs and environments, or the phase', () => {
    expect(trustRunState({ ...deploying, pullRequest: 7, environment: 'pr-7' }, expected)).toStrictEqual({
      ignored: 'it names PR #7 and environment pr-7, but this run is for PR #42 (pr-42)',
    });
    expect(trustRunState(deploying, { ...expected, kind: 'destroy' })).toStrictEqual({
      ignored: 'it says deploying, but this run was a destroy',
    });
  });

  it('takes a destroying state after a destroy', () => {
    expect(
      trustRunState({ ...deploying, phase: 'destroying' }, { ...expected, kind: 'destroy' }),
    ).toStrictEqual({
      stacks: ['pr-42-api', 'pr-42-data'],
    });
  });
});
