/**
 * openSession on fakes of the credentials and OIDC ports: which way the role is assumed, what is
 * masked, and what a user reads when it goes wrong. The STS calls themselves run on moto in
 * test/adapters/sts-credentials.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { CredentialsError } from '../../src/errors.js';
import type { Inputs } from '../../src/inputs.js';
import type { AwsSession, CredentialsPort, CredentialsRequest, OidcPort } from '../../src/ports.js';
import { credentialVariables, openSession } from '../../src/workflows/credentials.js';
import { FakeClock, FakeLog } from '../support/fake-ports.js';

const ROLE = 'arn:aws:iam::111122223333:role/prenv-sandbox';
const SESSION: AwsSession = {
  credentials: { accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'secret-key', sessionToken: 'session-token' },
  region: 'eu-west-2',
  account: '111122223333',
  arn: 'arn:aws:sts::111122223333:assumed-role/prenv-sandbox/prenv-invoices-pr-42',
};

/** The inputs openSession reads, as parseInputs gives them by default. */
function inputs(overrides: Partial<Inputs> = {}): Inputs {
  return {
    awsRegion: 'eu-west-2',
    allowedAccountIds: [],
    roleDurationSeconds: 3600,
    audience: 'sts.amazonaws.com',
    ...overrides,
  } as Inputs;
}

class FakeCredentials implements CredentialsPort {
  readonly requests: CredentialsRequest[] = [];
  constructor(
    private readonly session: AwsSession = SESSION,
    private readonly error?: Error,
  ) {}
  async resolve(request: CredentialsRequest): Promise<AwsSession> {
    this.requests.push(request);
    if (this.error !== undefined) throw this.error;
    return this.session;
  }
}

class FakeOidc implements OidcPort {
  readonly audiences: string[] = [];
  constructor(
    private readonly granted: boolean,
    private readonly error?: Error,
  ) {}
  available(): boolean {
    return this.granted;
  }
  async token(audience: string): Promise<string> {
    this.audiences.push(audience);
    if (this.error !== undefined) throw this.error;
    return 'oidc-jwt';
  }
}

function setup(options: { oidc?: FakeOidc; credentials?: FakeCredentials } = {}) {
  const ports = {
    credentials: options.credentials ?? new FakeCredentials(),
    oidc: options.oidc ?? new FakeOidc(true),
    log: new FakeLog(),
    clock: new FakeClock('2025-03-03T12:00:00Z'),
  };
  return { ...ports, ports };
}

const CONTEXT = { repository: 'acme/invoices', pullRequest: 42 };

