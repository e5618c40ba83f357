import { describe, expect, it } from 'vitest';
import type { Limits } from '../../src/domain/comment-budget.js';
import { infraChanges, VISIBLE_FINDINGS } from '../../src/domain/comment-infra.js';
import type { InfraChanges, StackChanges, StatementChange } from '../../src/domain/infra-diff.js';
import { BREAK } from '../../src/domain/markdown.js';
import type { EnvironmentReport } from '../../src/domain/report.js';

const limits: Limits = { failures: 10, outputs: 10, stacks: 10, notes: 10, environments: 10, text: 100 };
const HEADING = '#### Infrastructure changes in this push';

function stack(name: string, changes: Partial<StackChanges> = {}): StackChanges {
  return {
    stack: name,
    firstDeploy: false,
    resources: [],
    statements: [],
    managedPolicies: [],
    securityGroupRules: [],
    text: '',
    ...changes,
  };
}

function render(changes: InfraChanges | undefined, at: Limits = limits): string {
  const report: EnvironmentReport = {
    state: 'ready',
    environment: 'pr-1',
    repository: 'o/r',
    updatedAt: '2025-03-01T00:00:00Z',
    ...(changes === undefined ? {} : { changes }),
  };
  return infraChanges(report, at).text;
}

const table = (...rows: string[]) =>
  ['| Stack | Added | Modified | Removed | Replaced |', '| --- | --- | --- | --- | --- |', ...rows].join(
    '\n',
  );

const allow = (
  actions: string[],
  resources: string[],
  extra: Partial<StatementChange> = {},
): StatementChange => ({
  change: 'added',
  effect: 'Allow',
  actions,
  resources,
  principals: [],
  ...extra,
});

describe('infraChanges', () => {
  it('renders nothing without a diff or without stacks', () => {
    expect(render(undefined)).toBe('');
    expect(render({ stacks: [] })).toBe('');
  });

  it('says so when the stacks change nothing', () => {
    expect(render({ stacks: [stack('s', { text: 'nothing' })] })).toBe(
      `${HEADING}\n\nNo resource, IAM or security group changes against the deployed templates.`,
    );
  });

  it('shows only the counts when nothing is security-relevant or stateful and no stack has a diff text', () => {
    const changes = {
      stacks: [
        stack('api', { resources: [{ logicalId: 'Fn', type: 'AWS::Lambda::Function', kind: 'modified' }] }),
        stack('web', { text: ' \n\t' }),
      ],
    };
    expect(render(changes)).toBe(
      `${HEADING}\n\n${table('| `api` | 0 | 1 | 0 | 0 |', '| `web` | 0 | 0 | 0 | 0 |')}`,
    );
  });

  it('summarises only the first-deploy stacks that create resources, up to twelve types', () => {
    const types = (n: number) =>
      Array.from({ length: n }, (_, i) => ({
        logicalId: `R${i}`,
        type: `AWS::T::R${String(i).padStart(2, '0')}`,
        kind: 'added' as const,
      }));
    const changes = {
      stacks: [
        stack('thirteen', { firstDeploy: true, resources: types(13) }),
        stack('twelve', { firstDeploy: true, resources: types(12) }),
        stack('empty', { firstDeploy: true, statements: [allow(['s3:GetObject'], ['arn:b'])] }),
        stack('old', { resources: types(1) }),
      ],
    };
    const listed = (n: number) =>
      Array.from({ length: n }, (_, i) => `1 × \`AWS::T::R${String(i).padStart(2, '0')}\``).join(', ');
    const lines = render(changes).split('\n\n')[2]?.split('\n');
    expect(lines).toEqual([
      `- 🆕 \`thirteen\` is new: 13 resources (${listed(12)}, 1 more types)`,
      `- 🆕 \`twelve\` is new: 12 resources (${listed(12)})`,
    ]);
  });

  it('titles the findings of a push that is not all first deploys as security-relevant', () => {
    const changes = {
      stacks: [stack('s', { firstDeploy: true, statements: [allow(['*'], ['*'])] })],
    };
    // A first-deploy stack without resources is not a first deploy of resources: the generic title.
    expect(render(changes)).toBe(
      [
        HEADING,
        table('| `s` | 0 | 0 | 0 | 0 |'),
        '⚠️ **Security-relevant changes (1)**',
        '- `s`: IAM statement added: Allow `*` on `*` (**wildcard**)',
      ].join('\n\n'),
    );
  });

  it('describes each kind of statement change', () => {
    const changes = {
      stacks: [
        stack('s', {
          statements: [
            allow([], ['arn:q']),
            allow(['sqs:*'], [], { change: 'removed', effect: 'Deny', principals: ['arn:p'] }),
            allow(['s3:Get'], ['arn:b'], { negated: true }),
            allow(['s3:Get', 's3:Put'], ['arn:b', 'arn:c']),
          ],
          securityGroupRules: [
            { change: 'added', direction: 'egress', group: 'Sg', protocol: 'TCP 443', peer: '0.0.0.0/0' },
            { change: 'added', direction: 'ingress', group: 'Sg', protocol: 'Everything', peer: 'Sg2' },
            { change: 'removed', direction: 'ingress', group: 'Sg', protocol: 'TCP 22', peer: 'x' },
          ],
        }),
      ],
    };
    const findings = render(changes).split('\n\n')[3];
    expect(findings).toBe(
      [
        '- `s`: IAM statement added: Allow (none) on `arn:q`',
        '- `s`: IAM statement removed: Deny `sqs:*` on (none) for `arn:p`',
        '- `s`: IAM statement added: Allow `s3:Get` on `arn:b` (NotAction/NotResource) (**wildcard**)',
        '- `s`: IAM statement added: Allow `s3:Get`, `s3:Put` on `arn:b`, `arn:c`',
        '- `s`: egress rule added to `Sg`: `TCP 443` to `0.0.0.0/0`',
        '- `s`: ingress rule added to `Sg`: `Everything` from `Sg2`',
      ].join('\n'),
    );
  });

  it(`lists ${VISIBLE_FINDINGS} findings and counts the rest`, () => {
    const statements = (n: number) => Array.from({ length: n }, (_, i) => allow([`a:${i}`], ['arn:x']));
    const exactly = render({ stacks: [stack('s', { statements: statements(VISIBLE_FINDINGS) })] });
    expect(exactly.split('\n\n')).toHaveLength(4);
    expect(exactly).not.toContain('more in the full diff');
    const over = render({ stacks: [stack('s', { statements: statements(VISIBLE_FINDINGS + 1) })] }).split(
      '\n\n',
    );
    expect(over).toHaveLength(5);
    expect(over[3]?.split('\n')).toHaveLength(VISIBLE_FINDINGS);
    expect(over[3]).not.toContain('`a:30`');
    expect(over[4]).toBe('… and 1 more in the full diff.');
  });
});

