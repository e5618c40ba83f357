import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseAction, REPOSITORY_ROOT } from '../../scripts/readme-tables.js';

interface Step {
  readonly id?: string;
  readonly if?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly with?: Record<string, unknown>;
  readonly env?: Record<string, string>;
}
interface Job {
  readonly if?: string;
  readonly env?: Record<string, string>;
  readonly steps: Step[];
}
interface Workflow {
  readonly on: Record<string, unknown>;
  readonly permissions?: Record<string, string>;
  readonly concurrency?: { group: string; 'cancel-in-progress': boolean };
  readonly jobs: Record<string, Job>;
}

const DIR = join(REPOSITORY_ROOT, '.github/workflows');
const files = readdirSync(DIR).filter((name) => /\.ya?ml$/.test(name));
const workflows = new Map(
  files.map((name) => [name, parse(readFileSync(join(DIR, name), 'utf8')) as Workflow]),
);
const inputs = new Set(
  Object.keys(parseAction(readFileSync(join(REPOSITORY_ROOT, 'action.yml'), 'utf8')).inputs),
);

function workflow(name: string): Workflow {
  const found = workflows.get(name);
  if (found === undefined) throw new Error(`.github/workflows/${name} is missing`);
  return found;
}

/** Every `uses: ./` step, with the job it is in. */
function actionSteps(flow: Workflow): Array<{ job: Job; step: Step }> {
  return Object.values(flow.jobs).flatMap((job) =>
    job.steps.filter((step) => step.uses === './').map((step) => ({ job, step })),
  );
}

// What prenv needs to comment, record deployments, and get an OIDC token; nothing more.
const PRENV_PERMISSIONS = {
  'id-token': 'write',
  contents: 'read',
  'pull-requests': 'write',
  deployments: 'write',
};
const FORK_GUARD = 'github.event.pull_request.head.repo.full_name == github.repository';

