import { describe, expect, it } from 'vitest';
import {
  COMMENT_BUDGET,
  GITHUB_COMMENT_LIMIT,
  initialLimits,
  markerFor,
  renderComment,
  renderReport,
} from '../../src/domain/comment.js';
import { BREAK } from '../../src/domain/markdown.js';
import type { EnvironmentReport, EnvironmentState, TestFailure } from '../../src/domain/report.js';
import { firstDeployChanges, pushChanges } from '../fixtures/diff/changes.js';

// Goldens: regenerate with `npx vitest run test/domain -u` and review the diff.

const sha = '3f2a9c1b7e4d5a6b8c9d0e1f2a3b4c5d6e7f8a9b';
const base = {
  environment: 'pr-42',
  repository: 'acme/invoices',
  pullRequest: 42,
  sha,
  runUrl: 'https://github.com/acme/invoices/actions/runs/1234567',
  repositoryUrl: 'https://github.com/acme/invoices',
  createdAt: '2025-03-01T09:00:00Z',
  updatedAt: '2025-03-03T11:30:00Z',
} as const;
const apiUrl = 'https://k3x9.execute-api.eu-west-2.amazonaws.com/prod/';
const outputs = [
  { stack: 'pr-42-data', key: 'TableName', value: 'pr-42-data-InvoicesTable-1X2Y3Z' },
  { stack: 'pr-42-api', key: 'ApiUrl', value: apiUrl },
  {
    stack: 'pr-42-data',
    key: 'ExportsOutputRefInvoicesTable12345',
    value: 'pr-42-data-InvoicesTable-1X2Y3Z',
  },
];
const deployedStacks = [
  { name: 'pr-42-data', outcome: 'unchanged', status: 'UPDATE_COMPLETE' },
  { name: 'pr-42-api', outcome: 'deployed', status: 'UPDATE_COMPLETE' },
] as const;
const timings = { synth: 12_345, deploy: 125_000, tests: 47_800, total: 190_000 };

const fixtures: Record<EnvironmentState, EnvironmentReport> = {
  deploying: { ...base, state: 'deploying', createdAt: '2025-03-03T11:30:00Z' },
  ready: {
    ...base,
    state: 'ready',
    url: apiUrl,
    outputs,
    stacks: deployedStacks,
    tests: { total: 12, passed: 11, failed: 0, skipped: 1, failures: [], exitCode: 0 },
    timings,
    expiresAt: '2025-03-06T11:30:00Z',
  },
  'tests-failed': {
    ...base,
    state: 'tests-failed',
    url: apiUrl,
    outputs,
    stacks: deployedStacks,
    tests: {
      total: 12,
      passed: 9,
      failed: 2,
      skipped: 1,
      exitCode: 1,
      failures: [
        {
          name: 'invoices api > creates an invoice',
          message: 'AssertionError: expected 500 to be 201\n    at invoices.e2e.ts:14:5',
        },
        { name: 'invoices api > lists invoices', message: 'Error: socket hang up' },
      ],
    },
    timings,
    expiresAt: '2025-03-06T11:30:00Z',
    notes: ['The token lacks deployments: write, so no GitHub deployment was recorded.'],
  },
  'deploy-failed': {
    ...base,
    state: 'deploy-failed',
    stacks: [
      { name: 'pr-42-data', outcome: 'deployed', status: 'CREATE_COMPLETE' },
      { name: 'pr-42-api', outcome: 'failed', status: 'UPDATE_ROLLBACK_COMPLETE' },
    ],
    failure: {
      stack: 'pr-42-api',
      resource: 'InvoicesHandler',
      resourceType: 'AWS::Lambda::Function',
      reason:
        'Resource handler returned message: "Uploaded file must be a non-empty zip" (RequestToken: 1a2b, HandlerErrorCode: InvalidRequest)',
    },
    timings: { synth: 11_900, deploy: 64_000 },
  },
  blocked: {
    ...base,
    state: 'blocked',
    stacks: [
      { name: 'pr-42-data', outcome: 'not-deployed' },
      { name: 'pr-42-api', outcome: 'not-deployed' },
    ],
    timings: { synth: 11_900, total: 20_000 },
    changes: pushChanges,
    blocked: { failOn: 'security', reason: '3 security-relevant changes', approveLabel: 'infra-approved' },
  },
  cancelled: {
    ...base,
    state: 'cancelled',
    leftRunning: ['pr-42-api', 'pr-42-data'],
  },
  destroying: {
    ...base,
    state: 'destroying',
    stacks: [
      { name: 'pr-42-api', outcome: 'deleted', status: 'DELETE_COMPLETE' },
      { name: 'pr-42-data', outcome: 'not-deployed', status: 'DELETE_IN_PROGRESS' },
    ],
  },
  destroyed: {
    ...base,
    state: 'destroyed',
    stacks: [
      { name: 'pr-42-api', outcome: 'deleted', status: 'DELETE_COMPLETE' },
      { name: 'pr-42-data', outcome: 'deleted', status: 'DELETE_COMPLETE' },
    ],
    timings: { destroy: 98_000 },
  },
  'destroy-failed': {
    ...base,
    state: 'destroy-failed',
    stacks: [
      { name: 'pr-42-api', outcome: 'deleted', status: 'DELETE_COMPLETE' },
      { name: 'pr-42-data', outcome: 'left-behind', status: 'DELETE_FAILED' },
    ],
    failure: {
      stack: 'pr-42-data',
      resource: 'UploadsBucket',
      resourceType: 'AWS::S3::Bucket',
      reason: 'The bucket you tried to delete is not empty',
    },
    timings: { destroy: 41_000 },
  },
};

