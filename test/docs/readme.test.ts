import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  checkReadme,
  inputsTable,
  outputsTable,
  parseAction,
  REPOSITORY_ROOT,
  renderReadme,
} from '../../scripts/readme-tables.js';

const action = parseAction(readFileSync(join(REPOSITORY_ROOT, 'action.yml'), 'utf8'));
const readme = readFileSync(join(REPOSITORY_ROOT, 'README.md'), 'utf8');

/** The fenced code blocks of README.md in one language. */
function blocks(language: string): string[] {
  return [...readme.matchAll(new RegExp(`^\`\`\`${language}\\n([\\s\\S]*?)^\`\`\``, 'gm'))].map(
    (match) => match[1] ?? '',
  );
}

describe('README input and output tables', () => {
  it('match action.yml (run `npm run docs` when this fails)', () => {
    const { upToDate, expected } = checkReadme();
    if (!upToDate) expect(readme).toBe(expected);
    expect(upToDate).toBe(true);
  });

  it('list every input and output of action.yml, with its default', () => {
    for (const [name, spec] of Object.entries(action.inputs)) {
      const row = readme.split('\n').find((line) => new RegExp(`^\\| \`${name}\` +\\|`).test(line));
      expect(row, name).toBeDefined();
      if (spec.default) expect(row).toContain(`\`${spec.default}\``);
    }
    for (const name of Object.keys(action.outputs))
      expect(readme).toMatch(new RegExp(`^\\| \`${name}\` +\\|`, 'm'));
  });

  it('drift is detected: a new input in action.yml makes the README stale', () => {
    const grown = {
      ...action,
      inputs: { ...action.inputs, 'new-input': { description: 'Something new.', default: 'x' } },
    };
    expect(renderReadme(readme, grown)).not.toBe(readme);
    expect(renderReadme(readme, action)).toBe(readme);
  });

  it('renders cells that survive markdown: pipes and angle brackets escaped, one line', () => {
    const table = inputsTable({
      inputs: { odd: { description: 'a | b\n<repo>', default: 'x|y' } },
      outputs: {},
    });
    expect(table.split('\n')).toEqual([
      '| Input | Default | Description         |',
      '| ----- | ------- | ------------------- |',
      '| `odd` | `x\\|y`  | a \\| b &lt;repo&gt; |',
    ]);
    expect(outputsTable({ inputs: {}, outputs: { url: { description: 'The URL.' } } })).toBe(
      ['| Output | Description |', '| ------ | ----------- |', '| `url`  | The URL.    |'].join('\n'),
    );
  });

  it('refuses a README without the markers instead of appending tables somewhere', () => {
    expect(() => renderReadme('# no markers\n', action)).toThrow(/inputs:start/);
  });
});

