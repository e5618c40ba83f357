import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type GitHubServer, startGitHubServer } from '../support/github-server.js';
import { type Moto, startMoto } from '../support/moto.js';
import { stackTags } from '../support/moto-stacks.js';
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
    const tags = await stackTags(moto, 'pr-42-data');
    expect(tags).toMatchObject({
      'prenv:managed-by': 'prenv',
      'prenv:repository': 'octo-org/invoices',
      'prenv:pull-request': '42',
      'prenv:environment': 'pr-42',
    });
    expect(tags['prenv:expires-at']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it('deploys with the default method, change-set, too (moto drops change-set outputs: a known emulator gap)', async () => {
    const run = await runAction({ moto, github, inputs: { ...base, 'deployment-method': 'change-set' } });
    expect(run.exitCode, run.log).toBe(0);
    expect(JSON.parse(run.outputs.stacks ?? '')).toEqual(['pr-42-data']);
    expect((await stackTags(moto, 'pr-42-data'))['prenv:managed-by']).toBe('prenv');
  });
});