describe('markerFor', () => {
  it('is a hidden HTML comment naming the environment', () => {
    expect(markerFor('pr-42')).toBe('<!-- prenv:pr-42 -->');
  });

  it('cannot be closed early by a strange environment name', () => {
    const marker = markerFor('pr-1 --><img src=x>');
    expect(marker.startsWith('<!-- prenv:pr-1')).toBe(true);
    expect(marker.slice(4, -3)).not.toMatch(/[<>]/);
    expect(marker.endsWith(' -->')).toBe(true);
    // The marker finds the comment again on the next run: its form is stored on GitHub.
    expect(marker).toBe('<!-- prenv:pr-1-----img-src-x- -->');
  });
});

describe('initialLimits', () => {
  it('leaves room for every resource a forced delete kept, even when they outnumber the stacks', () => {
    const kept = (count: number) =>
      Array.from({ length: count }, (_, i) => ({ logicalId: `Bucket${i}`, type: 'AWS::S3::Bucket' }));
    const report: EnvironmentReport = {
      ...base,
      state: 'destroy-failed',
      stacks: [
        { name: 'pr-42-data', outcome: 'force-deleted', retained: kept(3) },
        { name: 'pr-42-logs', outcome: 'force-deleted', retained: kept(2) },
        { name: 'pr-42-api', outcome: 'deleted' },
      ],
    };
    expect(initialLimits(report)).toStrictEqual({
      failures: 0,
      outputs: 0,
      stacks: 5,
      notes: 0,
      environments: 0,
      text: 500,
    });
    expect(renderComment(report)).not.toContain('more not shown');
  });
});

describe('renderComment golden files', () => {
  for (const [state, report] of Object.entries(fixtures)) {
    it(`renders ${state}`, async () => {
      const body = renderComment(report);
      expect(body.startsWith(`${markerFor('pr-42')}\n`)).toBe(true);
      await expect(body).toMatchFileSnapshot(`golden/${state}.golden.md`);
    });
  }
});

/** The states a push's diff shows in, each with the diff of a later push and of a first deploy. */
const withDiff: Record<string, EnvironmentReport> = {
  'deploying-diff': { ...fixtures.deploying, changes: pushChanges },
  'ready-diff': { ...fixtures.ready, changes: pushChanges },
  'tests-failed-diff': { ...fixtures['tests-failed'], changes: pushChanges },
  'deploy-failed-diff': { ...fixtures['deploy-failed'], changes: pushChanges },
  'ready-first-deploy': { ...fixtures.ready, changes: firstDeployChanges },
  'blocked-first-deploy': {
    ...fixtures.blocked,
    changes: firstDeployChanges,
    blocked: { failOn: 'security', reason: '1 security-relevant change' },
  },
};

