import { describe, expect, it } from 'vitest';
import { isUnsafeVariable, isWithheld } from '../../src/domain/env-names.js';
import { arrangeOutputs } from '../../src/domain/outputs.js';

describe('isWithheld', () => {
  it.each([
    'INPUT_GITHUB-TOKEN',
    'INPUT_ROLE-TO-ASSUME',
    'GITHUB_TOKEN',
    'GH_TOKEN',
    'ACTIONS_RUNTIME_TOKEN',
    'ACTIONS_ID_TOKEN_REQUEST_URL',
    'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
  ])('withholds %s from PR code', (name) => {
    expect(isWithheld(name)).toBe(true);
  });

  it.each(['GITHUB_REPOSITORY', 'GITHUB_STATE', 'PATH', 'AWS_REGION', 'MY_TOKEN_URL'])(
    'passes %s on',
    (name) => {
      expect(isWithheld(name)).toBe(false);
    },
  );
});

describe('isUnsafeVariable', () => {
  it.each([
    'LD_PRELOAD',
    'LD_LIBRARY_PATH',
    'DYLD_INSERT_LIBRARIES',
    'BASH_ENV',
    'ENV',
    'NODE_OPTIONS',
    'NODE_EXTRA_CA_CERTS',
    'NPM_CONFIG_NODE_OPTIONS',
    'GIT_SSH_COMMAND',
    'PYTHONPATH',
    'PYTHONSTARTUP',
    'PERL5OPT',
    'RUBYOPT',
    'JAVA_TOOL_OPTIONS',
    '_JAVA_OPTIONS',
    'JDK_JAVA_OPTIONS',
    'PATH',
    'HOME',
    'AWS_ACCESS_KEY_ID',
    'PRENV_OUTPUTS',
    'GITHUB_STATE',
    'RUNNER_TEMP',
    'ACTIONS_RUNTIME_URL',
    'INPUT_GITHUB-TOKEN',
  ])('refuses %s', (name) => {
    expect(isUnsafeVariable(name)).toBe(true);
  });

  it.each(['API_URL', 'TABLE_NAME', 'ENVIRONMENT', 'HOME_PAGE_URL', 'NODES', 'GITHUB', 'PATHS', 'LDAP_HOST'])(
    'allows %s',
    (name) => {
      expect(isUnsafeVariable(name)).toBe(false);
    },
  );
});

describe('arrangeOutputs and unsafe names', () => {
  it('keeps BashEnv, LdPreload, NpmConfigNodeOptions and GitSshCommand out of the variables, listing them', () => {
    const keys = ['BashEnv', 'LdPreload', 'NpmConfigNodeOptions', 'GitSshCommand'];
    const arranged = arrangeOutputs([
      ...keys.map((key) => ({ stack: 'pr-42-evil', key, value: '/tmp/x' })),
      { stack: 'pr-42-evil', key: 'ApiUrl', value: 'https://x' },
    ]);
    expect(arranged.variables).toEqual({ API_URL: 'https://x' });
    expect(arranged.refused.map((output) => [output.key, output.variable])).toEqual([
      ['BashEnv', 'BASH_ENV'],
      ['LdPreload', 'LD_PRELOAD'],
      ['NpmConfigNodeOptions', 'NPM_CONFIG_NODE_OPTIONS'],
      ['GitSshCommand', 'GIT_SSH_COMMAND'],
    ]);
    // They stay in the PRENV_OUTPUTS file and the outputs action output.
    expect(arranged.byStack['pr-42-evil']).toHaveProperty('BashEnv', '/tmp/x');
    expect(arranged.flat).toHaveProperty('LdPreload', '/tmp/x');
  });
});
