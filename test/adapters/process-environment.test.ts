import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NODE24, ROOT } from '../support/run-action.js';

const SECRETS = {
  'INPUT_GITHUB-TOKEN': 'ghs_inputtokenvalue',
  GITHUB_TOKEN: 'ghs_stepenvtokenvalue',
  GH_TOKEN: 'gho_stepenvtokenvalue',
  ACTIONS_RUNTIME_TOKEN: 'runtimetokenvalue',
  ACTIONS_ID_TOKEN_REQUEST_URL: 'https://oidc.example/token?api-version=2.0',
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'oidcrequesttokenvalue',
};

/**
 * Runs takeEnvironment in a fresh Node 24 process, then a child that inherits process.env (as
 * toolkit-lib's asset builds do) and reads its parent's /proc/<pid>/environ (as PR code can).
 */
function childView(): { kept: Record<string, string>; childEnv: string; parentEnviron: string } {
  const script = `
    import { execSync } from 'node:child_process';
    import { takeEnvironment } from ${JSON.stringify(join(ROOT, 'src/adapters/process-environment.ts'))};
    const { env, problem } = takeEnvironment();
    if (problem) throw new Error(problem);
    const childEnv = execSync('env', { encoding: 'utf8' });
    const parentEnviron = execSync('tr "\\\\0" "\\\\n" < /proc/$PPID/environ', { encoding: 'utf8', shell: '/bin/sh' });
    const kept = Object.fromEntries(Object.keys(${JSON.stringify(SECRETS)}).map((k) => [k, env[k]]));
    process.stdout.write(JSON.stringify({ kept, childEnv, parentEnviron }));
  `;
  const out = execFileSync(NODE24, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', KEEP_ME: 'yes', ...SECRETS },
    encoding: 'utf8',
  });
  return JSON.parse(out);
}

describe.runIf(process.platform === 'linux')('takeEnvironment', () => {
  it('keeps the tokens in memory, out of inherited environments and out of /proc/<pid>/environ', () => {
    const { kept, childEnv, parentEnviron } = childView();

    expect(kept).toEqual(SECRETS);
    for (const [name, value] of Object.entries(SECRETS)) {
      expect(childEnv, name).not.toContain(value);
      expect(parentEnviron, name).not.toContain(value);
      expect(parentEnviron, name).not.toContain(`${name}=`);
    }
    expect(childEnv).toContain('KEEP_ME=yes');
    expect(parentEnviron).toContain('KEEP_ME=yes');
  });
});