describe('README content a new user relies on', () => {
  it('gives the setup and test commands', () => {
    for (const command of ['npm ci', 'npm run demo', 'npm test', 'pip install "moto[server]']) {
      expect(readme).toContain(command);
    }
  });

  it('every JSON block (the IAM policies) parses, and the trust policy pins aud and sub', () => {
    const policies = blocks('json').map((text) => JSON.parse(text) as { Statement: unknown[] });
    expect(policies.length).toBeGreaterThanOrEqual(2);
    const trust = JSON.stringify(policies[0]);
    expect(trust).toContain('"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"');
    expect(trust).toMatch(/"token\.actions\.githubusercontent\.com:sub":\["repo:[^"]+:pull_request"/);
    const permissions = JSON.stringify(policies[1]);
    expect(permissions).toContain('aws:ResourceTag/prenv:managed-by');
    expect(permissions).toContain('aws:ResourceTag/prenv:repository');
    expect(permissions).toContain('stack/pr-*/*');
    expect(permissions).toContain('cdk-hnb659fds-deploy-role');
  });

  it('every prenv step in its YAML examples uses only inputs that exist', () => {
    const inputs = new Set(Object.keys(action.inputs));
    let steps = 0;
    for (const text of blocks('yaml')) {
      const parsed = parse(text) as unknown;
      const candidates = Array.isArray(parsed)
        ? parsed
        : Object.values((parsed as { jobs?: Record<string, { steps?: unknown[] }> }).jobs ?? {}).flatMap(
            (job) => job.steps ?? [],
          );
      for (const step of candidates as Array<{ uses?: string; with?: Record<string, unknown> }>) {
        if (!step.uses?.includes('prenv@') && step.uses !== './') continue;
        steps += 1;
        for (const key of Object.keys(step.with ?? {}))
          expect(inputs, `${step.uses} with ${key}`).toContain(key);
      }
    }
    expect(steps).toBeGreaterThanOrEqual(2);
  });

  it('every workflow that sets approve-label runs on labeled, the event that deploys the approval', () => {
    const workflows = readdirSync(join(REPOSITORY_ROOT, '.github/workflows'))
      .filter((name) => /\.ya?ml$/.test(name))
      .map((name) => readFileSync(join(REPOSITORY_ROOT, '.github/workflows', name), 'utf8'));
    let approving = 0;
    for (const text of [...blocks('yaml'), ...workflows]) {
      if (!/^\s*approve-label:/m.test(text)) continue;
      approving += 1;
      const flow = parse(text) as { on?: { pull_request?: { types?: string[] } } };
      expect(flow.on?.pull_request?.types, text).toContain('labeled');
    }
    expect(approving).toBeGreaterThanOrEqual(1);
  });

  it('links the documents it promises; every relative link and #anchor resolves', () => {
    for (const doc of ['RELIABILITY.md', 'BENCHMARKS.md', 'sample-app/README.md']) {
      expect(readme).toContain(`(${doc})`);
    }
    const pending = new Set(['RELIABILITY.md', 'BENCHMARKS.md']); // being written alongside this README
    const targets = [...readme.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1] ?? '');
    for (const target of targets.filter((link) => !/^(https?:|#)/.test(link) && !pending.has(link))) {
      expect(existsSync(join(REPOSITORY_ROOT, target)), target).toBe(true);
    }
    const anchors = new Set(
      readme
        .split('\n')
        .filter((line) => /^#{1,6} /.test(line))
        .map((line) => slug(line.replace(/^#+ /, ''))),
    );
    for (const anchor of targets.filter((link) => link.startsWith('#'))) {
      expect(anchors, anchor).toContain(anchor.slice(1));
    }
  });
});

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s-]/gu, '')
    .replace(/\s/g, '-');
}

describe('README: Security model', () => {
  interface Job {
    readonly if?: string;
    readonly permissions?: Record<string, string>;
    readonly steps: Array<{ uses?: string; run?: string; if?: string; with?: Record<string, unknown> }>;
  }
  const section = readme.slice(readme.indexOf('## Security model'), readme.indexOf('## Inputs'));
  const hardened = blocks('yaml')
    .map((text) => parse(text) as { jobs?: Record<string, Job>; permissions?: unknown })
    .find((flow) => flow.jobs?.report !== undefined);

  it('says what PR code can reach, why, and what to set', () => {
    for (const phrase of [
      'sandbox credentials',
      '/proc/<pid>/environ',
      'dependency tree',
      'persist-credentials: false',
      'least permissions',
      'pull_request_target',
    ]) {
      expect(section, phrase).toContain(phrase);
    }
  });

  it('shows the hardened layout: no token where PR code runs, no PR code where the token is', () => {
    const env = hardened?.jobs?.env as Job;
    const report = hardened?.jobs?.report as Job;
    expect(hardened?.permissions).toEqual({});
    expect(env.permissions).toEqual({ 'id-token': 'write', contents: 'read' });
    expect(env.steps.find((step) => step.uses?.includes('prenv@'))?.with?.['github-token']).toBe('');
    expect(env.steps.find((step) => step.uses?.startsWith('actions/checkout@'))?.with).toEqual({
      'persist-credentials': false,
    });
    expect(report.if).toContain('always()');
    expect(report.permissions).toEqual({ 'pull-requests': 'write', deployments: 'write' });
    expect(report.steps.some((step) => step.uses?.startsWith('actions/checkout@') || step.run)).toBe(false);
    expect(report.steps.find((step) => step.uses?.includes('prenv@'))?.with?.mode).toBe('report');
  });
});
