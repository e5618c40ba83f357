import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CloudFormationStacks } from '../../src/adapters/cloudformation-stacks.js';
import { settleIntervalMs } from '../../src/adapters/polling.js';
import type { Clock } from '../../src/ports.js';
import { type AwsProxy, startAwsProxy } from '../support/aws-proxy.js';
import { MOTO_ENV, type Moto, startMoto } from '../support/moto.js';
import { stackOperationsInProgress } from '../support/realism/stack-operations.js';

const TEMPLATE = JSON.stringify({ Resources: { Queue: { Type: 'AWS::SQS::Queue' } } });
const credentials = {
  accessKeyId: MOTO_ENV.AWS_ACCESS_KEY_ID,
  secretAccessKey: MOTO_ENV.AWS_SECRET_ACCESS_KEY,
};

let moto: Moto;
let proxy: AwsProxy;
let restore: string | undefined;

beforeAll(async () => {
  moto = await startMoto();
  proxy = await startAwsProxy(moto.endpoint);
  restore = process.env.AWS_ENDPOINT_URL;
  process.env.AWS_ENDPOINT_URL = proxy.endpoint;
});
afterAll(async () => {
  if (restore === undefined) delete process.env.AWS_ENDPOINT_URL;
  else process.env.AWS_ENDPOINT_URL = restore;
  await proxy?.close();
  await moto?.stop();
});

/** Creates stacks on moto directly (not through the proxy); their ids. */
async function createStacks(...names: string[]): Promise<string[]> {
  const cfn = new CloudFormationClient({ region: MOTO_ENV.AWS_REGION, endpoint: moto.endpoint, credentials });
  try {
    const ids: string[] = [];
    for (const name of names) {
      const { StackId } = await cfn.send(new CreateStackCommand({ StackName: name, TemplateBody: TEMPLATE }));
      ids.push(StackId ?? '');
    }
    return ids;
  } finally {
    cfn.destroy();
  }
}

/** A hand-moved clock: each sleep moves it on at once (nothing here sleeps), and is recorded. */
function handClock(start: number) {
  const state = { now: start, sleeps: [] as number[] };
  const clock: Clock = {
    now: () => new Date(state.now),
    sleep: async (ms) => {
      state.sleeps.push(ms);
      state.now += ms;
    },
  };
  return { state, clock };
}

/** The proxy keeps every delete DELETE_IN_PROGRESS for 40 CloudFormation seconds of `now`. */
function fortySecondDeletes(now: () => number) {
  const operations = stackOperationsInProgress({ msPerSecond: 1000, seconds: { delete: 40 }, now });
  proxy.configure({ realism: [operations] });
  return operations;
}

const adapter = (clock: Clock) =>
  new CloudFormationStacks({ region: MOTO_ENV.AWS_REGION, credentials }, clock);

describe('CloudFormationStacks polling a stack in progress, with the defaults (real AWS)', () => {
  afterEach(() => proxy.configure({}));

  it('notices the end of a 40 s delete within 1.5 s, reading under once a second', async () => {
    // CloudFormation's time and prenv's sleeps run on one hand-moved clock.
    const [id = ''] = await createStacks('pr-5-api');
    const { state, clock } = handClock(1_000_000);
    const operations = fortySecondDeletes(() => state.now);
    const stacks = adapter(clock);

    await stacks.delete(id);
    expect(await stacks.settle(id, 600_000)).toBeUndefined();

    const [window] = operations.windows;
    expect(window?.status).toBe('DELETE_IN_PROGRESS');
    const lag = state.now - (window?.endsAt ?? 0);
    expect(lag).toBeGreaterThanOrEqual(0);
    expect(lag).toBeLessThanOrEqual(1_500);
    expect((window?.reads ?? 0) / 40).toBeLessThanOrEqual(1);
    expect(new Set(state.sleeps)).toEqual(new Set([1_500]));
  });

  it('spaces the reads of six stacks deleting at once to 2 reads per second together', async () => {
    const ids = await createStacks(...[1, 2, 3, 4, 5, 6].map((i) => `pr-6${i}-api`));
    // A virtual clock that moves only when every wait sleeps: then to the earliest wake-up.
    let now = 2_000_000;
    let running = ids.length;
    const sleepers: { at: number; wake: () => void }[] = [];
    const sleeps: number[] = [];
    const advance = () => {
      if (running === 0 || sleepers.length < running) return;
      sleepers.sort((a, b) => a.at - b.at);
      const next = sleepers.shift();
      if (next === undefined) return;
      now = Math.max(now, next.at);
      next.wake();
    };
    const clock: Clock = {
      now: () => new Date(now),
      sleep: (ms) =>
        new Promise<void>((wake) => {
          sleeps.push(ms);
          sleepers.push({ at: now + ms, wake });
          advance();
        }),
    };
    const operations = fortySecondDeletes(() => now);
    const stacks = adapter(clock);

    for (const id of ids) await stacks.delete(id);
    const settled = await Promise.all(
      ids.map((id) =>
        stacks.settle(id, 600_000).finally(() => {
          running--;
          advance();
        }),
      ),
    );

    expect(settled).toEqual(ids.map(() => undefined));
    expect(operations.windows).toHaveLength(6);
    // Each stack read every 3 s (six waits, 2 reads/s together); at 1.5 s each they would read 4/s.
    expect(new Set(sleeps)).toEqual(new Set([settleIntervalMs(6)]));
    expect(settleIntervalMs(6)).toBe(3_000);
    const reads = operations.windows.reduce((sum, window) => sum + window.reads, 0);
    expect(reads / 40).toBeLessThanOrEqual(2 + 6 / 40);
    for (const window of operations.windows) expect(now - window.endsAt).toBeLessThanOrEqual(3_000);
  });

  it('sleeps no further than its deadline: a 2 s wait reads at 0, 1.5 s and 2 s, then answers in progress', async () => {
    const [id = ''] = await createStacks('pr-8-api');
    const { state, clock } = handClock(3_000_000);
    fortySecondDeletes(() => state.now);
    const stacks = adapter(clock);

    await stacks.delete(id);
    const settled = await stacks.settle(id, 2_000);

    expect(settled?.status).toBe('DELETE_IN_PROGRESS');
    expect(state.sleeps).toEqual([1_500, 500]);
  });
});
