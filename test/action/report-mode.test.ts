/**
 * Issue 13.1b, the hardened two-job layout, through the whole action: the job that runs PR code
 * (github-token '') deploys on moto and writes the report file; a second run, mode report, with no
 * AWS at all, posts it to the GitHub stand-in. The file is untrusted: one for another PR or
 * environment, an oversized or malformed one is refused and reported as a failure of this PR's own
 * environment; hostile text is escaped; a missing file is reported from the event alone.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type GitHubServer, startGitHubServer } from '../support/github-server.js';
import { type Moto, startMoto } from '../support/moto.js';
import { type ActionRun, runAction } from '../support/run-action.js';

let moto: Moto;
let github: GitHubServer;
let dir: string;
/** The report file the deploy job wrote, as text. */
let written: string;
let deployRun: ActionRun;
/** What the deploy job asked GitHub. */
let deployRequests: string[];

const MARKER = '<!-- prenv:pr-42 -->';

beforeAll(async () => {
  [moto, github] = await Promise.all([startMoto(), startGitHubServer()]);
  dir = await mkdtemp(join(tmpdir(), 'prenv-report-mode-'));
  github.addPull({ number: 42, state: 'open' });
  // The first job: PR code runs here, with no GitHub token at all.
  deployRun = await runAction({
    moto,
    github,
    inputs: {
      'app-dir': 'test/fixtures/apps/one-stack',
      'deployment-method': 'direct',
      bootstrap: 'true',
      'github-token': '',
    },
    env: { RUNNER_TEMP: dir },
  });
  written = await readFile(join(dir, 'prenv-report.json'), 'utf8');
  deployRequests = github.requests.map((request) => `${request.method} ${request.path}`);
}, 240_000);
afterAll(async () => {
  await Promise.all([
    moto?.stop(),
    github?.close(),
    dir === undefined ? undefined : rm(dir, { recursive: true }),
  ]);
});
beforeEach(() => {
  github.reset();
  github.addPull({ number: 42, state: 'open' });
  github.addPull({ number: 7, state: 'open' });
});

/** The second job: no moto, no AWS credentials, only the stand-in and the downloaded file. */
async function report(
  file: string | undefined,
  event: 'pull-request-opened' | 'pull-request-closed-merged' = 'pull-request-opened',
) {
  const path = join(dir, `downloaded-${Math.random().toString(36).slice(2)}.json`);
  if (file !== undefined) await writeFile(path, file);
  return runAction({ github, event, inputs: { mode: 'report', 'report-file': path } });
}

function edited(
  change: (file: { report: Record<string, unknown> } & Record<string, unknown>) => void,
): string {
  const file = JSON.parse(written);
  change(file);
  return JSON.stringify(file);
}

