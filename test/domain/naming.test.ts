import { describe, expect, it } from 'vitest';
import {
  checkEnvironmentName,
  DERIVED_NAME_MAX,
  ENVIRONMENT_NAME_MAX,
  environmentName,
  MIN_ROOM,
  roleSessionName,
  STACK_NAME_MAX,
  stacksOutsidePrefix,
} from '../../src/domain/naming.js';
import { InputError } from '../../src/errors.js';

const STS_SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

function nameError(run: () => unknown): InputError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).input).toBe('environment-name');
    return error as InputError;
  }
  throw new Error('the name was accepted');
}

describe('environmentName', () => {
  it('expands the default template to pr-<number>', () => {
    expect(environmentName('pr-{number}', { number: 42, repository: 'octo-org/invoices' })).toBe('pr-42');
  });

  it('expands {repo} to the repository name without its owner', () => {
    expect(environmentName('{repo}-pr-{number}', { number: 42, repository: 'octo-org/invoices' })).toBe(
      'invoices-pr-42',
    );
  });

  it.each([
    ['my_repo.js', 'my-repo-js'],
    ['api..v2__next', 'api-v2-next'],
    ['.github', 'github'],
    ['Invoices_', 'Invoices'],
  ])('turns the dots and underscores of %s into single hyphens (%s)', (repo, expanded) => {
    expect(environmentName('{repo}-{number}', { number: 1, repository: `octo-org/${repo}` })).toBe(
      `${expanded}-1`,
    );
  });

  it('expands every occurrence of a placeholder', () => {
    expect(environmentName('pr{number}-{repo}-{number}', { number: 3, repository: 'o/app' })).toBe(
      'pr3-app-3',
    );
  });

  it.each(['pr-{pr}', 'pr-{NUMBER}', '{owner}-{number}', 'pr-{}', '{{number}}'])(
    'refuses the unknown placeholder in %s',
    (template) => {
      const error = nameError(() => environmentName(template, { number: 1, repository: 'o/r' }));
      expect(error.message).toContain('may use {number} and {repo} only');
      expect(error.message).toContain(template);
    },
  );

  it.each([
    ['42-{number}', 'starts with a digit'],
    ['pr_{number}', 'has an underscore'],
    ['pr-{number}-', 'ends with a hyphen'],
    ['pr--{number}', 'has a double hyphen'],
    ['pr {number}', 'has a space'],
    ['pr-{number', 'has an unclosed brace'],
  ])('refuses %s, which %s, quoting the template and what it gave', (template) => {
    const error = nameError(() => environmentName(template, { number: 1, repository: 'o/r' }));
    expect(error.message).toContain("CloudFormation's stack name rule");
    expect(error.message).toContain(`"${template}" gave`);
  });

  it('refuses a {repo} expansion that breaks the stack name rule, explaining what it gave', () => {
    const error = nameError(() =>
      environmentName('{repo}-{number}', { number: 1, repository: 'o/1password' }),
    );
    expect(error.message).toBe(
      'environment-name must expand to letters, digits and single hyphens, starting with a letter ' +
        `(CloudFormation's stack name rule); "{repo}-{number}" gave "1password-1"`,
    );
  });
});

describe('environment name length limits', () => {
  it(`leaves room for derived names: at most ${ENVIRONMENT_NAME_MAX} characters`, () => {
    expect(ENVIRONMENT_NAME_MAX).toBe(DERIVED_NAME_MAX - 1 - MIN_ROOM);
    expect(ENVIRONMENT_NAME_MAX).toBe(38);
  });

  it('accepts the longest allowed name', () => {
    const name = `p${'r'.repeat(ENVIRONMENT_NAME_MAX - 1)}`;
    expect(name).toHaveLength(ENVIRONMENT_NAME_MAX);
    expect(() => checkEnvironmentName(name)).not.toThrow();
  });

  it('refuses one character more, saying how much room is left and how short to make it', () => {
    const name = `p${'r'.repeat(ENVIRONMENT_NAME_MAX)}`;
    const error = nameError(() => checkEnvironmentName(name));
    expect(error.message).toContain(`is ${ENVIRONMENT_NAME_MAX + 1} characters`);
    expect(error.message).toContain(`only ${MIN_ROOM - 1} of the ${DERIVED_NAME_MAX} characters`);
    expect(error.message).toContain(`at least ${MIN_ROOM} are needed`);
    expect(error.message).toContain(`Shorten it to ${ENVIRONMENT_NAME_MAX} characters or fewer`);
  });

  it('says no room is left (not a negative number) for a very long name', () => {
    const error = nameError(() => checkEnvironmentName(`p${'r'.repeat(99)}`));
    expect(error.message).toContain('only 0 of the');
  });

  it('applies the limit after expansion: a long repository name fails, the same template with a short one passes', () => {
    const template = '{repo}-pr-{number}';
    const room = ENVIRONMENT_NAME_MAX - '-pr-42'.length;
    expect(environmentName(template, { number: 42, repository: `o/${'a'.repeat(room)}` })).toHaveLength(
      ENVIRONMENT_NAME_MAX,
    );
    nameError(() => environmentName(template, { number: 42, repository: `o/${'a'.repeat(room + 1)}` }));
  });
});

