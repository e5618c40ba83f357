import { describe, expect, it } from 'vitest';
import { TAG } from '../../src/domain/ownership.js';
import { gateOnLabel, type LabelGateRequest } from '../../src/workflows/label-gate.js';
import { FakeClock, FakeGitHub, FakeLog } from '../support/fake-ports.js';
import { FakeStacks } from '../support/fake-stacks.js';

const REPO = 'acme/invoices';

function world(options: { state?: 'open' | 'closed'; labels?: string[]; deployed?: boolean } = {}) {
  const github = new FakeGitHub().withPull(7, options.state ?? 'open', false, options.labels ?? []);
  const stacks = new FakeStacks(new FakeClock('2025-03-03T12:00:00Z'));
  stacks.add({
    name: 'pr-7-shared',
    tags: { [TAG.managedBy]: 'prenv', [TAG.repository]: 'acme/other', [TAG.pullRequest]: '7' },
  });
  if (options.deployed) {
    stacks.add({
      name: 'pr-7-api',
      tags: {
        [TAG.managedBy]: 'prenv',
        [TAG.repository]: REPO,
        [TAG.pullRequest]: '7',
        [TAG.environment]: 'pr-7',
      },
    });
  }
  const log = new FakeLog();
  const gate = (wants: LabelGateRequest['wants']) =>
    gateOnLabel({ repository: REPO, pullRequest: 7, label: 'preview', wants }, { github, stacks, log });
  return { github, stacks, log, gate };
}

describe('gateOnLabel', () => {
  it('deploys an open PR that carries the label, whatever its case', async () => {
    expect(await world({ labels: ['bug', 'Preview'] }).gate('deploy')).toEqual({ run: 'deploy' });
  });

  it('deploys nothing for a PR without the label, and says how to get an environment', async () => {
    const gate = await world({ labels: ['bug'] }).gate('deploy');
    expect(gate).toEqual({ run: 'nothing', reason: expect.stringContaining('Add the label to deploy one') });
  });

  it('destroys an environment that exists although the PR lost the label (another repository’s stack does not count)', async () => {
    const w = world({ deployed: true });
    expect(await w.gate('deploy')).toEqual({ run: 'destroy' });
    expect(w.log.messages('notice').join('\n')).toContain('does not carry the label "preview"');
    expect(await world({}).gate('destroy')).toMatchObject({ run: 'nothing' });
  });

  it('keeps the environment of a PR that carries the label again when an unlabeled run starts', async () => {
    const gate = await world({ labels: ['preview'], deployed: true }).gate('destroy');
    expect(gate).toEqual({
      run: 'nothing',
      reason: expect.stringContaining('carries the label "preview" again'),
    });
  });

  it('a closed PR has no environment, labelled or not: destroys what exists, otherwise does nothing', async () => {
    expect(await world({ state: 'closed', labels: ['preview'], deployed: true }).gate('destroy')).toEqual({
      run: 'destroy',
    });
    expect(await world({ state: 'closed', labels: ['preview'] }).gate('deploy')).toEqual({
      run: 'nothing',
      reason: expect.stringContaining('is closed and has no environment'),
    });
  });

  it('cannot read the labels: deploys nothing (fails), but still destroys what exists', async () => {
    const deploying = world({ labels: ['preview'] });
    deploying.github.failing('pullRequest');
    await expect(deploying.gate('deploy')).rejects.toThrow(
      /Could not read the labels of PR #7.*Bad credentials/,
    );

    const destroying = world({ labels: ['preview'], deployed: true });
    destroying.github.failing('pullRequest');
    expect(await destroying.gate('destroy')).toEqual({ run: 'destroy' });
    expect(destroying.log.messages('warning').join('\n')).toContain('Could not read the labels');
  });
});

describe('gateOnLabel says why it destroys', () => {
  it('names a closed PR as closed', async () => {
    const w = world({ state: 'closed', labels: ['preview'], deployed: true });
    await w.gate('destroy');
    expect(w.log.messages('notice')).toEqual(['PR #7 is closed: destroying its environment.']);
  });

  it('when the labels cannot be read, destroys for the missing label (not a closed PR), keeping the cause of a failed deploy', async () => {
    const destroying = world({ deployed: true });
    destroying.github.failing('pullRequest');
    await destroying.gate('destroy');
    expect(destroying.log.messages('notice')).toEqual([
      'PR #7 does not carry the label "preview" (require-label): destroying its environment.',
    ]);

    const deploying = world();
    const cause = new Error('socket hang up');
    deploying.github.failing('pullRequest', cause);
    const error = await deploying.gate('deploy').catch((e: unknown) => e);
    expect((error as Error).cause).toBe(cause);
  });
});
