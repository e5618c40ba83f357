/**
 * The infrastructure diff computed by cloudformation-diff on the templates prenv read, without
 * toolkit-lib: the same changes and the same text as toolkit-lib's diff gave for one assembly
 * (test/fixtures/template-diff: IAM, a security group, a replaced table, CDK metadata, a rule, a
 * path only the manifest's metadata knows, non-ASCII text), and no toolkit-lib load on the way.
 */
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IoMessage } from '@aws-cdk/toolkit-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DirectoryAssembly, readAssembly } from '../../src/adapters/cdk-assembly.js';
import { stackChanges } from '../../src/adapters/cdk-diff.js';
import { CdkToolkit } from '../../src/adapters/cdk-toolkit.js';
import { diffStacks, formatStackDiff } from '../../src/adapters/template-diff.js';
import type { StackChanges } from '../../src/domain/infra-diff.js';
import { DiffError } from '../../src/errors.js';
import type { AwsSession } from '../../src/ports.js';
import { FakeLog } from '../support/fake-ports.js';
import { ROOT } from '../support/run-action.js';

const FIXTURE = join(ROOT, 'test/fixtures/template-diff');
const STACK = 'pr-42-api';
const session = { account: '111122223333', region: 'eu-west-2' } as AwsSession;

let dir: string;
let assembly: DirectoryAssembly;
let old: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'prenv-template-diff-'));
  await cp(FIXTURE, dir, { recursive: true });
  assembly = await readAssembly(dir);
  old = await readFile(join(dir, 'old.template.json'), 'utf8');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** What toolkit-lib's diff (DiffMethod.LocalFile, the same comparison) made of the fixture. */
async function toolkitLibChanges(): Promise<StackChanges> {
  const lib = await import('@aws-cdk/toolkit-lib');
  let text = '';
  const toolkit = new lib.Toolkit({
    color: false,
    emojis: false,
    ioHost: {
      notify: async (message: IoMessage<unknown>) => {
        if (message.code !== 'CDK_TOOLKIT_I4002') return;
        text = (message.data as { formattedDiff: { diff: string } }).formattedDiff.diff;
      },
      requestResponse: async (request) => request.defaultResponse,
    },
  });
  const source = await toolkit.fromAssemblyDirectory(dir);
  const diffs = await toolkit.diff(source, {
    stacks: { strategy: lib.StackSelectionStrategy.PATTERN_MUST_MATCH, patterns: ['Api'] },
    method: lib.DiffMethod.LocalFile(join(dir, 'old.template.json')),
  });
  const [diff] = Object.values(diffs);
  if (diff === undefined) throw new Error('toolkit-lib diffed nothing');
  return stackChanges(STACK, diff, text);
}

describe('the diff without toolkit-lib', { timeout: 60_000 }, () => {
  it('finds the changes and writes the text toolkit-lib wrote for the same templates', async () => {
    const expected = await toolkitLibChanges();
    const [actual] = (await diffStacks(assembly, [STACK], new Map([[STACK, old]]), session)).stacks;
    // toolkit-lib shows no environment for a diff against a local file; against the live template
    // it shows the stack's resolved one, as prenv does for both.
    expect(actual?.text.split('\n')[0]).toBe('Stack Api (pr-42-api) (aws://111122223333/eu-west-2)');
    expect({ ...actual, text: actual?.text.replace(' (aws://111122223333/eu-west-2)', '') }).toEqual(
      expected,
    );
    // The fixture exercises what the formatter does beyond fullDiff.
    expect(expected.text).toContain('IAM Statement Changes');
    expect(expected.text).toContain('Security Group Changes');
    expect(expected.text).toContain('replace');
    expect(expected.text).not.toContain('AWS::CDK::Metadata');
    expect(expected.text).not.toContain('CheckBootstrapVersion');
    // A path only the manifest's metadata knows (JobsQueue has no aws:cdk:path).
    expect(expected.text).toContain('AWS::SQS::Queue Jobs/Queue JobsQueue');
    expect(expected.resources).toContainEqual({
      logicalId: 'Invoices',
      type: 'AWS::DynamoDB::Table',
      kind: 'replaced',
    });
  });

  it('compares a stack without a base with an empty template: all of it is new', async () => {
    const [changes] = (await diffStacks(assembly, [STACK], new Map(), session)).stacks;
    expect(changes?.resources.every((resource) => resource.kind === 'added')).toBe(true);
    expect(changes?.resources.map((resource) => resource.logicalId)).toContain('Handler');
  });

  it('says so when there is nothing to show but CDK metadata', () => {
    const template = JSON.parse(old) as Record<string, unknown>;
    const metadataOnly = JSON.parse(old.replace('v2:deflate64:OLD', 'v2:deflate64:NEW')) as Record<
      string,
      unknown
    >;
    const { text } = formatStackDiff({
      displayName: STACK,
      oldTemplate: template,
      newTemplate: metadataOnly,
    });
    expect(text).toContain(`Stack ${STACK}\nThere were no differences (CDK metadata changes were hidden`);
  });

  it('fails with a DiffError naming the cause when a base is not a template', async () => {
    const failed = diffStacks(assembly, [STACK], new Map([[STACK, 'Resources: {}']]), session);
    await expect(failed).rejects.toBeInstanceOf(DiffError);
    await expect(failed).rejects.toThrow(/Could not compare the stacks with their live templates: .*JSON/);
  });
});

describe('CdkToolkit.lazy diff', () => {
  it('diffs a push without loading toolkit-lib', async () => {
    let loads = 0;
    const create = (async () => {
      loads++;
      throw new Error('toolkit-lib loaded for a diff');
    }) as unknown as typeof CdkToolkit.create;
    const cdk = CdkToolkit.lazy(session, new FakeLog(), {}, {}, create);
    const changes = await cdk.diff(assembly, [STACK], new Map([[STACK, old]]));
    expect(loads).toBe(0);
    expect(changes.stacks.map((stack) => stack.stack)).toEqual([STACK]);
  });
});