describe('stacksOutsidePrefix', () => {
  it('accepts stacks named <environment>-<something>', () => {
    expect(stacksOutsidePrefix('pr-42', ['pr-42-api', 'pr-42-base', 'pr-42-A1'])).toEqual([]);
  });

  it('refuses stacks of another environment whose name merely starts the same way', () => {
    expect(stacksOutsidePrefix('pr-4', ['pr-4-api', 'pr-42-api', 'pr-4api', 'pr-40'])).toEqual([
      'pr-42-api',
      'pr-4api',
      'pr-40',
    ]);
  });

  it('refuses shared or unrelated stacks, and the bare environment name', () => {
    expect(stacksOutsidePrefix('pr-42', ['shared-network', 'CDKToolkit', 'pr-42', 'PR-42-api'])).toEqual([
      'shared-network',
      'CDKToolkit',
      'pr-42',
      'PR-42-api',
    ]);
  });

  it('refuses the prefix with an empty suffix', () => {
    expect(stacksOutsidePrefix('pr-42', ['pr-42-'])).toEqual(['pr-42-']);
  });

  it('refuses names CloudFormation would refuse: invalid characters', () => {
    expect(
      stacksOutsidePrefix('pr-42', ['pr-42-my_api', 'pr-42-api.v2', 'pr-42-ü', 'pr-42-a b']),
    ).toHaveLength(4);
  });

  it(`accepts exactly ${STACK_NAME_MAX} characters and refuses one more`, () => {
    const longest = `pr-42-${'a'.repeat(STACK_NAME_MAX - 'pr-42-'.length)}`;
    expect(longest).toHaveLength(STACK_NAME_MAX);
    expect(stacksOutsidePrefix('pr-42', [longest, `${longest}a`])).toEqual([`${longest}a`]);
  });
});

describe('roleSessionName', () => {
  it('names the repository and the pull request', () => {
    expect(roleSessionName('octo-org/invoices', 42)).toBe('prenv-invoices-pr-42');
  });

  it('names a sweep when there is no pull request', () => {
    expect(roleSessionName('octo-org/invoices', undefined)).toBe('prenv-invoices-sweep');
  });

  it.each([
    ['a very long repository name', `octo-org/${'x'.repeat(200)}`, 123456],
    ['a long name with a huge PR number', `octo-org/${'y'.repeat(100)}`, Number.MAX_SAFE_INTEGER],
    ['a repository without an owner', 'invoices', 1],
    ['an empty repository', '', 1],
    ['characters STS refuses', 'octo-org/in voices/é#!', 9],
  ])('always fits STS (2-64 of [\\w+=,.@-]) for %s', (_label, repository, pullRequest) => {
    for (const pr of [pullRequest, undefined]) {
      const name = roleSessionName(repository, pr);
      expect(name).toMatch(STS_SESSION_NAME);
      expect(name).toMatch(pr === undefined ? /-sweep$/ : new RegExp(`-pr-${pr}$`));
    }
  });

  it('turns each run of characters STS refuses into one hyphen', () => {
    expect(roleSessionName('octo-org/in  voices', 9)).toBe('prenv-in-voices-pr-9');
  });

  it('keeps the PR number whole when it shortens a long repository name', () => {
    const name = roleSessionName(`octo-org/${'x'.repeat(200)}`, 987654);
    expect(name).toHaveLength(64);
    expect(name.startsWith('prenv-xxx')).toBe(true);
    expect(name.endsWith('-pr-987654')).toBe(true);
  });
});

describe('environmentName from an awkward repository name', () => {
  it('collapses runs of punctuation and hyphens in {repo} to one hyphen', () => {
    expect(environmentName('{repo}-pr-{number}', { number: 7, repository: 'acme/my--invoices..app' })).toBe(
      'my-invoices-app-pr-7',
    );
  });

  it('names the template and what it gave when the name is not valid', () => {
    expect(() => environmentName('pr--{number}', { number: 7, repository: 'acme/x' })).toThrow(
      '"pr--{number}" gave "pr--7"',
    );
  });
});
