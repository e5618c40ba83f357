import { afterEach, describe, expect, it } from 'vitest';
import { deployParts, removeDeployPartsDirs, SHA } from '../support/deploy-parts.js';

afterEach(removeDeployPartsDirs);

const RUN_URL = 'https://github.com/acme/invoices/actions/runs/7';
const REPO_URL = 'https://github.com/acme/invoices';
const UPDATED = '2025-03-03T12:00:00Z';

describe('DeployRecord.report', () => {
  it('carries the request’s facts and links, and no notes, changes or outputs it was not given', async () => {
    const { record } = await deployParts();
    expect(record.report({ state: 'deploying' })).toStrictEqual({
      state: 'deploying',
      environment: 'pr-42',
      repository: 'acme/invoices',
      pullRequest: 42,
      sha: SHA,
      runUrl: RUN_URL,
      repositoryUrl: REPO_URL,
      updatedAt: UPDATED,
    });
  });

  it('has no run or repository link when the request has none', async () => {
    const { record } = await deployParts({ noLinks: true });
    expect(record.report({ state: 'ready' })).toStrictEqual({
      state: 'ready',
      environment: 'pr-42',
      repository: 'acme/invoices',
      pullRequest: 42,
      sha: SHA,
      updatedAt: UPDATED,
    });
  });

  it('puts prenv’s own notes before the caller’s, and keeps the caller’s when it has none', async () => {
    const { record } = await deployParts({ noLinks: true });
    expect(record.report({ state: 'ready', notes: ['from the caller'] }).notes).toStrictEqual([
      'from the caller',
    ]);
    record.notes.push('approved by label');
    expect(record.report({ state: 'ready', notes: ['from the caller'] }).notes).toStrictEqual([
      'approved by label',
      'from the caller',
    ]);
    expect(record.report({ state: 'ready' }).notes).toStrictEqual(['approved by label']);
  });

  it('shows hidden outputs without their value, and no URL that is a hidden output’s value', async () => {
    const { record } = await deployParts({ noLinks: true, inputs: { hideOutputs: ['AdminUrl'] } });
    record.outputs = [
      { stack: 'pr-42-api', key: 'ApiUrl', value: 'https://api.example.com/' },
      { stack: 'pr-42-api', key: 'AdminUrl', value: 'https://admin.example.com/?key=s3cr3t' },
    ];
    const shown = [
      { stack: 'pr-42-api', key: 'ApiUrl', value: 'https://api.example.com/' },
      { stack: 'pr-42-api', key: 'AdminUrl', value: '', hidden: true },
    ];
    expect(
      record.report({ state: 'ready', outputs: record.outputs, url: 'https://api.example.com/' }),
    ).toStrictEqual({
      state: 'ready',
      environment: 'pr-42',
      repository: 'acme/invoices',
      pullRequest: 42,
      sha: SHA,
      outputs: shown,
      url: 'https://api.example.com/',
      updatedAt: UPDATED,
    });
    expect(record.visibleUrl('https://api.example.com/')).toBe('https://api.example.com/');
    expect(record.visibleUrl('https://admin.example.com/?key=s3cr3t')).toBeUndefined();
  });
});

describe('DeployRecord timings', () => {
  it('times each phase, also one that fails, and adds the total since the start when final', async () => {
    const { record, clock } = await deployParts();
    clock.advance(500);
    await record.time('synth', async () => clock.advance(2_000));
    await expect(
      record.time('deploy', async () => {
        clock.advance(30_000);
        throw new Error('deploy failed');
      }),
    ).rejects.toThrow('deploy failed');
    expect(record.timingsSoFar(false)).toStrictEqual({ synth: 2_000, deploy: 30_000 });
    clock.advance(1_000);
    expect(record.timingsSoFar(true)).toStrictEqual({ synth: 2_000, deploy: 30_000, total: 33_500 });
    expect(record.elapsed()).toBe(33_500);
  });
});

describe('DeployRecord outputs', () => {
  it('sets every output, empty ones when there are no outputs', async () => {
    const { record, step } = await deployParts();
    record.setStack({ name: 'pr-42-data', outcome: 'failed' });
    record.setOutputs(undefined, 'skipped');
    expect(step.outputs).toStrictEqual({
      environment: 'pr-42',
      stacks: '["pr-42-data"]',
      outputs: '{}',
      url: '',
      'test-result': 'skipped',
    });
  });
});
