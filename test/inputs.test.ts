import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { InputError } from '../src/errors.js';
import { checkSessionCoversTests, type Inputs, parseInputs } from '../src/inputs.js';

const WORKSPACE = '/home/runner/work/invoices/invoices';
const ROLE = 'arn:aws:iam::111122223333:role/prenv-sandbox';

/** Parses `values` as the runner would hand the inputs over (unset inputs read as ''). */
function parseWith(values: Record<string, string>, env: { awsRegion?: string } = { awsRegion: 'eu-west-2' }) {
  return parseInputs((name) => values[name] ?? '', { workspace: WORKSPACE, ...env });
}

/** The InputError parsing `values` throws (fails the test when it throws nothing or something else). */
function inputError(values: Record<string, string>, env?: { awsRegion?: string }): InputError {
  try {
    parseWith(values, env);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  throw new Error(`parseInputs accepted ${JSON.stringify(values)}`);
}

describe('defaults', () => {
  it('gives every optional input the default action.yml documents', () => {
    const inputs = parseWith({});
    expect(inputs).toEqual<Inputs>({
      mode: 'auto',
      awsRegion: 'eu-west-2',
      regions: ['eu-west-2'],
      allowedAccountIds: [],
      roleDurationSeconds: 3600,
      audience: 'sts.amazonaws.com',
      appDir: WORKSPACE,
      environmentName: 'pr-{number}',
      context: {},
      bootstrap: false,
      deploymentMethod: 'change-set',
      hotswap: true,
      force: false,
      ttlHours: 72,
      testWorkingDirectory: WORKSPACE,
      testTimeoutMinutes: 30,
      githubToken: '',
      comment: true,
      dryRun: false,
      failOn: 'none',
      hideOutputs: [],
      commentAuthor: 'github-actions[bot]',
    });
  });

  it('leaves role, session name, app, test command, test report and pull request unset', () => {
    const inputs = parseWith({});
    for (const key of [
      'roleToAssume',
      'roleSessionName',
      'app',
      'testCommand',
      'testReport',
      'pullRequest',
      'pollIntervalMs',
      'requireLabel',
    ]) {
      expect(inputs).not.toHaveProperty(key);
    }
  });

  it('parses the defaults action.yml hands over exactly as it does unset inputs', () => {
    const action = parseYaml(readFileSync(join(import.meta.dirname, '..', 'action.yml'), 'utf8')) as {
      inputs: Record<string, { default?: string }>;
    };
    const defaults: Record<string, string> = {};
    for (const [name, input] of Object.entries(action.inputs)) {
      // github-token's default is an expression the runner expands; it has no value here.
      if (input.default !== undefined && name !== 'github-token') defaults[name] = String(input.default);
    }
    expect(Object.keys(defaults).length).toBeGreaterThan(10);
    expect(parseWith(defaults)).toEqual(parseWith({}));
  });

  it('treats whitespace-only inputs as unset', () => {
    expect(parseWith({ mode: '  ', 'ttl-hours': ' ', 'role-to-assume': '\t' })).toEqual(parseWith({}));
  });

  it('reads every input the user sets', () => {
    const inputs = parseWith({
      mode: 'deploy',
      'role-to-assume': ROLE,
      'aws-region': 'us-east-1',
      'allowed-account-ids': '111122223333, 444455556666',
      'role-session-name': 'my-session',
      'role-duration-seconds': '900',
      audience: 'sts.example.com',
      'app-dir': 'sample-app',
      app: 'npx tsx bin/app.ts',
      'environment-name': '{repo}-pr-{number}',
      context: 'stage=dev',
      bootstrap: 'true',
      'deployment-method': 'direct',
      hotswap: 'false',
      force: 'true',
      'ttl-hours': '1',
      'test-command': 'npm run test:e2e',
      'test-working-directory': 'sample-app',
      'test-report': 'sample-app/reports/*.xml',
      'test-timeout-minutes': '360',
      'github-token': 'ghs_token',
      comment: 'false',
      'pull-request': '42',
      'dry-run': 'true',
      'fail-on': 'security',
      'approve-label': 'infra-approved',
      'url-output': 'SiteUrl',
      'hide-outputs': 'DbHost',
      'comment-author': 'my-app[bot]',
      regions: 'eu-west-1, us-east-1',
      'require-label': 'preview',
    });
    expect(inputs).toEqual<Inputs>({
      mode: 'deploy',
      roleToAssume: ROLE,
      awsRegion: 'us-east-1',
      allowedAccountIds: ['111122223333', '444455556666'],
      roleSessionName: 'my-session',
      roleDurationSeconds: 900,
      audience: 'sts.example.com',
      appDir: `${WORKSPACE}/sample-app`,
      app: 'npx tsx bin/app.ts',
      environmentName: '{repo}-pr-{number}',
      context: { stage: 'dev' },
      bootstrap: true,
      deploymentMethod: 'direct',
      hotswap: false,
      force: true,
      ttlHours: 1,
      testCommand: 'npm run test:e2e',
      testWorkingDirectory: `${WORKSPACE}/sample-app`,
      testReport: 'sample-app/reports/*.xml',
      testTimeoutMinutes: 360,
      githubToken: 'ghs_token',
      comment: false,
      pullRequest: 42,
      dryRun: true,
      failOn: 'security',
      approveLabel: 'infra-approved',
      urlOutput: 'SiteUrl',
      hideOutputs: ['DbHost'],
      commentAuthor: 'my-app[bot]',
      regions: ['eu-west-1', 'us-east-1'],
      requireLabel: 'preview',
    });
  });
});

describe('mode', () => {
  it.each(['auto', 'deploy', 'destroy', 'cleanup'] as const)('accepts %s', (mode) => {
    expect(parseWith({ mode }).mode).toBe(mode);
  });
});

describe('role-to-assume', () => {
  it.each([
    ROLE,
    'arn:aws:iam::111122223333:role/path/to/prenv-sandbox',
    'arn:aws-cn:iam::111122223333:role/prenv',
    'arn:aws-us-gov:iam::111122223333:role/prenv+ci=1,a.b@c_d-e',
  ])('accepts the role ARN %s', (arn) => {
    expect(parseWith({ 'role-to-assume': arn }).roleToAssume).toBe(arn);
  });
});

describe('aws-region', () => {
  it('falls back to the AWS_REGION environment variable', () => {
    expect(parseWith({}, { awsRegion: 'ap-southeast-2' }).awsRegion).toBe('ap-southeast-2');
  });

  it('prefers the input over the environment', () => {
    expect(parseWith({ 'aws-region': 'us-west-2' }, { awsRegion: 'ap-southeast-2' }).awsRegion).toBe(
      'us-west-2',
    );
  });

  it.each(['eu-west-2', 'us-gov-west-1', 'cn-north-1', 'il-central-1', 'ap-southeast-5'])(
    'accepts %s',
    (region) => {
      expect(parseWith({ 'aws-region': region }).awsRegion).toBe(region);
    },
  );

  it('fails naming both ways to set it when neither the input nor AWS_REGION is set', () => {
    const error = inputError({}, {});
    expect(error.input).toBe('aws-region');
    expect(error.message).toContain('AWS_REGION');
    expect(inputError({}, { awsRegion: '  ' }).input).toBe('aws-region');
  });
});

describe('regions', () => {
  it('defaults to aws-region', () => {
    expect(parseWith({ 'aws-region': 'us-west-2' }).regions).toEqual(['us-west-2']);
    expect(parseWith({}, { awsRegion: 'ap-southeast-1' }).regions).toEqual(['ap-southeast-1']);
  });

  it('reads commas, spaces and newlines, and drops repeats', () => {
    expect(parseWith({ regions: 'eu-west-2,\nus-east-1  eu-west-2,' }).regions).toEqual([
      'eu-west-2',
      'us-east-1',
    ]);
  });
});

describe('require-label', () => {
  it('is kept as written, trimmed', () => {
    expect(parseWith({ 'require-label': ' needs preview ', 'github-token': 't' }).requireLabel).toBe(
      'needs preview',
    );
  });

  it('fails naming require-label and github-token when there is no token to read labels with', () => {
    const error = inputError({ 'require-label': 'preview' });
    expect(error.input).toBe('require-label');
    expect(error.message).toContain('github-token');
    expect(error.message).toContain('"preview"');
  });
});

describe('allowed-account-ids', () => {
  it.each([
    ['111122223333', ['111122223333']],
    ['111122223333,444455556666', ['111122223333', '444455556666']],
    [' 111122223333 ,  444455556666 ', ['111122223333', '444455556666']],
    ['111122223333\n444455556666', ['111122223333', '444455556666']],
    ['111122223333,,444455556666,', ['111122223333', '444455556666']],
  ])('reads %j as a list', (value, ids) => {
    expect(parseWith({ 'allowed-account-ids': value }).allowedAccountIds).toEqual(ids);
  });
});

describe('role-session-name', () => {
  it.each(['ab', 'a'.repeat(64), 'prenv+ci=1,a.b@c_d-e'])('accepts %s', (name) => {
    expect(parseWith({ 'role-session-name': name }).roleSessionName).toBe(name);
  });
});

describe('role-duration-seconds', () => {
  it.each([
    ['900', 900],
    ['43200', 43200],
  ])('accepts the limit %s', (value, seconds) => {
    expect(parseWith({ 'role-duration-seconds': value }).roleDurationSeconds).toBe(seconds);
  });
});

describe('booleans (bootstrap, comment, dry-run, hotswap, force)', () => {
  it.each([
    ['true', true],
    ['True', true],
    ['TRUE', true],
    ['false', false],
    ['False', false],
    ['FALSE', false],
  ])('reads %s as %s', (value, expected) => {
    const inputs = parseWith({
      bootstrap: value,
      comment: value,
      'dry-run': value,
      hotswap: value,
      force: value,
    });
    expect([inputs.bootstrap, inputs.comment, inputs.dryRun, inputs.hotswap, inputs.force]).toEqual([
      expected,
      expected,
      expected,
      expected,
      expected,
    ]);
  });
});

describe('context', () => {
  it('reads key=value lines, skipping blank lines and # comments', () => {
    const context = parseWith({
      context: ['# stage settings', 'stage=dev', '', '   ', '  region-alias = london  ', '# end'].join('\n'),
    }).context;
    expect(context).toEqual({ stage: 'dev', 'region-alias': 'london' });
  });

  it('keeps = signs inside values and allows an empty value', () => {
    expect(parseWith({ context: 'query=a=b&c=d\nempty=' }).context).toEqual({ query: 'a=b&c=d', empty: '' });
  });

  it('accepts the key characters CDK uses (colons, slashes, dots, @)', () => {
    expect(
      parseWith({ context: '@aws-cdk/core:newStyleStackSynthesis=true\nmy.app:stage=dev' }).context,
    ).toEqual({
      '@aws-cdk/core:newStyleStackSynthesis': 'true',
      'my.app:stage': 'dev',
    });
  });

  it('reads Windows line endings', () => {
    expect(parseWith({ context: 'a=1\r\nb=2\r\n' }).context).toEqual({ a: '1', b: '2' });
  });
});

describe('paths', () => {
  it('resolves app-dir and test-working-directory against the workspace', () => {
    const inputs = parseWith({
      'app-dir': './sample-app/',
      'test-working-directory': 'sample-app/test/../e2e',
    });
    expect(inputs.appDir).toBe(`${WORKSPACE}/sample-app`);
    expect(inputs.testWorkingDirectory).toBe(`${WORKSPACE}/sample-app/e2e`);
  });

  it('keeps test-report as written, relative to the workspace, so it can be a glob', () => {
    expect(parseWith({ 'test-report': 'reports/**/*.xml' }).testReport).toBe('reports/**/*.xml');
  });

  it('accepts a folder whose name merely starts with two dots', () => {
    expect(parseWith({ 'app-dir': '..infra' }).appDir).toBe(`${WORKSPACE}/..infra`);
  });
});

describe('numbers', () => {
  it('reads ttl-hours, test-timeout-minutes and pull-request', () => {
    const inputs = parseWith({ 'ttl-hours': '8760', 'test-timeout-minutes': '1', 'pull-request': '7' });
    expect([inputs.ttlHours, inputs.testTimeoutMinutes, inputs.pullRequest]).toEqual([8760, 1, 7]);
  });
});

describe('environment-name', () => {
  it('accepts templates using {number} and {repo}', () => {
    expect(parseWith({ 'environment-name': '{repo}-pr-{number}' }).environmentName).toBe(
      '{repo}-pr-{number}',
    );
  });
});

/**
 * Every bad input fails before any AWS call, with an InputError naming the input, a message that quotes
 * the bad value (`got "..."`) and says what is allowed.
 */
const BAD_INPUTS: readonly {
  input: string;
  value: string;
  /** Text the message must contain besides the input's name and the bad value: what is allowed. */
  allowed: string;
  /** The quoted part of the message, when it is not the whole value (one bad item or line). */
  got?: string;
}[] = [
  { input: 'mode', value: 'deploi', allowed: 'one of auto, deploy, destroy, cleanup' },
  { input: 'mode', value: 'Deploy', allowed: 'one of auto, deploy, destroy, cleanup' },
  { input: 'role-to-assume', value: 'prenv-sandbox', allowed: 'IAM role ARN like arn:aws:iam::' },
  { input: 'role-to-assume', value: 'arn:aws:iam::1111:role/prenv', allowed: 'IAM role ARN like' },
  { input: 'role-to-assume', value: 'arn:aws:iam::111122223333:user/prenv', allowed: 'IAM role ARN like' },
  { input: 'role-to-assume', value: 'arn:aws:s3:::bucket', allowed: 'IAM role ARN like' },
  { input: 'aws-region', value: 'London', allowed: 'AWS region such as eu-west-2' },
  { input: 'aws-region', value: 'eu-west', allowed: 'AWS region such as eu-west-2' },
  { input: 'aws-region', value: 'https://localhost:5000', allowed: 'AWS region such as eu-west-2' },
  {
    input: 'allowed-account-ids',
    value: '111122223333,4444',
    got: '4444',
    allowed: 'comma-separated 12-digit AWS account ids',
  },
  {
    input: 'allowed-account-ids',
    value: '1111-2222-3333',
    allowed: 'comma-separated 12-digit AWS account ids',
  },
  {
    input: 'allowed-account-ids',
    value: '111122223333;444455556666',
    allowed: 'comma-separated 12-digit AWS account ids',
  },
  { input: 'role-session-name', value: 'a', allowed: '2-64 characters of letters, digits and +=,.@_-' },
  { input: 'role-session-name', value: 'a'.repeat(65), allowed: '2-64 characters' },
  { input: 'role-session-name', value: 'pr 42', allowed: '2-64 characters' },
  { input: 'role-session-name', value: 'prenv/pr-42', allowed: '2-64 characters' },
  { input: 'role-duration-seconds', value: '899', allowed: 'whole number from 900 to 43200' },
  { input: 'role-duration-seconds', value: '43201', allowed: 'whole number from 900 to 43200' },
  { input: 'role-duration-seconds', value: '1h', allowed: 'whole number from 900 to 43200' },
  { input: 'role-duration-seconds', value: '-3600', allowed: 'whole number from 900 to 43200' },
  { input: 'bootstrap', value: 'yes', allowed: 'true or false' },
  { input: 'comment', value: 'on', allowed: 'true or false' },
  { input: 'dry-run', value: '1', allowed: 'true or false' },
  { input: 'dry-run', value: 'tRUE', allowed: 'true or false' },
  { input: 'hotswap', value: 'yes', allowed: 'true or false' },
  { input: 'force', value: '1', allowed: 'true or false' },
  { input: 'deployment-method', value: 'changeset', allowed: 'one of change-set, direct' },
  { input: 'ttl-hours', value: '0', allowed: 'whole number from 1 to 8760' },
  { input: 'ttl-hours', value: '1.5', allowed: 'whole number from 1 to 8760' },
  { input: 'ttl-hours', value: '8761', allowed: 'whole number from 1 to 8760' },
  { input: 'ttl-hours', value: '3d', allowed: 'whole number from 1 to 8760' },
  { input: 'poll-interval-ms', value: '0', allowed: 'whole number from 1 to 600000' },
  { input: 'poll-interval-ms', value: '2s', allowed: 'whole number from 1 to 600000' },
  { input: 'poll-interval-ms', value: '1.5', allowed: 'whole number from 1 to 600000' },
  { input: 'test-timeout-minutes', value: '0', allowed: 'whole number from 1 to 360' },
  { input: 'test-timeout-minutes', value: '361', allowed: 'whole number from 1 to 360' },
  { input: 'pull-request', value: '#42', allowed: 'pull request number such as 42' },
  { input: 'pull-request', value: '0', allowed: 'pull request number such as 42' },
  { input: 'pull-request', value: '4.2', allowed: 'pull request number such as 42' },
  { input: 'pull-request', value: '99999999999999999999', allowed: 'pull request number such as 42' },
  { input: 'context', value: 'stage', allowed: 'key=value lines' },
  { input: 'context', value: '=dev', allowed: 'key=value lines' },
  { input: 'context', value: 'stage=dev\nmy stage=dev', got: 'my stage=dev', allowed: 'key=value lines' },
  { input: 'context', value: 'prenv:name=pr-1', got: 'prenv:name', allowed: 'set by prenv itself' },
  { input: 'app-dir', value: '/etc', allowed: 'path inside the repository, relative to its root' },
  { input: 'app-dir', value: '..', allowed: 'path inside the repository' },
  { input: 'app-dir', value: '../other-repo', allowed: 'path inside the repository' },
  { input: 'app-dir', value: 'sample-app/../../x', allowed: 'path inside the repository' },
  { input: 'test-working-directory', value: '../..', allowed: 'path inside the repository' },
  { input: 'test-working-directory', value: '/tmp', allowed: 'path inside the repository' },
  { input: 'test-report', value: '/tmp/junit.xml', allowed: 'path inside the repository' },
  { input: 'test-report', value: '../reports/*.xml', allowed: 'path inside the repository' },
  { input: 'regions', value: 'eu-west-2,London', got: 'London', allowed: 'comma-separated AWS regions' },
  { input: 'regions', value: 'eu-west-2;us-east-1', allowed: 'comma-separated AWS regions such as' },
  { input: 'environment-name', value: 'pr-{pr}', got: '{pr}', allowed: 'may use {number} and {repo} only' },
  { input: 'environment-name', value: '{owner}-{number}', got: '{owner}', allowed: '{number} and {repo}' },
];

describe('bad inputs', () => {
  it('covers at least 25 bad inputs', () => {
    expect(BAD_INPUTS.length).toBeGreaterThanOrEqual(25);
  });

  it.each(BAD_INPUTS)('$input: "$value" fails naming the input, the value and what is allowed', (bad) => {
    const error = inputError({ [bad.input]: bad.value });
    expect(error.input).toBe(bad.input);
    expect(error.message).toContain(bad.input);
    expect(error.message).toContain(`"${bad.got ?? bad.value}"`);
    expect(error.message).toContain(bad.allowed);
  });

  it('fails on a bad input even when the other inputs are fine', () => {
    const error = inputError({ 'role-to-assume': ROLE, mode: 'deploy', bootstrap: 'yes' });
    expect(error.input).toBe('bootstrap');
  });

  it('names a bad mode first, even when the region is missing too', () => {
    expect(inputError({ mode: 'deploi' }, {}).input).toBe('mode');
  });

  it('reports the mode with the message the README shows', () => {
    expect(inputError({ mode: 'deploi' }).message).toBe(
      'mode must be one of auto, deploy, destroy, cleanup, report; got "deploi"',
    );
  });
});

describe('fail-on, approve-label and url-output', () => {
  it('refuses a fail-on that is not none, security or replacement, naming the values', () => {
    const error = inputError({ 'fail-on': 'iam' });
    expect(error.input).toBe('fail-on');
    expect(error.message).toContain('none, security, replacement');
  });

  it('refuses approve-label without fail-on: it would approve nothing', () => {
    expect(inputError({ 'approve-label': 'ok' }).input).toBe('approve-label');
  });

  it('takes approve-label without fail-on in mode report, which only reports the deploy it re-ran', () => {
    const inputs = parseWith(
      { mode: 'report', 'report-file': 'r.json', 'approve-label': 'infra-approved', 'github-token': 'ghs_x' },
      {},
    );
    expect(inputs.approveLabel).toBe('infra-approved');
    expect(inputs.failOn).toBe('none');
  });

  it('refuses approve-label without a token to read the labels with', () => {
    const error = inputError({ 'fail-on': 'security', 'approve-label': 'ok', 'github-token': '' });
    expect(error.input).toBe('approve-label');
    expect(error.message).toContain('github-token');
  });

  it('refuses a url-output that cannot be an OutputKey', () => {
    expect(inputError({ 'url-output': 'Api-Url' }).input).toBe('url-output');
  });
});

describe('mode report', () => {
  it('needs no region (it never calls AWS), and resolves report-file against the workspace', () => {
    const inputs = parseWith({ mode: 'report', 'report-file': 'reports/prenv-report.json' }, {});
    expect(inputs.mode).toBe('report');
    expect(inputs.awsRegion).toBe('');
    expect(inputs.reportFile).toBe(`${WORKSPACE}/reports/prenv-report.json`);
    expect(parseWith({ mode: 'report', 'report-file': '/tmp/r/prenv-report.json' }).reportFile).toBe(
      '/tmp/r/prenv-report.json',
    );
  });

  it('needs report-file, and says what to put there', () => {
    const error = inputError({ mode: 'report' });
    expect(error.input).toBe('report-file');
    expect(error.message).toContain('report-file');
  });

  it('still checks a region that is set', () => {
    expect(inputError({ mode: 'report', 'report-file': 'r.json', 'aws-region': 'mars' }).input).toBe(
      'aws-region',
    );
  });
});

describe('hide-outputs and comment-author', () => {
  it('reads output names and globs separated by commas or new lines', () => {
    expect(parseWith({ 'hide-outputs': 'DbHost, Internal*\nQueue?Url' }).hideOutputs).toEqual([
      'DbHost',
      'Internal*',
      'Queue?Url',
    ]);
  });

  it('refuses a pattern that is no output name or glob, naming the input', () => {
    const error = inputError({ 'hide-outputs': 'Db Host;rm' });
    expect(error.input).toBe('hide-outputs');
    expect(error.message).toContain('"Host;rm"');
  });

  it('takes an app or user login, and github-actions[bot] when empty', () => {
    expect(parseWith({ 'comment-author': 'my-app[bot]' }).commentAuthor).toBe('my-app[bot]');
    expect(parseWith({ 'comment-author': 'octocat' }).commentAuthor).toBe('octocat');
    expect(parseWith({}).commentAuthor).toBe('github-actions[bot]');
  });

  it('refuses a comment-author that is no GitHub login, naming the input', () => {
    const error = inputError({ 'comment-author': '@octocat' });
    expect(error.input).toBe('comment-author');
    expect(error.message).toContain('"@octocat"');
  });
});

describe('poll-interval-ms', () => {
  it('is unset when empty, so toolkit-lib polls at its defaults; never chosen from the endpoint', () => {
    expect(parseWith({ 'poll-interval-ms': '' })).not.toHaveProperty('pollIntervalMs');
    expect(parseWith({ 'poll-interval-ms': '  ' })).not.toHaveProperty('pollIntervalMs');
  });

  it('takes milliseconds', () => {
    expect(parseWith({ 'poll-interval-ms': '50' }).pollIntervalMs).toBe(50);
    expect(parseWith({ 'poll-interval-ms': '10000' }).pollIntervalMs).toBe(10_000);
  });
});

describe('role-duration-seconds against test-timeout-minutes', () => {
  const deploy = (values: Record<string, string>) => () =>
    checkSessionCoversTests(parseWith({ 'role-to-assume': ROLE, 'test-command': 'npm test', ...values }));

  it('refuses a session shorter than the e2e timeout, naming role-duration-seconds and the fix', () => {
    let error: unknown;
    try {
      deploy({ 'role-duration-seconds': '900', 'test-timeout-minutes': '30' })();
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).input).toBe('role-duration-seconds');
    expect((error as InputError).message).toMatch(
      /role-duration-seconds \(900\).*test-timeout-minutes \(30 min/,
    );
    expect((error as InputError).message).toContain('at least 1800');
  });

  it('accepts a session at least as long as the e2e timeout, no role, or no e2e command', () => {
    expect(deploy({ 'role-duration-seconds': '1800', 'test-timeout-minutes': '30' })).not.toThrow();
    expect(() =>
      checkSessionCoversTests(parseWith({ 'test-command': 'npm test', 'test-timeout-minutes': '120' })),
    ).not.toThrow();
    expect(() =>
      checkSessionCoversTests(parseWith({ 'role-to-assume': ROLE, 'role-duration-seconds': '900' })),
    ).not.toThrow();
  });
});
