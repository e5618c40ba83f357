import { afterEach, describe, expect, it } from 'vitest';
import { StateRecorder } from '../../src/workflows/deploy-state.js';
import { deployParts, removeDeployPartsDirs } from '../support/deploy-parts.js';

afterEach(removeDeployPartsDirs);

const NAMES = ['pr-42-data', 'pr-42-api'];

describe('StateRecorder', () => {
  it('warns once when the state cannot be written, naming every stack the next push deploys again', async () => {
    const { ports, request, stacks, state, log } = await deployParts();
    for (const name of NAMES) stacks.add({ name });
    state.failures.set('write', new Error('AccessDenied: ssm:PutParameter'));
    const recorder = new StateRecorder(
      { schema: 1, stacks: {} },
      NAMES.map((name) => ({ name, dependencies: [], fingerprint: `fp-${name}` })),
      request,
      ports,
    );
    for (const name of NAMES) recorder.record(name, 'deploy');
    await recorder.flush();
    expect(state.count('write')).toBe(2);
    expect(log.lines).toStrictEqual([
      {
        level: 'warning',
        message:
          'Could not record what was deployed (AccessDenied: ssm:PutParameter): the next push deploys pr-42-data, pr-42-api again.',
      },
    ]);
  });
});
