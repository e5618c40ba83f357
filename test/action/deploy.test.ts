import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type GitHubServer, startGitHubServer } from '../support/github-server.js';
import { type Moto, startMoto } from '../support/moto.js';
import { runAction } from '../support/run-action.js';

let moto: Moto;
let github: GitHubServer;

beforeAll(async () => {
  [moto, github] = await Promise.all([startMoto(), startGitHubServer()]);
});
afterAll(async () => {
  await Promise.all([moto?.stop(), github?.close()]);
});
beforeEach(async () => {
  await moto.reset();
  github.reset();
  github.addPull({ number: 42, state: 'open' });
});

const base = {
  'app-dir': 'test/fixtures/apps/one-stack',
  'deployment-method': 'direct',
  bootstrap: 'true',
};

describe('deploy', () => {
  it('deploys one stack, tags it and sets the outputs', async () => {
    const run = await runAction({ moto, github, inputs: base });
    expect(run.exitCode, run.log).toBe(0);
    expect(run.outputs.environment).toBe('pr-42');
    expect(JSON.parse(run.outputs.stacks ?? '')).toEqual(['pr-42-data']);
    expect(run.outputs.url).toBe('https://pr-42.example.invalid/');
  });
});
