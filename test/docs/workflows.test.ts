import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseAction, REPOSITORY_ROOT } from '../../scripts/readme-tables.js';

interface Step {
  readonly id?: string;
  readonly if?: string;
  readonly 'continue-on-error'?: boolean;
  readonly uses?: string;
  readonly run?: string;
  readonly with?: Record<string, unknown>;
  readonly env?: Record<string, string>;
}
interface Job {
  readonly if?: string;
  readonly needs?: string | string[];
  readonly permissions?: Record<string, string>;
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
  it('there are the PR lifecycle (simple and hardened), the cleanup, CI and the release', () => {
    expect(files.sort()).toEqual([
      'ci.yml',
      'pr-environment-hardened.yml',
      'pr-environment.yml',
      'prenv-cleanup.yml',
      'release.yml',
    ]);
  });
  it('every `npm run` script and `bash` script they run exists', () => {
    const scripts = Object.keys(
      (JSON.parse(readFileSync(join(REPOSITORY_ROOT, 'package.json'), 'utf8')) as { scripts: object })
        .scripts,
    );
    for (const [name, flow] of workflows) {
      for (const job of Object.values(flow.jobs)) {
        for (const step of job.steps) {
          for (const [, script] of (step.run ?? '').matchAll(/\bnpm run (?:--silent )?([\w:-]+)/g)) {
            expect(scripts, `${name}: npm run ${script}`).toContain(script);
          }
          for (const [, file] of (step.run ?? '').matchAll(/\bbash (\S+)/g)) {
            expect(existsSync(join(REPOSITORY_ROOT, file ?? '')), `${name}: bash ${file}`).toBe(true);
          }
        }
      }
    }
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

  describe('pr-environment-hardened.yml', () => {
    const flow = workflow('pr-environment-hardened.yml');
    const env = flow.jobs.env as Job;
    const report = flow.jobs.report as Job;
    const [deployStep] = actionSteps(flow).filter(({ job }) => job === env);
    const [reportStep] = actionSteps(flow).filter(({ job }) => job === report);

    it('runs on the PR events, queued per PR, never cancelled halfway', () => {
      const types = (flow.on.pull_request as { types: string[] }).types;
      expect([...types].sort()).toEqual(['closed', 'opened', 'reopened', 'synchronize']);
      expect(flow.concurrency?.group).toContain('github.event.pull_request.number');
      expect(flow.concurrency?.['cancel-in-progress']).toBe(false);
    });

    it('never runs beside the simple layout: each yields to the other on PRENV_HARDENED', () => {
      expect(env.if).toContain("vars.PRENV_HARDENED == 'true'");
      expect(workflow('pr-environment.yml').jobs.env?.if).toContain("vars.PRENV_HARDENED != 'true'");
    });

    it('the job that runs PR code holds no GitHub write token', () => {
      expect(flow.permissions).toEqual({});
      expect(env.permissions).toEqual({ 'id-token': 'write', contents: 'read' });
      expect(env.if).toContain(FORK_GUARD);
      expect(deployStep?.step.with?.['github-token']).toBe('');
      expect(deployStep?.step.with?.mode ?? 'auto').toBe('auto');
      const checkout = env.steps.find((step) => step.uses?.startsWith('actions/checkout@'));
      expect(checkout?.with?.['persist-credentials']).toBe(false);
    });

    it('uploads the report file prenv wrote, even when the step failed', () => {
      const upload = env.steps.find((step) => step.uses?.startsWith('actions/upload-artifact@'));
      expect(upload?.if).toContain('always()');
      expect(upload?.with?.path).toBe(`\${{ steps.${deployStep?.step.id}.outputs.report-file }}`);
    });

    it('the report job runs always after it, with no PR code and no AWS, and posts the file', () => {
      expect(report.needs).toBe('env');
      expect(report.if).toContain('always()');
      expect(report.permissions).toEqual({
        contents: 'read',
        'pull-requests': 'write',
        deployments: 'write',
      });
      expect(report.steps.some((step) => step.run !== undefined)).toBe(false);
      // Its only checkout is the action itself (action.yml and dist/) at the base commit.
      for (const step of report.steps.filter((s) => s.uses?.startsWith('actions/checkout@'))) {
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a workflow expression, literally
        expect(step.with?.ref).toBe('${{ github.event.pull_request.base.sha }}');
        expect(String(step.with?.['sparse-checkout']).trim().split('\n').sort()).toEqual([
          'action.yml',
          'dist',
        ]);
        expect(step.with?.['persist-credentials']).toBe(false);
      }
      const download = report.steps.find((step) => step.uses?.startsWith('actions/download-artifact@'));
      expect(download?.['continue-on-error']).toBe(true);
      expect(reportStep?.step.with?.mode).toBe('report');
      expect(reportStep?.step.with?.['report-file']).toBe(`${download?.with?.path}/prenv-report.json`);
      expect(reportStep?.step.with).not.toHaveProperty('role-to-assume');
    });

    it('its commands are the simple layout’s, and exist', () => {
      const pkg = JSON.parse(readFileSync(join(REPOSITORY_ROOT, 'sample-app/package.json'), 'utf8'));
      expect(env.steps.filter((step) => step.run !== undefined).map((step) => step.run)).toEqual(['npm ci']);
      expect(deployStep?.step.with?.['test-command']).toBe(
        actionSteps(workflow('pr-environment.yml'))[0]?.step.with?.['test-command'],
      );
      expect(pkg.scripts).toHaveProperty('test:e2e');
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

  describe('release.yml', () => {
    const flow = workflow('release.yml');
    const test = flow.jobs.test;
    const release = flow.jobs.release;
    const runs = (job: Job | undefined) => job?.steps.map((step) => step.run ?? '') ?? [];

    it('runs only for a pushed vX.Y.Z tag, read-only unless a job needs more, one release at a time', () => {
      expect(flow.on).toEqual({ push: { tags: ['v*.*.*'] } });
      expect(flow.permissions).toEqual({ contents: 'read' });
      expect(flow.concurrency?.['cancel-in-progress']).toBe(false);
    });

    it('tests as CI does, with moto, checks dist/ and the tag against package.json, holding no token', () => {
      expect(runs(test)).toContain('bash .ci/run');
      expect(runs(test)).toContain('npm run check:dist');
      expect(runs(test).some((run) => run.includes('pip install'))).toBe(true);
      expect(
        runs(test).some((run) => run.includes('GITHUB_REF_NAME#v') && run.includes('package.json')),
      ).toBe(true);
      expect(test?.permissions).toBeUndefined();
      expect(test?.steps.find((step) => step.uses?.startsWith('actions/checkout'))?.with).toMatchObject({
        'persist-credentials': false,
      });
    });

    it('releases only after the tests, with the changelog’s notes for the tag', () => {
      expect(release?.needs).toBe('test');
      expect(release?.permissions).toEqual({ contents: 'write' });
      const commands = runs(release).join('\n');
      expect(commands).toMatch(
        /npm run --silent release:notes -- "\$GITHUB_REF_NAME" > "\$RUNNER_TEMP\/notes.md"/,
      );
      expect(commands).toMatch(
        /gh release create "\$GITHUB_REF_NAME"[\s\S]*--notes-file "\$RUNNER_TEMP\/notes.md"/,
      );
      expect(commands).not.toContain('npm ci'); // the job that can push runs none of the project's dependencies
    });

    it('moves the major tag (v0 for 0.x) to the release, except for a prerelease', () => {
      const move = release?.steps.find((step) => step.run?.includes('git push'));
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell expansion in the workflow
      expect(move?.run).toContain('major="${GITHUB_REF_NAME%%.*}"');
      expect(move?.run).toContain('git push --force origin "refs/tags/$major"');
      expect(move?.if).toContain("!contains(github.ref_name, '-')");
      const major = (tag: string) => tag.split('.')[0];
      expect(major('v0.1.0')).toBe('v0');
      expect(major('v1.2.3')).toBe('v1');
    });
  });

  describe('dependabot.yml', () => {
    const config = parse(readFileSync(join(REPOSITORY_ROOT, '.github/dependabot.yml'), 'utf8')) as {
      updates: Array<{ 'package-ecosystem': string; groups?: Record<string, { patterns: string[] }> }>;
    };
    const npm = config.updates.find((update) => update['package-ecosystem'] === 'npm');

    it('updates npm packages and GitHub Actions', () => {
      expect(config.updates.map((update) => update['package-ecosystem']).sort()).toEqual([
        'github-actions',
        'npm',
      ]);
    });

    it('groups the CDK, the AWS SDK and the dev tooling, each on its own', () => {
      expect(npm?.groups?.['aws-cdk']?.patterns).toEqual(
        expect.arrayContaining(['aws-cdk', 'aws-cdk-lib', '@aws-cdk/*', 'constructs']),
      );
      expect(npm?.groups?.['aws-sdk']?.patterns).toEqual(['@aws-sdk/*']);
      expect(npm?.groups?.['dev-tooling']?.patterns).toEqual(
        expect.arrayContaining(['@biomejs/*', 'typescript', 'vitest', 'esbuild', 'tsx', '@types/*']),
      );
    });
  });

  it('the examples pin the major tag @v0', () => {
    const readme = readFileSync(join(REPOSITORY_ROOT, 'README.md'), 'utf8');
    const pins = [...readme.matchAll(/OWNER\/prenv@(v[^\s`]*)/g)].map((match) => match[1]);
    expect(pins.length).toBeGreaterThan(0);
    for (const pin of pins) expect(pin).toMatch(/^v0\b/);
    for (const name of files) {
      const text = readFileSync(join(DIR, name), 'utf8');
      for (const match of text.matchAll(/OWNER\/prenv@(v[^\s`]*)/g)) expect(match[1], name).toMatch(/^v0\b/);
    }
  });
});
