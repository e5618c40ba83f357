import { afterEach, describe, expect, it } from 'vitest';
import { SynthError } from '../../src/errors.js';
import type { Inputs } from '../../src/inputs.js';
import { synthesize } from '../../src/workflows/deploy-synth.js';
import { deployParts, removeDeployPartsDirs, SHA } from '../support/deploy-parts.js';
import { FakeCdk, type FakeSynthStack } from '../support/fake-ports.js';

afterEach(removeDeployPartsDirs);

async function world(stacks: readonly FakeSynthStack[], inputs: Partial<Inputs> = {}) {
  const cdk = new FakeCdk({ stacks });
  const parts = await deployParts({ cdk, inputs });
  return { ...parts, cdk, synth: () => synthesize(parts.request, parts.ports) };
}

const CONTEXT = {
  'prenv:name': 'pr-42',
  'prenv:pull-request': '42',
  'prenv:sha': SHA,
};

describe('synthesize', () => {
  it('runs the app in app-dir, in a log group, with the environment in its context', async () => {
    const w = await world([{ name: 'pr-42-api' }], { context: { stage: 'preview' } });
    const assembly = await w.synth();
    expect(assembly.stacks.map((stack) => stack.name)).toStrictEqual(['pr-42-api']);
    expect(w.log.groups).toStrictEqual(['Synthesize the CDK app in /ws/app']);
    expect(w.cdk.synthCalls).toStrictEqual([
      { appDir: '/ws/app', context: { stage: 'preview', ...CONTEXT } },
    ]);
    expect(w.cdk.disposed).toBe(0);
  });

  it('passes the app input on when it is set', async () => {
    const w = await world([{ name: 'pr-42-api' }], { app: 'npx tsx bin/app.ts' });
    await w.synth();
    expect(w.cdk.synthCalls).toStrictEqual([
      { appDir: '/ws/app', app: 'npx tsx bin/app.ts', context: CONTEXT },
    ]);
  });

  it('refuses stacks outside the environment’s prefix, naming them and how to name stacks', async () => {
    const w = await world([{ name: 'pr-42-api' }, { name: 'shared-db' }, { name: 'pr-420-api' }]);
    const error = await w.synth().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SynthError);
    expect((error as Error).message).toBe(
      'prenv deploys only stacks named "pr-42-…", so one PR can never touch another PR\'s or a shared stack. ' +
        'These stacks are outside that prefix: shared-db, pr-420-api. Name every stack from the CDK context ' +
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the message shows JavaScript source
        "value prenv:name, e.g. new Stack(app, `${app.node.tryGetContext('prenv:name')}-api`).",
    );
    expect(w.cdk.disposed).toBe(1);
  });

  it('refuses stacks pinned to another account or region, naming each pin', async () => {
    const w = await world([
      { name: 'pr-42-api', account: '111122223333', region: 'eu-west-2' },
      { name: 'pr-42-edge', region: 'us-east-1' },
      { name: 'pr-42-audit', account: '999988887777' },
    ]);
    const error = await w.synth().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SynthError);
    expect((error as Error).message).toBe(
      'These stacks are pinned to another account or region than the sandbox session (111122223333, eu-west-2): ' +
        'pr-42-edge (any account, us-east-1), pr-42-audit (999988887777, any region). ' +
        'prenv deploys only to the account it checked against allowed-account-ids and to aws-region: leave env ' +
        'unset, or use process.env.CDK_DEFAULT_ACCOUNT and CDK_DEFAULT_REGION.',
    );
    expect(w.cdk.disposed).toBe(1);
  });
});