describe('renderComment golden files with an infrastructure diff', () => {
  for (const [name, report] of Object.entries(withDiff)) {
    it(`renders ${name}`, async () => {
      await expect(renderComment(report)).toMatchFileSnapshot(`golden/${name}.golden.md`);
    });
  }
});

describe('renderComment content', () => {
  it('puts the URL first in the outputs and leaves out CDK exports', () => {
    const body = renderComment(fixtures.ready);
    const rows = body.split('\n').filter((line) => line.startsWith('| `'));
    expect(rows[0]).toContain('`ApiUrl`');
    expect(body).not.toContain('ExportsOutput');
  });

  it('links the short commit and the run', () => {
    const body = renderComment(fixtures.ready);
    expect(body).toContain(`[\`3f2a9c1\`](https://github.com/acme/invoices/commit/${sha})`);
    expect(body).toContain('(https://github.com/acme/invoices/actions/runs/1234567)');
  });

  it('says when a test run timed out and shows a missing-report problem', () => {
    const body = renderComment({
      ...fixtures['tests-failed'],
      tests: {
        total: 0,
        passed: 0,
        failed: 0,
        skipped: 0,
        failures: [],
        timedOut: true,
        problem: 'no JUnit file matched reports/*.xml',
      },
    });
    expect(body).toContain('timed out');
    expect(body).toContain('no JUnit file matched reports/\\*.xml');
  });

  it('lists the first 20 failures openly and collapses the rest', () => {
    const failures = Array.from({ length: 25 }, (_, i) => ({
      name: `test ${i}`,
      message: `boom ${i}\nstack`,
    }));
    const body = renderComment({
      ...fixtures['tests-failed'],
      tests: { total: 25, passed: 0, failed: 25, skipped: 0, failures },
    });
    const open = body.slice(0, body.indexOf('<details>'));
    expect(open).toContain('**test 19**: boom 19');
    expect(open).not.toContain('test 20');
    expect(body).toContain('<summary>and 5 more failing tests</summary>');
    expect(body).toContain('**test 24**: boom 24');
    expect(body).not.toContain('stack\n');
  });

  it('does not link a URL output that is not http(s)', () => {
    const body = renderComment({ ...fixtures.ready, url: 'javascript:alert(1)' });
    expect(body).not.toContain('](javascript');
    expect(body).toContain('`javascript:alert(1)`');
  });

  it('never shows credentials embedded in the URL', () => {
    const body = renderComment({
      ...fixtures.ready,
      url: 'https://admin:hunter2@example.com/x',
      outputs: [],
    });
    expect(body).not.toContain('hunter2');
    expect(body).toContain('(https://example.com/x)');
  });

  it('never shows credentials embedded in an output URL, in the URL line or the outputs table', () => {
    const secretUrl = 'https://admin:hunter2@preview.example.com/x';
    const body = renderComment({
      ...fixtures.ready,
      url: 'https://preview.example.com/x',
      urlOutput: 'SiteUrl',
      outputs: [{ stack: 'pr-42-api', key: 'SiteUrl', value: secretUrl }, ...outputs],
    });
    expect(body).not.toContain('hunter2');
    expect(body).not.toContain('admin');
    expect(body).toContain('`https://preview.example.com/x`');
  });

  it('names the output the URL comes from', () => {
    const body = renderComment({ ...fixtures.ready, urlOutput: 'ApiUrl' });
    expect(body).toContain('(output `ApiUrl`)');
  });

  it('drops the Stack column when every output comes from one stack', () => {
    const one = outputs.map((output) => ({ ...output, stack: 'pr-42-api' }));
    const body = renderComment({ ...fixtures.ready, outputs: one });
    expect(body).toContain('| Output | Value |\n');
    expect(renderComment(fixtures.ready)).toContain('| Output | Value | Stack |');
  });

  it('collapses the outputs table beyond 6 rows', () => {
    const many = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ stack: 'pr-42-api', key: `Out${i}`, value: `v${i}` }));
    expect(renderComment({ ...base, state: 'ready', outputs: many(6) })).toContain('#### Outputs');
    const body = renderComment({ ...base, state: 'ready', outputs: many(7) });
    expect(body).toContain('<summary>All 7 outputs</summary>');
    expect(body).not.toContain('#### Outputs');
  });

  it('flags a wildcard IAM statement with its action and resource, and stateful losses', () => {
    const body = renderComment({ ...fixtures.ready, changes: pushChanges });
    expect(body).toContain('#### Infrastructure changes in this push');
    expect(body).toMatch(/⚠️ \*\*Security-relevant changes \(4\)\*\*/);
    expect(body).toContain('IAM statement added: Allow `sqs:*` on `*` (**wildcard**)');
    expect(body).toContain('`InvoicesTable` (`AWS::DynamoDB::Table`) will be replaced');
    expect(body).toContain('<summary>Full diff</summary>');
  });

  it('on a first deploy, summarises resources by type and lists only the statements using *', () => {
    const body = renderComment({ ...fixtures.ready, changes: firstDeployChanges });
    expect(body).toContain('2 × `AWS::Lambda::Function`');
    expect(body).toContain('IAM statements that use `*` (1)');
    expect(body).not.toContain('dynamodb:GetItem`, `dynamodb:PutItem` on');
  });

  it('explains what fail-on blocked and how to approve it', () => {
    const body = renderComment(fixtures.blocked);
    expect(body).toContain('waiting for approval');
    expect(body).toContain('`fail-on: security`');
    expect(body).toContain('adding the label `infra-approved`');
  });

  it('ignores fields that are not in the model', () => {
    const leaky = {
      ...fixtures.ready,
      credentials: { secretAccessKey: 'SECRETSECRET' },
    } as EnvironmentReport;
    expect(renderComment(leaky)).not.toContain('SECRETSECRET');
  });
});

