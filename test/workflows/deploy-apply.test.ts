import { afterEach, describe, expect, it } from 'vitest';
import { templateHash } from '../../src/domain/fingerprint.js';
import { DeployError } from '../../src/errors.js';
import type { Assembly, CdkPort, DeployProgress, StackToDeploy, SynthesizedStack } from '../../src/ports.js';
import { applyChanges } from '../../src/workflows/deploy-apply.js';
import type { DeployPlan } from '../../src/workflows/deploy-inspect.js';
import { deployParts, NOW, removeDeployPartsDirs, SHA } from '../support/deploy-parts.js';
import { fakeTemplate } from '../support/fake-ports.js';

afterEach(removeDeployPartsDirs);

/** A CDK toolkit whose deploy emits a scripted list of progress events, then fails or returns. */
class ScriptedCdk implements CdkPort {
  readonly deployCalls: { stacks: readonly StackToDeploy[]; method: string }[] = [];
  readonly bootstrapCalls: [string, string][] = [];

  constructor(
    private readonly events: readonly DeployProgress[] = [],
    private readonly failure?: Error,
  ) {}

  async synth(): Promise<Assembly> {
    throw new Error('not used');
  }
  async diff(): Promise<never> {
    throw new Error('not used');
  }
  async bootstrap(account: string, region: string): Promise<void> {
    this.bootstrapCalls.push([account, region]);
  }
  async deploy(
    _assembly: Assembly,
    stacks: readonly StackToDeploy[],
    options: { method: string; onProgress: (event: DeployProgress) => void },
  ): Promise<void> {
    this.deployCalls.push({ stacks, method: options.method });
    for (const event of this.events) options.onProgress(event);
    if (this.failure !== undefined) throw this.failure;
  }
}

const NAMES = ['pr-42-data', 'pr-42-api', 'pr-42-web'];
const synthesized: SynthesizedStack[] = NAMES.map((name) => ({
  name,
  dependencies: [],
  fingerprint: `fp-${name}`,
}));
const assembly: Assembly = { stacks: synthesized, dispose: async () => undefined };

function plan(changed: readonly string[]): DeployPlan {
  return {
    existing: new Map(),
    changed: changed.map((name) => ({ name, tags: { 'prenv:environment': 'pr-42' } })),
    tags: {},
    state: { schema: 1, stacks: {} },
    templates: new Map(),
  };
}

/** The parts, with each app stack live in the fake CloudFormation (the state records read its template). */
async function world(cdk: CdkPort, inputs: { bootstrap?: boolean } = {}) {
  const parts = await deployParts({ cdk, inputs });
  for (const name of NAMES) parts.stacks.add({ name });
  return parts;
}

/** The state record of a stack deployed (or hotswapped) by this run. */
function recordOf(name: string, via: 'deploy' | 'hotswap' = 'deploy') {
  return {
    fingerprint: `fp-${name}`,
    templateHash: templateHash(fakeTemplate(name)),
    sha: SHA,
    deployedAt: NOW,
    via,
  };
}

