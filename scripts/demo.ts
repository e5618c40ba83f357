// `npm run demo`: one pull request's whole life through prenv, on a local AWS emulator (moto) and a
// GitHub API stand-in, with no AWS account and no GitHub. It runs the committed dist/index.js exactly as
// the Actions runner does (INPUT_* variables, an event payload file, GITHUB_OUTPUT, …), using the same
// harness as the integration tests in test/action/.
import { existsSync } from 'node:fs';
import { appendFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { type GitHubServer, startGitHubServer } from '../test/support/github-server.js';
import { MOTO_ACCOUNT, type Moto, motoInstalled, startMoto } from '../test/support/moto.js';
import {
  type ActionRun,
  NODE24,
  ROOT,
  type RunActionOptions,
  runAction,
} from '../test/support/run-action.js';
import { emulatorCloudFormation, leakedTags, liveStacks, plantStack } from './demo-aws.js';
import { bullet, headline, list, paint, rows, say, seconds, stackOutcomes } from './demo-print.js';

const OUT = join(ROOT, 'demo-output');
const LOG = join(OUT, 'demo.log');
const PR = 42;
const LEAKED_PR = 17;
const REPOSITORY = 'octo-org/invoices';
const STACK = `pr-${PR}-invoices`;
const LEAKED_STACK = `pr-${LEAKED_PR}-invoices`;
const DECOY_STACK = 'shared-network';
/**
 * What a real workflow would pass, plus what an emulator needs (deployment-method: direct) and
 * allows (poll-interval-ms: moto finishes stack operations at once; on AWS leave it empty).
 */
const INPUTS = {
  'role-to-assume': `arn:aws:iam::${MOTO_ACCOUNT}:role/prenv-sandbox`,
  'allowed-account-ids': MOTO_ACCOUNT,
  'app-dir': 'sample-app',
  'deployment-method': 'direct',
  'poll-interval-ms': '50',
  bootstrap: 'true',
  'test-command': 'npm run test:e2e --workspace sample-app',
  'test-report': 'sample-app/reports/e2e-junit.xml',
};
/**
 * A CDK feature flag that only rewrites the stack's CDKMetadata resource: a real template change (so the
 * synchronize really redeploys) that costs moto nothing. In your app, a new commit plays this part.
 */
const CHANGE_CONTEXT = '@aws-cdk/core:enableAdditionalMetadataCollection=true';

interface Services {
  readonly moto: Moto;
  readonly github: GitHubServer;
}

/** One step of the demo: its title, and the checks that must hold for the demo to pass. */
interface StepResult {
  readonly failures: string[];
}

let stepNumber = 0;
const STEPS = 6;

async function main(): Promise<number> {
  const missing = preflight();
  if (missing !== undefined) {
    process.stderr.write(`${missing}\n`);
    return 1;
  }
  await rm(OUT, { recursive: true, force: true });
  await mkdir(OUT, { recursive: true });
  await writeFile(join(OUT, '.gitignore'), '# written by npm run demo\n*\n');
  const started = Date.now();

  say(paint('bold', 'prenv demo: one pull request’s life, on a local AWS emulator and a GitHub stand-in'));
  const [moto, github] = await Promise.all([startMoto(), startGitHubServer({ repository: REPOSITORY })]);
  const services = { moto, github };
  const stop = async () => {
    await Promise.all([moto.stop(), github.close()]);
  };
  const interrupted = async (signal: NodeJS.Signals) => {
    say(`\n${signal}: stopping moto_server (pid ${moto.pid}) and the GitHub stand-in`);
    await stop();
    process.exit(130);
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  github.addPull({ number: PR, state: 'open', title: 'Invoices: accept a purchase-order number' });
  rows([
    ['AWS', `moto_server on ${moto.endpoint} (pid ${moto.pid}), account ${MOTO_ACCOUNT}, eu-west-2`],
    ['GitHub', `API stand-in on ${github.url} for ${REPOSITORY}, PR #${PR} open`],
    ['action', 'dist/index.js, run by Node 24 as the Actions runner runs it'],
    ['app', `sample-app (one stack, ${STACK}); e2e: ${INPUTS['test-command']}`],
    ['raw log', relative(process.cwd(), LOG)],
  ]);

  const failures: string[] = [];
  try {
    for (const step of [opened, synchronize, closed, plantLeak, dryRun, sweep]) {
      const result = await step(services);
      failures.push(...result.failures);
      if (result.failures.length > 0) break;
    }
    if (failures.length === 0) {
      await showComments(github);
      await showSweep();
    }
  } finally {
    await stop();
  }

  say();
  if (failures.length > 0) {
    say(paint('red', `✗ demo failed after ${seconds(Date.now() - started)}:`));
    for (const failure of failures) say(`  - ${failure}`);
    say(`  The action's full log is in ${relative(process.cwd(), LOG)}.`);
    return 1;
  }
  say(
    paint('green', `✓ the whole lifecycle ran in ${seconds(Date.now() - started)}`) +
      `; moto_server (pid ${moto.pid}) and the GitHub stand-in are stopped, nothing is left running.`,
  );
  say(`  Files: ${relative(process.cwd(), OUT)}/ (comments, job summaries, demo.log)`);
  return 0;
}

/** Why the demo cannot run here, as one line to act on; undefined when it can. */
function preflight(): string | undefined {
  if (!motoInstalled()) {
    return 'moto_server is not installed. Install it with: pip install "moto[server]"   (then run npm run demo again)';
  }
  if (!existsSync(join(ROOT, 'dist/index.js')))
    return 'dist/index.js is missing. Build it with: npm run build';
  if (!existsSync(NODE24)) return 'node_modules is missing or incomplete. Install with: npm ci';
  return undefined;
}

async function opened({ moto, github }: Services): Promise<StepResult> {
  const run = await action(`PR #${PR} opened → deploy, e2e, comment`, {
    moto,
    github,
    event: 'pull-request-opened',
  });
  const comment = await saveComment(github, '01-opened');
  describeDeploy(run, comment, github);
  return check(run, [
    [
      run.outputs.stacks === JSON.stringify([STACK]),
      `expected stacks ["${STACK}"], got ${run.outputs.stacks}`,
    ],
    [
      run.outputs['test-result'] === 'passed',
      `expected the e2e suite to pass, got ${run.outputs['test-result']}`,
    ],
    [github.comments(PR).length === 1, `expected one PR comment, got ${github.comments(PR).length}`],
  ]);
}

async function synchronize({ moto, github }: Services): Promise<StepResult> {
  const commentId = github.comments(PR)[0]?.id;
  const run = await action(`PR #${PR} synchronize (new commit) → redeploy, e2e, comment edited`, {
    moto,
    github,
    event: 'pull-request-synchronize',
    inputs: { ...INPUTS, context: CHANGE_CONTEXT },
  });
  const comment = await saveComment(github, '02-synchronize');
  describeDeploy(run, comment, github);
  say(`    ${paint('dim', `(the new commit is simulated with CDK context ${CHANGE_CONTEXT})`)}`);
  const comments = github.comments(PR);
  return check(run, [
    [
      run.outputs['test-result'] === 'passed',
      `expected the e2e suite to pass, got ${run.outputs['test-result']}`,
    ],
    [
      comments.length === 1 && comments[0]?.id === commentId,
      `expected the same comment to be edited, found ${comments.length} comment(s)`,
    ],
  ]);
}

async function closed({ moto, github }: Services): Promise<StepResult> {
  github.setPullState(PR, 'closed', true);
  const run = await action(`PR #${PR} merged and closed → destroy`, {
    moto,
    github,
    event: 'pull-request-closed-merged',
  });
  const comment = await saveComment(github, '03-closed');
  const left = (await liveStacks(emulatorCloudFormation(moto.endpoint))).filter((name) =>
    name.startsWith(`pr-${PR}-`),
  );
  rows([
    ['destroyed', list(run.outputs.stacks)],
    ['comment', `${headline(comment)} (edited in place)`],
    ['deployment', deploymentState(github)],
    [`pr-${PR} stacks left`, left.length === 0 ? 'none' : left.join(', ')],
  ]);
  return check(run, [
    [
      run.outputs.stacks === JSON.stringify([STACK]),
      `expected ${STACK} destroyed, got ${run.outputs.stacks}`,
    ],
    [left.length === 0, `stacks left behind: ${left.join(', ')}`],
  ]);
}

async function plantLeak({ moto, github }: Services): Promise<StepResult> {
  const started = Date.now();
  stepTitle(`Plant a leaked environment: ${LEAKED_STACK}, PR #${LEAKED_PR} closed, its destroy never ran`);
  github.addPull({ number: LEAKED_PR, state: 'closed', merged: false });
  const client = emulatorCloudFormation(moto.endpoint);
  await plantStack(
    client,
    LEAKED_STACK,
    leakedTags(REPOSITORY, LEAKED_PR, new Date(Date.now() - 86_400_000)),
  );
  await plantStack(client, DECOY_STACK, { team: 'platform' });
  stepDone(started, true);
  rows([
    [LEAKED_STACK, `prenv's tags for ${REPOSITORY} PR #${LEAKED_PR}: cleanup should delete it`],
    [DECOY_STACK, 'no prenv tags (a shared stack): prenv must never touch it'],
  ]);
  return { failures: [] };
}

async function dryRun({ moto, github }: Services): Promise<StepResult> {
  const run = await action('Cleanup, dry run (workflow_dispatch) → report, delete nothing', {
    moto,
    github,
    event: 'workflow-dispatch',
    inputs: { ...INPUTS, 'dry-run': 'true' },
  });
  const live = await liveStacks(emulatorCloudFormation(moto.endpoint));
  rows([
    ['would delete', list(run.outputs.stacks)],
    ['still there', live.filter((name) => name !== 'CDKToolkit').join(', ')],
    ['summary', relative(process.cwd(), await saveSummary(run, '05-cleanup-dry-run'))],
  ]);
  return check(run, [
    [
      run.outputs.stacks === JSON.stringify([LEAKED_STACK]),
      `expected ["${LEAKED_STACK}"], got ${run.outputs.stacks}`,
    ],
    [live.includes(LEAKED_STACK), `the dry run deleted ${LEAKED_STACK}`],
  ]);
}

async function sweep({ moto, github }: Services): Promise<StepResult> {
  const run = await action('Cleanup sweep (nightly schedule) → delete the leak', {
    moto,
    github,
    event: 'schedule',
  });
  const live = await liveStacks(emulatorCloudFormation(moto.endpoint));
  rows([
    ['deleted', list(run.outputs.stacks)],
    ['stacks left', `${live.join(', ')} (CDKToolkit is the account's bootstrap stack)`],
    ['summary', relative(process.cwd(), await saveSummary(run, '06-cleanup'))],
  ]);
  return check(run, [
    [
      run.outputs.stacks === JSON.stringify([LEAKED_STACK]),
      `expected ["${LEAKED_STACK}"], got ${run.outputs.stacks}`,
    ],
    [!live.includes(LEAKED_STACK), `${LEAKED_STACK} survived the sweep`],
    [live.includes(DECOY_STACK), `${DECOY_STACK} (not prenv's) was deleted`],
    [!live.some((name) => name.startsWith('pr-')), `prenv stacks left: ${live.join(', ')}`],
  ]);
}

/** Runs the action once as the runner would, appending its raw log to demo.log. */
async function action(title: string, options: RunActionOptions): Promise<ActionRun> {
  stepTitle(title);
  const run = await runAction({ inputs: INPUTS, idToken: true, timeoutMs: 300_000, ...options });
  await appendFile(
    LOG,
    `\n===== step ${stepNumber}/${STEPS}: ${title} (exit ${run.exitCode}, ${seconds(run.durationMs)}) =====\n${run.log}`,
  );
  stepDone(Date.now() - run.durationMs, run.exitCode === 0);
  return run;
}

function stepTitle(title: string): void {
  stepNumber += 1;
  say();
  process.stdout.write(`${paint('bold', `${stepNumber}/${STEPS}`)} ${title} `);
}

function stepDone(started: number, ok: boolean): void {
  const mark = ok ? paint('green', '✓') : paint('red', '✗');
  say(`${mark} ${paint('dim', seconds(Date.now() - started))}`);
}

function describeDeploy(run: ActionRun, comment: string, github: GitHubServer): void {
  const outcomes = stackOutcomes(comment);
  rows([
    ['environment', run.outputs.environment ?? '?'],
    ['stacks', outcomes.length > 0 ? outcomes.join(', ') : list(run.outputs.stacks)],
    ['url', `${run.outputs.url ?? '(none)'}  (moto has no API Gateway stage: /None/)`],
    ['e2e', `${run.outputs['test-result']}: ${bullet(comment, 'Tests') ?? 'no report'}`],
    ['timings', bullet(comment, 'Timings') ?? '?'],
    ['comment', `${headline(comment)} (${github.comments(PR).length} comment on PR #${PR})`],
    ['deployment', deploymentState(github)],
  ]);
}

/** The latest GitHub deployment and its last status, e.g. `pr-42: success`. */
function deploymentState(github: GitHubServer): string {
  const deployment = github.deployments().at(-1);
  if (deployment === undefined) return 'none';
  const status = github.deploymentStatuses(deployment.id).at(-1)?.state ?? 'no status';
  return `${deployment.environment}: ${status}`;
}

/** Writes PR 42's comment, as it is now, to demo-output/<name>.comment.md and returns its body. */
async function saveComment(github: GitHubServer, name: string): Promise<string> {
  const body = github.comments(PR)[0]?.body ?? '';
  await writeFile(join(OUT, `${name}.comment.md`), body);
  return body;
}

async function saveSummary(run: ActionRun, name: string): Promise<string> {
  const path = join(OUT, `${name}.summary.md`);
  await writeFile(path, run.summary);
  return path;
}

function check(run: ActionRun, expectations: ReadonlyArray<readonly [boolean, string]>): StepResult {
  if (run.exitCode !== 0) {
    const last = run.log.trim().split('\n').slice(-5).join('\n      ');
    return { failures: [`step ${stepNumber}: the action exited with ${run.exitCode}:\n      ${last}`] };
  }
  return {
    failures: expectations.filter(([ok]) => !ok).map(([, message]) => `step ${stepNumber}: ${message}`),
  };
}

async function showSweep(): Promise<void> {
  const path = join(OUT, '06-cleanup.summary.md');
  const table = (await readFile(path, 'utf8')).split('\n').filter((line) => line.startsWith('|'));
  say();
  say(paint('bold', `The sweep's job summary (${relative(process.cwd(), path)}):`));
  for (const line of table) say(`  ${line}`);
}

async function showComments(github: GitHubServer): Promise<void> {
  const final = github.comments(PR)[0]?.body ?? '';
  const path = join(OUT, 'comment.md');
  await writeFile(path, final);
  const rule = paint('dim', '─'.repeat(100));
  say();
  say(
    paint(
      'bold',
      `While PR #${PR} was open, its comment read (${relative(process.cwd(), join(OUT, '02-synchronize.comment.md'))}):`,
    ),
  );
  say(rule);
  say((await readFile(join(OUT, '02-synchronize.comment.md'), 'utf8')).trimEnd());
  say(rule);
  say();
  say(paint('bold', `The final PR comment (${relative(process.cwd(), path)}):`));
  say(rule);
  say(final.trimEnd());
  say(rule);
}

process.exitCode = await main().catch((error: unknown) => {
  process.stderr.write(
    `demo failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  return 1;
});