const hostile = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '@octocat and @org/team',
  '[click](https://evil.example/a)',
  '![x](https://evil.example/img.png)',
  'see https://evil.example/x and www.evil.example',
  '# heading\n## another',
  'fixes #123 and acme/invoices#7 and GH-9 at deadbeefcafe1234',
  'a | b | c\nsecond line',
  'ticks ` `` ``` inside',
  '<!-- prenv:pr-1 -->',
  '<!-- prenv:pr-42 -->',
  '**bold** _em_ ~~strike~~ $x^2$ &amp; &#64;octocat',
  '- list\n1. item\n> quote\n---',
  `${'x'.repeat(200_000)}`,
];
const hostileText = hostile.join(' ');

function hostileReport(state: EnvironmentState): EnvironmentReport {
  const failures: TestFailure[] = hostile.map((h) => ({ name: h, message: `${h}\n${h}` }));
  return {
    ...base,
    state,
    environment: 'pr-42',
    url: 'https://evil.example/(x)<y>"z"`|&amp;',
    outputs: hostile.map((h, i) => ({ stack: `pr-42-${h}`, key: `Key${i}${h}`, value: h })),
    stacks: hostile.map((h) => ({ name: h, outcome: 'failed', status: h })),
    tests: {
      total: hostile.length,
      passed: 0,
      failed: hostile.length,
      skipped: 0,
      failures,
      problem: hostileText,
    },
    failure: { stack: hostileText, resource: hostileText, resourceType: hostileText, reason: hostileText },
    leftRunning: hostile,
    notes: hostile,
    expiresAt: '2025-03-06T11:30:00Z',
    changes: {
      stacks: hostile.map((h, i) => ({
        stack: h,
        firstDeploy: i % 2 === 0,
        resources: [
          { logicalId: h, type: h, kind: 'replaced' },
          { logicalId: h, type: 'AWS::S3::Bucket', kind: 'removed' },
          { logicalId: h, type: 'AWS::SQS::QueuePolicy', kind: 'modified' },
        ],
        statements: [{ change: 'added', effect: h, actions: [h, '*'], resources: [h], principals: [h] }],
        managedPolicies: [{ change: 'added', identity: h, policy: h }],
        securityGroupRules: [{ change: 'added', direction: 'ingress', group: h, protocol: h, peer: h }],
        text: `${hostileText}\n${hostile.join('\n')}`,
      })),
    },
    blocked: { failOn: 'security', reason: hostileText, approveLabel: hostile[2] ?? '' },
  };
}

/**
 * The body as GitHub's text filters see it: code spans and link targets removed (GitHub applies
 * no mentions, references or autolinks inside them), backslash escapes resolved; or, with
 * 'blank', escaped characters blanked and links kept, to see the markdown syntax that is left.
 */