describe('infraChanges full diff', () => {
  const diffOf = (texts: string[], at: Limits = limits) => {
    const changes = {
      stacks: texts.map((text, i) =>
        stack(`s${i}`, { text, resources: [{ logicalId: 'R', type: 'AWS::X::Y', kind: 'modified' }] }),
      ),
    };
    const body = render(changes, at);
    const start = body.indexOf('<details>');
    return start < 0 ? undefined : body.slice(start);
  };
  const wrap = (inner: string, fence = '```', cut = '') =>
    `<details>\n<summary>Full diff</summary>\n\n${fence}text\n${inner}\n${fence}${cut}\n\n</details>`;

  it('joins the stacks that have a diff text, each trimmed, in a fence longer than any backtick run', () => {
    expect(diffOf(['\n  + one\n', '   ', 'two'])).toBe(wrap('Stack s0\n+ one\n\nStack s2\ntwo'));
    expect(diffOf(['a ` b'])).toBe(wrap('Stack s0\na ` b'));
    expect(diffOf(['a `` b'])).toBe(wrap('Stack s0\na `` b'));
    expect(diffOf(['a ```` b ` c'])).toBe(wrap('Stack s0\na ```` b ` c', '`````'));
  });

  it('cleans line ends, control characters and tags but keeps a lone <', () => {
    expect(diffOf(['a\r\nb\rc\u0007d\u202Ee <x> </details> <!-- < 3 a<b'])).toBe(
      wrap(`Stack s0\na\nb\ncde <${BREAK}x> <${BREAK}/details> <${BREAK}!-- < 3 a<${BREAK}b`),
    );
  });

  it('trims a diff before judging its length: padding up to the cap does not count', () => {
    const at = { ...limits, text: 2 }; // cap 60: a 61-character text is trimmed whole, not cut
    expect(diffOf([`${'x'.repeat(40)}${' '.repeat(21)}`], at)).toBe(wrap(`Stack s0\n${'x'.repeat(40)}`));
  });

  it('cuts the diff to thirty times the text cap and says so', () => {
    const at = { ...limits, text: 2 }; // cap 60; the part before the text is "Stack s0\n" (9 characters)
    expect(diffOf(['x'.repeat(51)], at)).toBe(wrap(`Stack s0\n${'x'.repeat(51)}`));
    expect(diffOf(['x'.repeat(52)], at)).toBe(
      wrap(
        `Stack s0\n${'x'.repeat(50)}…`,
        '```',
        '\n\n… the diff is longer than the comment allows; the job log has all of it.',
      ),
    );
  });
});
