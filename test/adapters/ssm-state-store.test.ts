import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SsmStateStore } from '../../src/adapters/ssm-state-store.js';
import type { EnvironmentState } from '../../src/domain/state.js';
import { StateStoreError } from '../../src/errors.js';
import { MOTO_ENV, type Moto, startMoto } from '../support/moto.js';

const session = {
  region: MOTO_ENV.AWS_REGION,
  credentials: { accessKeyId: MOTO_ENV.AWS_ACCESS_KEY_ID, secretAccessKey: MOTO_ENV.AWS_SECRET_ACCESS_KEY },
};

const STATE: EnvironmentState = {
  schema: 1,
  stacks: {
    'pr-42-api': {
      fingerprint: 'a'.repeat(32),
      templateHash: 'b'.repeat(32),
      sha: 'c'.repeat(40),
      deployedAt: '2025-03-03T12:00:00Z',
      via: 'deploy',
    },
  },
};

describe('SsmStateStore on moto', () => {
  let moto: Moto;
  let saved: string | undefined;
  let ssm: SSMClient;
  let store: SsmStateStore;

  beforeAll(async () => {
    moto = await startMoto();
    saved = process.env.AWS_ENDPOINT_URL;
    process.env.AWS_ENDPOINT_URL = moto.endpoint;
    ssm = new SSMClient({ ...session, endpoint: moto.endpoint });
  });
  afterAll(async () => {
    ssm?.destroy();
    if (saved === undefined) delete process.env.AWS_ENDPOINT_URL;
    else process.env.AWS_ENDPOINT_URL = saved;
    await moto?.stop();
  });
  beforeEach(async () => {
    await moto.reset();
    store = new SsmStateStore(session, 'acme/invoices');
  });

  it('reads nothing for an environment never written', async () => {
    expect(await store.read('pr-42')).toBeUndefined();
  });

  it('writes a String parameter under /prenv/<owner>/<repo>/<environment> and reads it back', async () => {
    await store.write('pr-42', STATE);

    expect(await store.read('pr-42')).toEqual(STATE);
    const { Parameter } = await ssm.send(new GetParameterCommand({ Name: '/prenv/acme/invoices/pr-42' }));
    expect(Parameter?.Type).toBe('String');
    expect(JSON.parse(Parameter?.Value ?? '')).toEqual(STATE);
    // Another repository's environment of the same name is another parameter.
    expect(await new SsmStateStore(session, 'acme/payments').read('pr-42')).toBeUndefined();
  });

  it('overwrites on every write (one parameter, new versions)', async () => {
    await store.write('pr-42', STATE);
    const next = { ...STATE, stacks: { ...STATE.stacks, 'pr-42-data': { ...STATE.stacks['pr-42-api'] } } };
    await store.write('pr-42', next as EnvironmentState);

    expect(Object.keys((await store.read('pr-42'))?.stacks ?? {})).toEqual(['pr-42-api', 'pr-42-data']);
  });

  it('holds the records of 30 stacks (past the 4 KB standard tier)', async () => {
    const record = STATE.stacks['pr-42-api'];
    const stacks = Object.fromEntries(
      Array.from({ length: 30 }, (_, i) => [`pr-42-service-number-${i}`, record]),
    );
    const big = { schema: 1, stacks } as EnvironmentState;
    expect(JSON.stringify(big).length).toBeGreaterThan(4096);

    await store.write('pr-42', big);

    expect(Object.keys((await store.read('pr-42'))?.stacks ?? {})).toHaveLength(30);
  });

  it('deletes, and deleting again (or what never existed) is success', async () => {
    await store.write('pr-42', STATE);

    await store.delete('pr-42');
    await store.delete('pr-42');

    expect(await store.read('pr-42')).toBeUndefined();
  });

  it('reads a document of another schema as no state', async () => {
    await store.write('pr-42', { schema: 2, stacks: {} } as unknown as EnvironmentState);

    expect(await store.read('pr-42')).toBeUndefined();
  });

  it('wraps failures in StateStoreError naming the parameter', async () => {
    process.env.AWS_ENDPOINT_URL = 'http://localhost:1';
    process.env.AWS_MAX_ATTEMPTS = '1';
    try {
      const failing = new SsmStateStore(session, 'acme/invoices');
      const error = await failing.read('pr-42').catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(StateStoreError);
      expect((error as Error).message).toContain('/prenv/acme/invoices/pr-42');
      expect((error as Error).cause).toBeDefined();
    } finally {
      process.env.AWS_ENDPOINT_URL = moto.endpoint;
      delete process.env.AWS_MAX_ATTEMPTS;
    }
  });
});