describe('example workflows', () => {
  it('there are the PR lifecycle, the cleanup and CI', () => {
    expect(files.sort()).toEqual(['ci.yml', 'pr-environment.yml', 'prenv-cleanup.yml']);
  });

  it('every `uses: ./` step passes only inputs action.yml declares', () => {
    for (const [name, flow] of workflows) {
      for (const { step } of actionSteps(flow)) {
        for (const key of Object.keys(step.with ?? {})) expect(inputs, `${name}: with.${key}`).toContain(key);
      }
    }
  });

  describe('pr-environment.yml', () => {
    const flow = workflow('pr-environment.yml');

    it('runs on the PR events that deploy and the one that destroys', () => {
      const types = (flow.on.pull_request as { types: string[] }).types;
      expect([...types].sort()).toEqual(['closed', 'opened', 'reopened', 'synchronize']);
    });

    it('asks for exactly the permissions prenv uses', () => {
      expect(flow.permissions).toEqual(PRENV_PERMISSIONS);
    });

    it('queues runs per PR and never cancels one halfway', () => {
      expect(flow.concurrency?.group).toContain('github.event.pull_request.number');
      expect(flow.concurrency?.group).toMatch(/^prenv-/);
      expect(flow.concurrency?.['cancel-in-progress']).toBe(false);
    });

    it('skips fork PRs before any step runs', () => {
      for (const job of Object.values(flow.jobs)) expect(job.if).toContain(FORK_GUARD);
    });

    it('deploys sample-app with a role, an account allow-list and its e2e suite', () => {
      const [prenv] = actionSteps(flow);
      expect(prenv?.step.with).toMatchObject({
        'app-dir': 'sample-app',
        'test-command': expect.stringContaining('test:e2e'),
        'test-report': expect.stringContaining('junit'),
      });
      expect(prenv?.step.with?.['role-to-assume']).toBeTruthy();
      expect(prenv?.step.with?.['allowed-account-ids']).toBeTruthy();
      expect(prenv?.step.with).not.toHaveProperty('deployment-method'); // change sets on real AWS
      const runs = prenv?.job.steps.map((step) => step.run ?? step.uses) ?? [];
      expect(runs.indexOf('npm ci')).toBeLessThan(runs.indexOf('./'));
    });
  });

  describe('destroy needs no workspace', () => {
    const SKIPPED_ON_CLOSED = "github.event.action != 'closed'";
    /** The steps that need the PR's code: its checkout, setup-node and the install. */
    const prSteps = (steps: readonly Step[]) =>
      steps.filter(
        (step) =>
          (step.uses?.startsWith('actions/checkout') && step.with?.ref === undefined) ||
          step.uses?.startsWith('actions/setup-node') ||
          /\bnpm (ci|install)\b/.test(step.run ?? ''),
      );
    const readmeExample = (): Workflow => {
      const readme = readFileSync(join(REPOSITORY_ROOT, 'README.md'), 'utf8');
      const block = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)]
        .map((match) => match[1] ?? '')
        .find((text) => text.includes('types: [opened, synchronize, reopened, closed]'));
      if (block === undefined) throw new Error('README has no example PR workflow');
      return parse(block) as Workflow;
    };

    it.each([
      ['pr-environment.yml', () => workflow('pr-environment.yml')],
      ["README's example", readmeExample],
    ])('%s skips checkout, setup-node and npm ci on closed', (_, load) => {
      const steps = Object.values(load().jobs).flatMap((job) => job.steps);
      const needed = prSteps(steps);
      expect(needed.length).toBeGreaterThanOrEqual(3);
      for (const step of needed) expect(step.if, JSON.stringify(step)).toBe(SKIPPED_ON_CLOSED);
    });

    it('pr-environment.yml checks out only the base branch on closed, for `uses: ./`', () => {
      const steps = Object.values(workflow('pr-environment.yml').jobs).flatMap((job) => job.steps);
      const onClosed = steps.filter((step) => step.if === "github.event.action == 'closed'");
      expect(onClosed).toHaveLength(1);
      expect(String(onClosed[0]?.with?.ref)).toContain('github.event.pull_request.base.sha');
    });
  });

  describe('prenv-cleanup.yml', () => {
    const flow = workflow('prenv-cleanup.yml');

    it('runs nightly and by hand', () => {
      expect(flow.on).toHaveProperty('workflow_dispatch');
      const schedule = flow.on.schedule as Array<{ cron: string }>;
      expect(schedule[0]?.cron).toMatch(/^\S+ \S+ \S+ \S+ \S+$/);
    });

    it('has prenv’s permissions and one sweep at a time', () => {
      expect(flow.permissions).toEqual(PRENV_PERMISSIONS);
      expect(flow.concurrency).toEqual({ group: 'prenv-sweep', 'cancel-in-progress': false });
    });

    it('runs the action in cleanup mode, with a dry-run switch', () => {
      const [prenv] = actionSteps(flow);
      expect(prenv?.step.with?.mode).toBe('cleanup');
      expect(String(prenv?.step.with?.['dry-run'])).toContain('inputs.dry-run');
      expect(prenv?.step.with?.['allowed-account-ids']).toBeTruthy();
    });
  });

  describe('ci.yml', () => {
    const flow = workflow('ci.yml');
    const commands = Object.values(flow.jobs).flatMap((job) => job.steps.map((step) => step.run ?? ''));

    it('runs on pushes to main and on pull requests, read-only', () => {
      expect(flow.on).toHaveProperty('push');
      expect(flow.on).toHaveProperty('pull_request');
      expect(flow.permissions).toEqual({ contents: 'read' });
    });

    it('lints, type-checks, tests, checks dist/, the README tables and the demo', () => {
      for (const command of [
        'npm run lint',
        'npm run typecheck',
        'npx vitest run',
        'npm test --workspace sample-app',
        'npm run check:dist',
        'npm run docs -- --check',
        'npm run demo',
      ]) {
        expect(commands, command).toContain(command);
      }
    });

    it('installs moto wherever tests, the demo or the smoke run need it', () => {
      for (const [name, job] of Object.entries(flow.jobs)) {
        const needsMoto = job.steps.some((step) =>
          ['npx vitest run', 'npm run demo', 'npm test --workspace sample-app'].includes(step.run ?? ''),
        );
        if (needsMoto || name === 'smoke') {
          expect(
            job.steps.some((step) => step.run?.includes('pip install')),
            name,
          ).toBe(true);
        }
      }
    });

    it('smoke: the action itself deploys and destroys on moto, direct, at localhost', () => {
      const smoke = flow.jobs.smoke;
      expect(smoke?.env?.AWS_ENDPOINT_URL).toMatch(/^http:\/\/localhost:\d+$/);
      const steps = actionSteps(flow).filter(({ job }) => job === smoke);
      expect(steps.map(({ step }) => step.with?.mode)).toEqual(['deploy', 'destroy']);
      expect(steps[0]?.step.with?.['deployment-method']).toBe('direct');
      for (const { step } of steps)
        expect(step.with?.['pull-request']).toBe(steps[0]?.step.with?.['pull-request']);
    });
  });
});