describe('applyChanges', () => {
  it('nothing changed: says so, and writes nothing', async () => {
    const cdk = new ScriptedCdk();
    const w = await world(cdk);
    await applyChanges(assembly, plan([]), w.request, w.ports, w.record);
    expect(w.log.lines).toStrictEqual([
      { level: 'info', message: 'No stack changed since the last deploy: nothing to deploy.' },
    ]);
    expect(cdk.deployCalls).toStrictEqual([]);
    expect(w.state.calls).toStrictEqual([]);
    expect(w.step.stateHistory).toStrictEqual([]);
    expect(w.record.deployedAny).toBe(false);
  });

  it('deploys the changed stacks in one group, logs each stack’s time, and records each in the state before it returns', async () => {
    const cdk = new ScriptedCdk([
      { code: 'assets-published', ms: 300 },
      { code: 'stack-started', stack: 'pr-42-data' },
      { code: 'stack-deployed', stack: 'pr-42-data', ms: 1200, noOp: false },
      { code: 'stack-deployed', stack: 'pr-42-api', ms: 40, noOp: true },
      {
        code: 'stack-deployed',
        stack: 'pr-42-web',
        ms: 900,
        noOp: false,
        hotswapped: [{ type: 'AWS::Lambda::Function', properties: ['Code'] }],
      },
    ]);
    const w = await world(cdk);
    const changed = plan(NAMES);
    await applyChanges(assembly, changed, w.request, w.ports, w.record);

    expect(cdk.deployCalls).toStrictEqual([{ stacks: changed.changed, method: 'direct' }]);
    expect(w.log.groups).toStrictEqual(['Deploy pr-42-data, pr-42-api, pr-42-web']);
    expect(w.log.lines).toStrictEqual([
      { level: 'info', message: 'assets published in 300 ms' },
      { level: 'info', message: 'pr-42-data: deployed in 1200 ms' },
      { level: 'info', message: 'pr-42-api: deployed in 40 ms (no changes)' },
      {
        level: 'info',
        message: "pr-42-web: hotswapped 1 Lambda function's code in 900 ms (no CloudFormation deployment)",
      },
    ]);
    expect(w.record.stackReports()).toStrictEqual([
      { name: 'pr-42-data', outcome: 'deployed' },
      { name: 'pr-42-api', outcome: 'deployed' },
      { name: 'pr-42-web', outcome: 'hotswapped', hotswapped: "1 Lambda function's code" },
    ]);
    expect(w.record.deployedAny).toBe(true);
    expect(w.state.documents.get('pr-42')?.stacks).toStrictEqual({
      'pr-42-data': recordOf('pr-42-data'),
      'pr-42-api': recordOf('pr-42-api'),
      'pr-42-web': recordOf('pr-42-web', 'hotswap'),
    });
    expect(w.step.savedStates('prenv-run')).toStrictEqual([
      { phase: 'deploying', environment: 'pr-42', pullRequest: 42, sha: SHA, stacks: NAMES },
    ]);
  });

  it('a stack the toolkit reported nothing for is deployed when the deploy returns; a hotswapped one stays hotswapped', async () => {
    const cdk = new ScriptedCdk([
      {
        code: 'stack-deployed',
        stack: 'pr-42-web',
        ms: 900,
        noOp: false,
        hotswapped: [{ type: 'AWS::Lambda::Function', properties: ['Code'] }],
      },
    ]);
    const w = await world(cdk);
    await applyChanges(assembly, plan(['pr-42-data', 'pr-42-web']), w.request, w.ports, w.record);
    expect(w.record.stackReports()).toStrictEqual([
      { name: 'pr-42-web', outcome: 'hotswapped', hotswapped: "1 Lambda function's code" },
      { name: 'pr-42-data', outcome: 'deployed' },
    ]);
    expect(w.state.documents.get('pr-42')?.stacks).toStrictEqual({
      'pr-42-data': recordOf('pr-42-data'),
      'pr-42-web': recordOf('pr-42-web', 'hotswap'),
    });
  });

  it('a failed deploy keeps the state of the stacks that made it, written before the error is passed on', async () => {
    const error = new DeployError('Resource limit exceeded', 'pr-42-api');
    const cdk = new ScriptedCdk(
      [
        { code: 'stack-deployed', stack: 'pr-42-data', ms: 1200, noOp: false },
        { code: 'stack-failed', stack: 'pr-42-api', reason: 'Resource limit exceeded' },
      ],
      error,
    );
    const w = await world(cdk);
    await expect(
      applyChanges(assembly, plan(['pr-42-data', 'pr-42-api']), w.request, w.ports, w.record),
    ).rejects.toBe(error);
    expect(w.record.stackReports()).toStrictEqual([
      { name: 'pr-42-data', outcome: 'deployed' },
      { name: 'pr-42-api', outcome: 'failed' },
    ]);
    expect(w.record.deployedAny).toBe(false);
    expect(w.state.documents.get('pr-42')?.stacks).toStrictEqual({ 'pr-42-data': recordOf('pr-42-data') });
  });
});

describe('applyChanges with bootstrap: true', () => {
  it.each(['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE'])(
    'a CDKToolkit stack in %s is bootstrapped already: no bootstrap',
    async (status) => {
      const cdk = new ScriptedCdk();
      const w = await world(cdk, { bootstrap: true });
      w.stacks.add({ name: 'CDKToolkit', status });
      await applyChanges(assembly, plan(['pr-42-data']), w.request, w.ports, w.record);
      expect(cdk.bootstrapCalls).toStrictEqual([]);
      expect(w.log.groups).toStrictEqual(['Deploy pr-42-data']);
      expect(w.log.lines[0]).toStrictEqual({
        level: 'info',
        message: `aws://111122223333/eu-west-2 is bootstrapped (CDKToolkit ${status})`,
      });
    },
  );

  it.each([
    ['no CDKToolkit stack', undefined],
    ['CDKToolkit CREATE_FAILED', 'CREATE_FAILED'],
    ['CDKToolkit UPDATE_ROLLBACK_FAILED', 'UPDATE_ROLLBACK_FAILED'],
    ['CDKToolkit ROLLBACK_COMPLETE', 'ROLLBACK_COMPLETE'],
  ])('%s: bootstraps the session’s account and region before the deploy', async (_, status) => {
    const cdk = new ScriptedCdk();
    const w = await world(cdk, { bootstrap: true });
    if (status !== undefined) w.stacks.add({ name: 'CDKToolkit', status });
    await applyChanges(assembly, plan(['pr-42-data']), w.request, w.ports, w.record);
    expect(cdk.bootstrapCalls).toStrictEqual([['111122223333', 'eu-west-2']]);
    expect(w.log.groups).toStrictEqual(['Bootstrap aws://111122223333/eu-west-2', 'Deploy pr-42-data']);
    expect(w.log.messages('info')).toStrictEqual([]);
  });

  it('without bootstrap: true the CDKToolkit stack is not even read', async () => {
    const cdk = new ScriptedCdk();
    const w = await world(cdk);
    await applyChanges(assembly, plan(['pr-42-data']), w.request, w.ports, w.record);
    expect(cdk.bootstrapCalls).toStrictEqual([]);
    expect(w.stacks.callsOf('get')).toStrictEqual([]);
  });
});
