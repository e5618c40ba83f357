import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPOSITORY_ROOT } from '../../scripts/readme-tables.js';

/**
 * README's permission policy must grant every AWS action prenv's adapters call with the sandbox
 * role's credentials. The actions are derived from the SDK commands (and paginators) the adapters
 * import, so a new call cannot ship without its permission.
 */

const ADAPTERS = join(REPOSITORY_ROOT, 'src/adapters');

/** IAM service prefixes of the SDK client packages, where they differ from the package suffix. */
const SERVICE_PREFIX: Readonly<Record<string, string>> = {
  'resource-groups-tagging-api': 'tag',
  'cloudwatch-logs': 'logs',
};

/** SDK commands whose IAM action has another name, or that need several actions. */
const ACTIONS_OF_COMMAND: Readonly<Record<string, readonly string[]>> = {
  's3:ListObjectVersions': ['s3:ListBucketVersions'],
  's3:ListObjectsV2': ['s3:ListBucket'],
  's3:DeleteObjects': ['s3:DeleteObject', 's3:DeleteObjectVersion'],
  's3:HeadBucket': ['s3:ListBucket'],
  'ssm:DeleteParameters': ['ssm:DeleteParameter'],
};

/** Calls that the sandbox role's permission policy does not govern, and why. */
const NOT_IN_THE_PERMISSION_POLICY: Readonly<Record<string, string>> = {
  'sts:GetCallerIdentity': 'needs no permission: every principal may ask who it is',
  'sts:AssumeRoleWithWebIdentity': "made with the GitHub OIDC token, authorized by the role's trust policy",
  'sts:AssumeRole':
    "made with the ambient credentials to become the sandbox role, authorized by the role's trust policy",
};

/**
 * Calls toolkit-lib makes with prenv's credentials: on a deploy through the bootstrap roles, and on
 * a hotswap of Lambda code (and Step Functions definitions), which never goes through the deploy role.
 */
const TOOLKIT_LIB_CALLS = [
  'sts:AssumeRole',
  'ssm:GetParameter',
  'cloudformation:DescribeStacks',
  'cloudformation:GetTemplate',
  'cloudformation:ListStackResources',
  's3:GetObject',
  'lambda:UpdateFunctionCode',
  'lambda:GetFunctionConfiguration',
  'lambda:UpdateFunctionConfiguration',
  'lambda:PublishVersion',
  'lambda:UpdateAlias',
  'states:UpdateStateMachine',
];

/** `service:Action` for every SDK command and paginator one adapter source imports. */
function actionsOfSource(source: string): string[] {
  const actions: string[] = [];
  for (const match of source.matchAll(
    /import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*'@aws-sdk\/client-([a-z0-9-]+)'/g,
  )) {
    const [, names = '', client = ''] = match;
    const prefix = SERVICE_PREFIX[client] ?? client;
    for (const raw of names.split(',')) {
      const name =
        raw
          .trim()
          .replace(/^type\s+/, '')
          .split(/\s+as\s+/)[0] ?? '';
      const operation = /^(\w+)Command$/.exec(name)?.[1] ?? /^paginate(\w+)$/.exec(name)?.[1];
      if (operation === undefined) continue;
      const action = `${prefix}:${operation}`;
      actions.push(...(ACTIONS_OF_COMMAND[action] ?? [action]));
    }
  }
  return actions;
}

/** Every action the adapters call. */
function adapterActions(): string[] {
  const files = readdirSync(ADAPTERS, { recursive: true, encoding: 'utf8' }).filter((file) =>
    file.endsWith('.ts'),
  );
  const actions = files.flatMap((file) => actionsOfSource(readFileSync(join(ADAPTERS, file), 'utf8')));
  return [...new Set(actions)].sort();
}

interface Statement {
  readonly Sid?: string;
  readonly Effect: string;
  readonly Action: string | string[];
}

/** The permission policy: the JSON block of README's "permission policy" section. */
function readmePolicy(): { Statement: Statement[] } {
  const readme = readFileSync(join(REPOSITORY_ROOT, 'README.md'), 'utf8');
  const section = readme.split(/^### .*permission policy$/m)[1] ?? '';
  const json = /^```json\n([\s\S]*?)^```/m.exec(section)?.[1];
  if (json === undefined) throw new Error('README has no JSON block under its permission policy heading');
  return JSON.parse(json) as { Statement: Statement[] };
}

/** True when an IAM action pattern (with * and ?) matches the action, case-insensitively as IAM does. */
function actionMatches(pattern: string, action: string): boolean {
  const regex = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${regex}$`, 'i').test(action);
}

function granted(policy: { Statement: Statement[] }, action: string): boolean {
  return policy.Statement.some(
    (statement) =>
      statement.Effect === 'Allow' &&
      [statement.Action].flat().some((pattern) => actionMatches(pattern, action)),
  );
}

describe("README's permission policy", () => {
  const policy = readmePolicy();

  it('finds the SDK commands and paginators an adapter imports', () => {
    const source = [
      "import { DescribeStacksCommand, paginateListStacks, type Stack } from '@aws-sdk/client-cloudformation';",
      "import {\n  DeleteObjectsCommand,\n  S3Client,\n} from '@aws-sdk/client-s3';",
      "import { GetResourcesCommand } from '@aws-sdk/client-resource-groups-tagging-api';",
    ].join('\n');
    expect(actionsOfSource(source)).toEqual([
      'cloudformation:DescribeStacks',
      'cloudformation:ListStacks',
      's3:DeleteObject',
      's3:DeleteObjectVersion',
      'tag:GetResources',
    ]);
  });

  it('matches IAM wildcards the way IAM does', () => {
    expect(actionMatches('cloudformation:Describe*', 'cloudformation:DescribeStacks')).toBe(true);
    expect(actionMatches('s3:*Object', 's3:DeleteObject')).toBe(true);
    expect(actionMatches('s3:DeleteObject', 's3:DeleteObjectVersion')).toBe(false);
  });

  it('grants every AWS action the adapters call with the sandbox role', () => {
    const actions = adapterActions();
    expect(actions).toContain('cloudformation:DeleteStack');
    const missing = actions.filter(
      (action) => NOT_IN_THE_PERMISSION_POLICY[action] === undefined && !granted(policy, action),
    );
    expect(missing, "add these to README's permission policy, scoped by prefix or tags").toEqual([]);
  });

  it("grants what toolkit-lib calls with prenv's own credentials", () => {
    expect(TOOLKIT_LIB_CALLS.filter((action) => !granted(policy, action))).toEqual([]);
  });

  it('is valid IAM JSON with a Sid on every statement', () => {
    for (const statement of policy.Statement) {
      expect(statement.Sid).toMatch(/^[A-Za-z0-9]+$/);
      expect(statement.Effect).toBe('Allow');
    }
  });
});
