/**
 * DeployReads called directly: the reads started while the CDK app runs are started once, ask
 * GetTemplate only for settled stacks, query the environment's own resources, and each early
 * answer is used once (a second read of the same thing is live).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { TAG } from '../../src/domain/ownership.js';
import type { StackState } from '../../src/domain/state.js';
import { DeployReads } from '../../src/workflows/deploy-reads.js';
import { deployParts, removeDeployPartsDirs } from '../support/deploy-parts.js';
import { fakeTemplate } from '../support/fake-ports.js';
import { FakeResources } from '../support/fake-resources.js';

afterEach(removeDeployPartsDirs);

const RECORD: StackState = {
  fingerprint: 'fp',
  templateHash: 'hash',
  sha: '1'.repeat(40),
  deployedAt: '2025-03-02T10:00:00Z',
  via: 'deploy',
};

/** PR 42's environment with a settled stack, a rolled-back one and a recorded one that is gone. */
async function environment() {
  const parts = await deployParts();
  parts.stacks.add({ name: 'pr-42-api' });
  parts.stacks.add({ name: 'pr-42-data', status: 'UPDATE_ROLLBACK_COMPLETE' });
  parts.state.seed('pr-42', { 'pr-42-api': RECORD, 'pr-42-data': RECORD, 'pr-42-gone': RECORD });
  const resources = new FakeResources([
    { arn: 'arn:aws:s3:::pr-42-bucket', tags: {} },
    { arn: 'arn:aws:cloudformation:eu-west-2:111122223333:stack/pr-42-api/1', tags: {} },
    { arn: 'arn:aws:sqs:eu-west-2:111122223333:pr-42-queue', tags: {} },
  ]);
  const reads = new DeployReads(parts.request, { ...parts.ports, resources });
  return { ...parts, resources, reads };
}

describe('DeployReads', () => {
  it('starts the early reads once, however often start is called', async () => {
    const { reads, state, resources, stacks } = await environment();
    reads.start();
    reads.start();
    await reads.state();
    await reads.stack('pr-42-api');
    await reads.stack('pr-42-data');
    await reads.stack('pr-42-gone');
    expect(state.count('read')).toBe(1);
    expect(resources.queries).toStrictEqual([
      { [TAG.repository]: 'acme/invoices', [TAG.environment]: 'pr-42' },
    ]);
    expect(stacks.callsOf('get').map((call) => call.target)).toStrictEqual([
      'pr-42-api',
      'pr-42-data',
      'pr-42-gone',
    ]);
  });

  it('asks GetTemplate early only for the recorded stacks that exist and are settled', async () => {
    const { reads, stacks } = await environment();
    reads.start();
    expect(await reads.stack('pr-42-api')).toMatchObject({ name: 'pr-42-api', status: 'CREATE_COMPLETE' });
    expect(await reads.stack('pr-42-data')).toMatchObject({
      name: 'pr-42-data',
      status: 'UPDATE_ROLLBACK_COMPLETE',
    });
    expect(await reads.stack('pr-42-gone')).toBeUndefined();
    expect(await reads.template('pr-42-api')).toBe(fakeTemplate('pr-42-api'));
    expect(stacks.callsOf('template').map((call) => call.target)).toStrictEqual(['pr-42-api']);
  });

  it('uses each early answer once: a second read is live', async () => {
    const { reads, stacks, state } = await environment();
    reads.start();
    expect(await reads.state()).toStrictEqual({
      schema: 1,
      stacks: { 'pr-42-api': RECORD, 'pr-42-data': RECORD, 'pr-42-gone': RECORD },
    });
    expect(await reads.stack('pr-42-api')).toMatchObject({ name: 'pr-42-api' });
    expect(await reads.template('pr-42-api')).toBe(fakeTemplate('pr-42-api'));
    stacks.changeTemplate('pr-42-api', '{"Resources":{"Changed":{}}}');
    stacks.vanish('pr-42-api');
    state.documents.delete('pr-42');
    expect(await reads.state()).toBeUndefined();
    expect(await reads.stack('pr-42-api')).toBeUndefined();
    expect(await reads.template('pr-42-api')).toBeUndefined();
    expect(stacks.callsOf('get').filter((call) => call.target === 'pr-42-api')).toHaveLength(2);
    expect(stacks.callsOf('template')).toHaveLength(2);
  });

  it('counts the resources found while the app ran, without the stacks, once', async () => {
    const { reads, resources } = await environment();
    reads.start();
    expect(await reads.resourceCountBeforeSynth()).toBe(2);
    expect(await reads.resourceCountBeforeSynth()).toBeUndefined();
    expect(resources.queries).toHaveLength(1);
  });

  it('reads live when never started', async () => {
    const { reads, stacks, state, resources } = await environment();
    expect(await reads.stack('pr-42-api')).toMatchObject({ name: 'pr-42-api' });
    expect(await reads.template('pr-42-api')).toBe(fakeTemplate('pr-42-api'));
    expect(await reads.resourceCountBeforeSynth()).toBeUndefined();
    expect(state.count('read')).toBe(0);
    expect(resources.queries).toStrictEqual([]);
    expect(stacks.calls.map((call) => [call.method, call.target])).toStrictEqual([
      ['get', 'pr-42-api'],
      ['template', 'pr-42-api'],
    ]);
  });
});