describe('openSession', () => {
  it('assumes the role with the OIDC token for the audience, and masks every secret', async () => {
    const world = setup();

    const session = await openSession(
      inputs({ roleToAssume: ROLE, audience: 'sts.example' }),
      CONTEXT,
      world.ports,
    );

    expect(session).toMatchObject(SESSION);
    expect(world.oidc.audiences).toEqual(['sts.example']);
    expect(world.credentials.requests).toEqual([
      {
        region: 'eu-west-2',
        sessionName: 'prenv-invoices-pr-42',
        durationSeconds: 3600,
        roleArn: ROLE,
        webIdentityToken: 'oidc-jwt',
      },
    ]);
    expect(world.log.masked.sort()).toEqual(['ASIAEXAMPLE', 'oidc-jwt', 'secret-key', 'session-token']);
    expect(world.log.messages('info')).toEqual([`AWS session: ${SESSION.arn} in eu-west-2`]);
  });

  it('without id-token: write, assumes the role with the ambient credentials (no token asked for)', async () => {
    const world = setup({ oidc: new FakeOidc(false) });

    await openSession(inputs({ roleToAssume: ROLE, roleSessionName: 'my-session' }), CONTEXT, world.ports);

    expect(world.oidc.audiences).toEqual([]);
    expect(world.credentials.requests).toEqual([
      { region: 'eu-west-2', sessionName: 'my-session', durationSeconds: 3600, roleArn: ROLE },
    ]);
  });

  it('without role-to-assume, takes the ambient credentials as they are, even with a token available', async () => {
    const credentials = new FakeCredentials({
      ...SESSION,
      credentials: { accessKeyId: 'AKIA', secretAccessKey: 's' },
    });
    const world = setup({ credentials });

    await openSession(inputs(), { repository: 'acme/invoices' }, world.ports);

    expect(world.oidc.audiences).toEqual([]);
    // Exactly these keys: no roleArn at all when there is no role to assume.
    expect(credentials.requests).toStrictEqual([
      { region: 'eu-west-2', sessionName: 'prenv-invoices-sweep', durationSeconds: 3600 },
    ]);
    expect(world.log.masked.sort()).toEqual(['AKIA', 's']);
  });

  it('an OIDC token that cannot be had fails naming the audience and the permission, keeping the cause', async () => {
    const cause = new Error('403 from the token endpoint');
    const world = setup({ oidc: new FakeOidc(true, cause) });

    const error = await openSession(inputs({ roleToAssume: ROLE }), CONTEXT, world.ports).catch((e) => e);

    expect(error).toBeInstanceOf(CredentialsError);
    expect(error.message).toBe(
      'Could not get a GitHub OIDC token for audience sts.amazonaws.com: 403 from the token endpoint. ' +
        'The job needs `permissions: id-token: write`.',
    );
    expect(error.cause).toBe(cause);
    expect(world.credentials.requests).toEqual([]);
  });

  it('AssumeRole refused without a token says OIDC was not available and how to enable it', async () => {
    const cause = new Error('User is not authorized to perform: sts:AssumeRole');
    const world = setup({ oidc: new FakeOidc(false), credentials: new FakeCredentials(SESSION, cause) });

    const error = await openSession(inputs({ roleToAssume: ROLE }), CONTEXT, world.ports).catch((e) => e);

    expect(error).toBeInstanceOf(CredentialsError);
    expect(error.message).toContain(
      'User is not authorized to perform: sts:AssumeRole. No GitHub OIDC token',
    );
    expect(error.message).toContain('give the job `permissions: id-token: write`');
    expect(error.cause).toBe(cause);
  });

  it.each([
    ['with an OIDC token', { roleToAssume: ROLE }, true],
    ['without a role', {}, false],
  ] as const)('a refusal %s is passed on as STS said it', async (_, overrides, granted) => {
    const cause = new Error('InvalidIdentityToken');
    const world = setup({ oidc: new FakeOidc(granted), credentials: new FakeCredentials(SESSION, cause) });

    await expect(openSession(inputs(overrides), CONTEXT, world.ports)).rejects.toBe(cause);
  });

  it('refuses an account that is not in allowed-account-ids, naming it and the allowed ones', async () => {
    const world = setup();

    const error = await openSession(
      inputs({ roleToAssume: ROLE, allowedAccountIds: ['444455556666', '777788889999'] }),
      CONTEXT,
      world.ports,
    ).catch((e) => e);

    expect(error).toBeInstanceOf(CredentialsError);
    expect(error.message).toContain(
      'AWS account 111122223333, which is not in allowed-account-ids (444455556666, 777788889999)',
    );
    expect(error.message).toMatch(
      /prenv refuses to touch it\. Fix role-to-assume, or add the account to allowed-account-ids if it really is a sandbox\.$/,
    );
    expect(world.log.messages('info')).toEqual([]);
  });

  it('accepts an account that is in allowed-account-ids', async () => {
    const world = setup();

    await expect(
      openSession(inputs({ allowedAccountIds: ['444455556666', '111122223333'] }), CONTEXT, world.ports),
    ).resolves.toMatchObject(SESSION);
  });
});

describe('openSession: renewing the session', () => {
  const EXPIRING = { ...SESSION.credentials, expiration: new Date('2025-03-03T12:30:00Z') };

  /** Answers each resolve with the next session. */
  class SequencedCredentials extends FakeCredentials {
    constructor(private readonly sessions: AwsSession[]) {
      super();
    }
    override async resolve(request: CredentialsRequest): Promise<AwsSession> {
      this.requests.push(request);
      return this.sessions[Math.min(this.requests.length, this.sessions.length) - 1] as AwsSession;
    }
  }

  it('renews with a new OIDC token, and refuses renewed credentials for another account', async () => {
    const renewed = { ...SESSION, credentials: { ...EXPIRING, accessKeyId: 'ASIARENEWED' } };
    const elsewhere = { ...SESSION, account: '999988887777' };
    const credentials = new SequencedCredentials([{ ...SESSION, credentials: EXPIRING }, renewed, elsewhere]);
    const world = setup({ credentials });
    const session = await openSession(inputs({ roleToAssume: ROLE }), CONTEXT, world.ports);

    const current = session.current as NonNullable<AwsSession['current']>;
    await world.clock.sleep(25 * 60_000);
    expect((await current()).accessKeyId).toBe('ASIARENEWED');
    expect(credentials.requests[1]).toEqual({ ...credentials.requests[0], webIdentityToken: 'oidc-jwt' });
    expect(credentials.requests[1]).toHaveProperty('webIdentityToken', 'oidc-jwt');

    expect((await current({ validForMs: 60 * 60_000 })).accessKeyId).toBe('ASIARENEWED');
    expect(world.log.messages('warning')).toEqual([
      'Could not renew the AWS credentials (The renewed credentials are for account 999988887777, ' +
        'not 111122223333); using them until they expire',
    ]);
  });
});

describe('credentialVariables', () => {
  it('gives the standard AWS variables, the session token only when there is one', () => {
    expect(credentialVariables(SESSION)).toEqual({
      AWS_ACCESS_KEY_ID: 'ASIAEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'secret-key',
      AWS_SESSION_TOKEN: 'session-token',
      AWS_REGION: 'eu-west-2',
      AWS_DEFAULT_REGION: 'eu-west-2',
    });
    expect(
      credentialVariables({ ...SESSION, credentials: { accessKeyId: 'AKIA', secretAccessKey: 's' } }),
    ).not.toHaveProperty('AWS_SESSION_TOKEN');
  });
});
