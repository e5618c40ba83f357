import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markerFor } from '../../src/domain/comment.js';
import { type GitHubServer, startGitHubServer } from '../support/github-server.js';
import { type Moto, startMoto } from '../support/moto.js';
import { type RunActionOptions, runAction } from '../support/run-action.js';

let moto: Moto;
let github: GitHubServer;

const ROLE = 'fixture:role=true';
const GRANT = 'fixture:role=true\nfixture:grant-sqs=true';
const inputs = {
  'app-dir': 'test/fixtures/apps/one-stack',
  'deployment-method': 'direct',
  bootstrap: 'true',
  'fail-on': 'security',
  'approve-label': 'infra-approved',
};
const run = (context: string, options: RunActionOptions = {}) =>
  runAction({ moto, github, ...options, inputs: { ...inputs, context, ...options.inputs } });
const comment = () => github.comments(42).find((c) => c.body.startsWith(markerFor('pr-42')))?.body ?? '';

beforeAll(async () => {
  [moto, github] = await Promise.all([startMoto(), startGitHubServer()]);
  github.addPull({ number: 42, state: 'open' });
});
afterAll(async () => {
  await Promise.all([moto?.stop(), github?.close()]);
});

// One environment through three pushes: the runs build on each other. A run bootstraps, synthesizes
// and deploys: on a loaded machine that takes longer than the default test timeout.
describe('a push that adds sqs:* on * to a role', { timeout: 180_000 }, () => {
  it('first deploy: the environment summarised by type, nothing blocked (no statement uses *)', async () => {
    const result = await run(ROLE);
    expect(result.exitCode, result.log).toBe(0);
    const body = comment();
    expect(body).toContain('#### Infrastructure changes in this push');
    expect(body).toMatch(/🆕 `pr-42-data` is new: \d+ resources \(.*`AWS::DynamoDB::Table`/);
    expect(body).toContain('`AWS::IAM::Role`');
    expect(body).not.toContain('sqs:*');
  });

  it('fail-on security without the label: blocked before any write, the statement named and flagged', async () => {
    const result = await run(GRANT);
    expect(result.exitCode).toBe(1);
    expect(result.log).toContain('fail-on is security: nothing was deployed');
    const body = comment();
    for (const text of [body, result.summary]) {
      expect(text).toContain('waiting for approval');
      expect(text).toContain('⚠️ **Security-relevant changes');
      // An identity policy's statement names the role it is granted to.
      expect(text).toMatch(
        /IAM statement added: Allow `sqs:\*` on `\*` for `AWS:\$\{Worker[0-9A-F]*\}` \(\*\*wildcard\*\*\)/,
      );
      expect(text).toContain('adding the label `infra-approved`');
    }
    expect(body).toMatch(/\| `pr-42-data` \| \d+ \| \d+ \| 0 \| 0 \|/);
    expect(result.log).toMatch(
      /::warning::Security-relevant change: pr-42-data: IAM statement added: Allow sqs:\* on \*/,
    );
  });

  it('labeled with approve-label: the same push deploys, the change still shown, the approval noted', async () => {
    github.setPullLabels(42, ['infra-approved']);
    const result = await run(GRANT, {
      event: 'pull-request-labeled',
      eventOverrides: { label: { name: 'infra-approved' } },
    });
    expect(result.exitCode, result.log).toBe(0);
    const body = comment();
    for (const text of [body, result.summary]) {
      expect(text).toContain('is ready');
      // An identity policy's statement names the role it is granted to.
      expect(text).toMatch(
        /IAM statement added: Allow `sqs:\*` on `\*` for `AWS:\$\{Worker[0-9A-F]*\}` \(\*\*wildcard\*\*\)/,
      );
      expect(text).toContain('approved by the label infra-approved');
    }
  });
});