function outsideCode(body: string, escaped: 'resolve' | 'blank' = 'resolve'): string {
  let out = '';
  for (let i = 0; i < body.length; ) {
    const c = body[i] ?? '';
    if (c === '\\') {
      out += escaped === 'resolve' ? (body[i + 1] ?? '') : '\u0000';
      i += 2;
    } else if (c === '`') {
      const fence = /^`+/.exec(body.slice(i))?.[0] ?? '`';
      const close = new RegExp(`(?<!\`)${fence}(?!\`)`, 'g');
      close.lastIndex = i + fence.length;
      const end = close.exec(body);
      out += ' ';
      i = end === null ? i + fence.length : end.index + fence.length;
    } else if (escaped === 'resolve' && body.startsWith('](', i)) {
      i = body.indexOf(')', i) + 1;
      out += ']';
    } else {
      out += c;
      i += 1;
    }
  }
  return out;
}

describe('renderComment with hostile text', () => {
  const states = Object.keys(fixtures) as EnvironmentState[];
  for (const state of states) {
    describe(state, () => {
      const body = renderComment(hostileReport(state));
      const text = outsideCode(body);
      const syntax = outsideCode(body, 'blank');

      it('has exactly one marker and no other HTML comment', () => {
        expect(body.match(/<!--/g)).toHaveLength(1);
        expect(body.split(markerFor('pr-42')).length - 1).toBe(1);
        expect(body).not.toContain(markerFor('pr-1'));
        expect(body.match(/<!--\s*prenv:/g)).toHaveLength(1);
        expect(body.startsWith(`${markerFor('pr-42')}\n`)).toBe(true);
      });

      it('injects no HTML', () => {
        expect(body).not.toMatch(/<script|<img|<\/script/i);
        const tags = body.match(/<\/?[a-z][^>]*>/gi) ?? [];
        expect(new Set(tags)).toEqual(
          new Set(tags.filter((tag) => /^<\/?(details|summary|sub)>$/.test(tag))),
        );
      });

      it('pings nobody and references no issue or commit', () => {
        expect(text).not.toMatch(/@[a-z0-9]/i);
        expect(text).not.toMatch(/#\d/);
        expect(text).not.toMatch(/GH-\d/i);
        expect(text).not.toMatch(/\b[0-9a-f]{7,}\b/i);
        expect(text).not.toContain('&#64;');
      });

      it('creates no links, images or autolinks of its own', () => {
        // The report's URL is linked on purpose (encoded); nothing else may link to evil.example.
        expect(syntax).not.toMatch(/\]\(https:\/\/evil(?!\.example\/%28x%29%3C)/);
        expect(syntax).not.toMatch(/!\[/);
        expect(text).not.toMatch(/https?:\/\/evil/);
        expect(text).not.toMatch(/www\.evil/);
        const targets = [...syntax.matchAll(/\]\(([^)\s]*)\)/g)].map((m) => m[1]);
        for (const target of targets) {
          expect(target).toMatch(/^https:\/\/(github\.com\/acme\/invoices\/|evil\.example\/%28x%29%3C)/);
        }
      });

      it('creates no headings, lists, quotes or rules of its own', () => {
        const blockLines = withoutFences(body)
          .split('\n')
          .filter((line) => /^(#{1,6} |[-*+] |\d+[.)] |> |---)/.test(line))
          .filter((line) => !/^(###|####) [^\\]/.test(line) || line.includes('\\'));
        for (const line of blockLines) {
          // Every list item and quote is one of ours: a bullet, a table line, a quote of an escaped reason.
          expect(line).toMatch(/^(- |> |--- )/);
          expect(line).not.toMatch(/^- ([-+*] |\d+[.)] |#)/);
        }
      });

      it('keeps every table row to its columns', () => {
        const lines = body.split('\n');
        for (let i = 0; i < lines.length; i++) {
          const header = lines[i] ?? '';
          if (!header.startsWith('| ') || !(lines[i + 1] ?? '').startsWith('| ---')) continue;
          const columns = cells(header);
          for (let j = i + 1; (lines[j] ?? '').startsWith('|'); j++)
            expect(cells(lines[j] ?? '')).toBe(columns);
        }
      });

      it('stays under the limit with no very long line', () => {
        expect(body.length).toBeLessThanOrEqual(COMMENT_BUDGET + 1);
        for (const line of body.split('\n')) expect(line.length).toBeLessThan(8_000);
      });
    });
  }
});

/** The body without its fenced code blocks, where GitHub parses no markdown at all. */
function withoutFences(body: string): string {
  const out: string[] = [];
  let fence: string | undefined;
  for (const line of body.split('\n')) {
    const run = /^(`{3,})/.exec(line)?.[1];
    if (fence === undefined && run !== undefined) fence = run;
    else if (fence !== undefined && line.trim() === fence) fence = undefined;
    else if (fence === undefined) out.push(line);
  }
  return out.join('\n');
}

/** Number of cells in a GFM table row: pipes not escaped by a backslash. */
function cells(row: string): number {
  return row.replace(/\\./g, '').split('|').length - 2;
}

describe('renderComment size', () => {
  const huge: EnvironmentReport = {
    ...fixtures['tests-failed'],
    tests: {
      total: 10_000,
      passed: 0,
      failed: 10_000,
      skipped: 0,
      failures: Array.from({ length: 10_000 }, (_, i) => ({
        name: `suite > test number ${i}`,
        message: i === 0 ? 'm'.repeat(1_000_000) : `expected ${i} to be ${i + 1}\n${'trace '.repeat(100)}`,
      })),
    },
    outputs: Array.from({ length: 5_000 }, (_, i) => ({
      stack: 'pr-42-api',
      key: `Output${i}`,
      value: `value-${i}`,
    })),
    stacks: Array.from({ length: 500 }, (_, i) => ({
      name: `pr-42-stack-${i}`,
      outcome: 'deployed' as const,
    })),
  };

  it('keeps a huge report under GitHub limit with the headline intact and a visible note', () => {
    const body = renderComment(huge);
    expect(body.length).toBeLessThan(GITHUB_COMMENT_LIMIT);
    expect(body.length).toBeLessThanOrEqual(COMMENT_BUDGET + 1);
    expect(body.startsWith(`${markerFor('pr-42')}\n### ❌ 10000 tests failed on \`pr-42\`\n`)).toBe(true);
    expect(body).toMatch(
      /… \d+ more not shown; see the \[workflow run\]\(https:\/\/github\.com\/acme\/invoices\/actions\/runs\/1234567\)\./,
    );
    expect(body).toContain('**suite > test number 0**'.replace('>', '&gt;'));
    expect(body).toContain('**Tests:** 0 passed, 10000 failed');
  });

  it('ends a body cut at a line with a note that links the run', () => {
    const body = renderReport(fixtures.ready, { budget: 400, level: '###', pullRequestLine: false });
    expect(body.length).toBeLessThanOrEqual(401);
    expect(
      body.endsWith(
        '\n\n… the rest is not shown; see the [workflow run](https://github.com/acme/invoices/actions/runs/1234567).\n',
      ),
    ).toBe(true);
  });

  it('cuts the failure list and outputs before anything else', () => {
    const body = renderComment(huge);
    expect(body).toContain('#### Failing tests (10000)');
    expect(body).toContain('**Commit:**');
    expect(body).toContain('#### Notes');
  });

  it('survives megabytes in every text field', () => {
    const mega = 'a&<@#|`'.repeat(150_000);
    const body = renderComment({
      ...huge,
      failure: { reason: mega, stack: mega, resource: mega, resourceType: mega },
      notes: Array.from({ length: 200 }, () => mega),
      leftRunning: Array.from({ length: 2_000 }, () => mega),
      url: `https://example.com/${mega}`,
    });
    expect(body.length).toBeLessThanOrEqual(COMMENT_BUDGET + 1);
    expect(body).toContain('more not shown');
    expect(body.match(/<!--/g)).toHaveLength(1);
    expect(body.match(/^<details>$/gm)?.length).toBe(body.match(/^<\/details>$/gm)?.length);
  });

  it('does not contain the joiner in places we build ourselves', () => {
    const body = renderComment(fixtures.ready);
    expect(body).not.toContain(BREAK);
  });
});
