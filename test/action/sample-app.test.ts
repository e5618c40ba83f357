import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GitHubServer, startGitHubServer } from '../support/github-server.js';
import { type Moto, startMoto } from '../support/moto.js';
import { runAction } from '../support/run-action.js';

let moto: Moto;
let github: GitHubServer;

beforeAll(async () => {
  [moto, github] = await Promise.all([startMoto(), startGitHubServer()]);
  github.addPull({ number: 7, state: 'open' });
});
afterAll(async () => {
  await Promise.all([moto?.stop(), github?.close()]);
});

// The sample app is the fixture users copy: prenv deploys it and runs its own e2e suite.
const inputs = {
  'app-dir': 'sample-app',
  'deployment-method': 'direct',
  bootstrap: 'true',
  'test-command': 'npm run test:e2e --workspace sample-app',
  'test-report': 'sample-app/reports/e2e-junit.xml',
};
const pr7 = { number: 7, pull_request: { number: 7 } };

describe('sample-app through prenv on moto', () => {
  it('deploys pr-7-invoices, passes its e2e suite with the outputs prenv hands it, and reports counts', async () => {
    const run = await runAction({ moto, github, inputs, eventOverrides: pr7, timeoutMs: 300_000 });
    expect(run.exitCode, run.log).toBe(0);
    expect(run.outputs.environment).toBe('pr-7');
    expect(JSON.parse(run.outputs.stacks ?? '[]')).toEqual(['pr-7-invoices']);
    expect(run.outputs['test-result']).toBe('passed');
    expect(Object.keys(JSON.parse(run.outputs.outputs ?? '{}'))).toEqual(
      expect.arrayContaining(['ApiUrl', 'TableName', 'EventBusName']),
    );
    const comment = github.comments(7)[0]?.body ?? '';
    expect(comment).toMatch(/passed/i);
    expect(comment).not.toContain('testing'); // the fake secret key never reaches the comment
  }, 300_000);

  it('synchronize: a new commit with the same infrastructure writes nothing, reruns the e2e suite, edits the comment', async () => {
    const commentId = github.comments(7)[0]?.id;
    const run = await runAction({
      moto,
      github,
      inputs,
      event: 'pull-request-synchronize',
      eventOverrides: { ...pr7, pull_request: { number: 7, head: { sha: 'c'.repeat(40) } } },
      timeoutMs: 300_000,
    });
    expect(run.exitCode, run.log).toBe(0);
    expect(run.outputs['test-result']).toBe('passed');
    expect(run.log).toContain('No stack changed since the last deploy');
    expect(github.comments(7).map((comment) => comment.id)).toEqual([commentId]);
    expect(github.comments(7)[0]?.body).toContain('cccccc');
  }, 300_000);

  it('closed: the environment is destroyed', async () => {
    const run = await runAction({
      moto,
      github,
      inputs,
      event: 'pull-request-closed-unmerged',
      eventOverrides: pr7,
    });
    expect(run.exitCode, run.log).toBe(0);
    expect(JSON.parse(run.outputs.stacks ?? '[]')).toEqual(['pr-7-invoices']);
  });
});