describe('the hardened layout: deploy without a token, then mode report', () => {
  it('the deploy job writes the report file and sends GitHub nothing', () => {
    expect(deployRun.exitCode, deployRun.log).toBe(0);
    expect(deployRun.outputs['report-file']).toBe(join(dir, 'prenv-report.json'));
    const file = JSON.parse(written);
    expect(file).toMatchObject({
      version: 1,
      operation: 'deploy',
      report: { state: 'ready', environment: 'pr-42', pullRequest: 42, repository: 'octo-org/invoices' },
    });
    expect(file.report.outputs.length).toBeGreaterThan(0);
    expect(deployRequests).toEqual([]);
    expect(deployRun.log).toContain('No github-token');
  });

  it('mode report posts the comment, the deployment and the summary from it, with no AWS call', async () => {
    const run = await report(written);
    expect(run.exitCode, run.log).toBe(0);
    const [comment] = github.comments(42);
    expect(comment?.body.startsWith(MARKER)).toBe(true);
    expect(comment?.body).toContain('is ready');
    expect(comment?.body).toContain('pr-42.example.invalid');
    const [deployment] = github.deployments();
    expect(deployment?.environment).toBe('pr-42');
    expect(github.deploymentStatuses(deployment?.id ?? 0).at(-1)).toMatchObject({
      state: 'success',
      environment_url: 'https://pr-42.example.invalid/',
    });
    expect(run.summary).toContain('pr-42');
    expect(run.outputs).toMatchObject({ environment: 'pr-42', url: 'https://pr-42.example.invalid/' });
    expect(run.log).not.toMatch(/AWS credentials|sts/i);
  });

  it('a labeled event with approve-label is the approved deploy: reported, not skipped', async () => {
    const path = join(dir, 'downloaded-approved.json');
    await writeFile(path, written);
    const run = await runAction({
      github,
      event: 'pull-request-labeled',
      eventOverrides: { label: { name: 'infra-approved' } },
      inputs: { mode: 'report', 'report-file': path, 'approve-label': 'infra-approved' },
    });
    expect(run.exitCode, run.log).toBe(0);
    expect(run.log).not.toContain('needs no environment change');
    const [comment] = github.comments(42);
    expect(comment?.body.startsWith(MARKER)).toBe(true);
    expect(comment?.body).toContain('is ready');
    expect(run.summary).toContain('pr-42');
  });

  it.each([
    [
      'another pull request',
      (f: { report: Record<string, unknown> }) => Object.assign(f.report, { pullRequest: 7 }),
    ],
    [
      'another environment',
      (f: { report: Record<string, unknown> }) => Object.assign(f.report, { environment: 'pr-7' }),
    ],
    [
      'another repository',
      (f: { report: Record<string, unknown> }) =>
        Object.assign(f.report, { repository: 'octo-org/payments' }),
    ],
    ['a newer version', (f: Record<string, unknown>) => Object.assign(f, { version: 2 })],
    [
      'a state that is no state',
      (f: { report: Record<string, unknown> }) => Object.assign(f.report, { state: 'pwned' }),
    ],
  ])('refuses a file for %s, and says so on this PR only', async (_what, change) => {
    const run = await report(edited(change as (f: { report: Record<string, unknown> }) => void));
    expect(run.exitCode).toBe(1);
    expect(run.log).toContain('The report file was refused');
    expect(github.comments(7)).toEqual([]);
    const [comment] = github.comments(42);
    expect(comment?.body).toContain('Deploy of `pr-42` failed');
    expect(comment?.body).toContain('The report file was refused');
    expect(comment?.body).not.toContain('is ready');
    const [deployment] = github.deployments();
    expect(github.deploymentStatuses(deployment?.id ?? 0).at(-1)?.state).toBe('failure');
  });

  it('refuses an oversized file without parsing it, and a malformed one', async () => {
    const huge = edited((file) => Object.assign(file, { padding: 'x'.repeat(1_100_000) }));
    const big = await report(huge);
    expect(big.exitCode).toBe(1);
    expect(github.comments(42)[0]?.body).toMatch(/refused: it is [\d\u200D]+ bytes/);

    const broken = await report('{"version": 1, "report": ');
    expect(broken.exitCode).toBe(1);
    expect(github.comments(42)[0]?.body).toContain('not valid JSON');
    expect(github.comments(42)).toHaveLength(1);
  });

  it('escapes hostile markup from the file like any other report text', async () => {
    const hostile =
      '</details><img src=x onerror=alert(1)> @octocat [click](https://evil.example) <!-- prenv:pr-7 -->';
    const run = await report(
      edited((file) => {
        file.report.notes = [hostile];
        file.report.failure = { reason: hostile };
        file.report.url = 'javascript:alert(1)';
        file.report.outputs = [{ stack: 'pr-42-data', key: 'Evil', value: hostile }];
      }),
    );
    expect(run.exitCode, run.log).toBe(0);
    const body = github.comments(42)[0]?.body ?? '';
    expect(body.match(/<!-- prenv:/g)).toHaveLength(1);
    expect(body).not.toContain('<img');
    expect(body).not.toContain('</details><');
    // Outside code spans (where GitHub renders nothing: no tag, link or mention), all is escaped.
    const prose = body.replace(/`[^`\n]*`/g, '');
    expect(prose).toContain('&lt;img');
    expect(prose).not.toMatch(/@octocat/);
    expect(prose).not.toContain('](https://evil.example)');
    expect(prose).not.toContain('](javascript:');
    expect(run.outputs.url).toBe('');
  });

  it('a missing file (the first job was cancelled or crashed) is reported from the event alone', async () => {
    const run = await report(undefined);
    expect(run.exitCode).toBe(1);
    expect(run.log).toContain('No report file arrived');
    const body = github.comments(42)[0]?.body ?? '';
    expect(body).toContain('did not finish');
    expect(body).toContain('No report file arrived');
  });

  it('a missing file after closed says the destroy failed', async () => {
    github.setPullState(42, 'closed', true);
    const run = await report(undefined, 'pull-request-closed-merged');
    expect(run.exitCode).toBe(1);
    expect(github.comments(42)[0]?.body).toContain('Destroying `pr-42` failed');
  });
});
