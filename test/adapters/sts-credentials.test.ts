import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { StsCredentials } from '../../src/adapters/sts-credentials.js';
import { CredentialsError } from '../../src/errors.js';
import type { CredentialsRequest } from '../../src/ports.js';
import { MOTO_ACCOUNT, MOTO_ENV, type Moto, startMoto } from '../support/moto.js';

const ROLE = 'arn:aws:iam::111122223333:role/prenv-sandbox';

/** Every variable the SDK's default credential chain reads, so that a test controls all of them. */
const CREDENTIAL_VARIABLES = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_PROFILE',
  'AWS_DEFAULT_PROFILE',
  'AWS_SHARED_CREDENTIALS_FILE',
  'AWS_CONFIG_FILE',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_ROLE_ARN',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_EC2_METADATA_DISABLED',
  'AWS_ENDPOINT_URL',
  'AWS_MAX_ATTEMPTS',
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
] as const;

const request = (extra: Partial<CredentialsRequest> = {}): CredentialsRequest => ({
  region: MOTO_ENV.AWS_REGION,
  sessionName: 'prenv-octo-org-invoices-pr-42',
  durationSeconds: 900,
  ...extra,
});

describe('StsCredentials', () => {
  let moto: Moto;
  let scratch: string;
  const saved = Object.fromEntries(CREDENTIAL_VARIABLES.map((name) => [name, process.env[name]]));

  /** The environment of a runner: moto as AWS, no config files, no instance metadata, plus `extra`. */
  const environment = (extra: Record<string, string>, endpoint = moto.endpoint) => {
    for (const name of CREDENTIAL_VARIABLES) delete process.env[name];
    Object.assign(process.env, {
      AWS_ENDPOINT_URL: endpoint,
      AWS_MAX_ATTEMPTS: '1',
      AWS_REGION: MOTO_ENV.AWS_REGION,
      AWS_SHARED_CREDENTIALS_FILE: join(scratch, 'no-credentials'),
      AWS_CONFIG_FILE: join(scratch, 'no-config'),
      AWS_EC2_METADATA_DISABLED: 'true',
      ...extra,
    });
  };
  const ambient = {
    AWS_ACCESS_KEY_ID: MOTO_ENV.AWS_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY: MOTO_ENV.AWS_SECRET_ACCESS_KEY,
  };

  beforeAll(async () => {
    moto = await startMoto();
    scratch = await mkdtemp(join(tmpdir(), 'prenv-sts-'));
  });

  afterEach(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  afterAll(async () => {
    await moto?.stop();
    if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
  });

  it('uses the ambient credentials as they are without a role', async () => {
    environment(ambient);

    const session = await new StsCredentials().resolve(request());

    expect(session).toEqual({
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
      region: 'eu-west-2',
      account: MOTO_ACCOUNT,
      arn: `arn:aws:sts::${MOTO_ACCOUNT}:user/moto`,
    });
  });

  it('assumes the role with AssumeRole on the ambient credentials: the session is in the role account', async () => {
    environment(ambient);

    const session = await new StsCredentials().resolve(request({ roleArn: ROLE }));

    expect(session.account).toBe('111122223333');
    expect(session.arn).toBe(
      'arn:aws:sts::111122223333:assumed-role/prenv-sandbox/prenv-octo-org-invoices-pr-42',
    );
    expect(session.credentials.accessKeyId).toMatch(/^ASIA/);
    expect(session.credentials.accessKeyId).not.toBe('testing');
    expect(session.credentials.sessionToken).toEqual(expect.any(String));
    expect(session.credentials.expiration).toBeInstanceOf(Date);
  });

  it('assumes the role with a web identity token, with no ambient credentials at all (a runner with OIDC)', async () => {
    environment({});

    const session = await new StsCredentials().resolve(
      request({
        roleArn: 'arn:aws:iam::444455556666:role/gh-oidc',
        webIdentityToken: 'eyJhbGciOi.fake.token',
      }),
    );

    expect(session.account).toBe('444455556666');
    expect(session.arn).toBe('arn:aws:sts::444455556666:assumed-role/gh-oidc/prenv-octo-org-invoices-pr-42');
    expect(session.credentials.sessionToken).toEqual(expect.any(String));
  });

  it('fails with a CredentialsError saying what to do when there are no ambient credentials', async () => {
    environment({});

    const error = await new StsCredentials().resolve(request()).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(CredentialsError);
    expect((error as Error).message).toMatch(
      /^No AWS credentials were found \(set role-to-assume, or provide credentials in the environment\): .+/,
    );
    expect((error as Error).cause).toBeInstanceOf(Error);
  });

  it('names the role and the method when AssumeRole has no credentials to start from', async () => {
    environment({});

    const error = await new StsCredentials().resolve(request({ roleArn: ROLE })).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(CredentialsError);
    expect((error as Error).message).toMatch(new RegExp(`^Could not assume ${ROLE} with AssumeRole: .+`));
  });

  it('reports a broken credential source (a profile whose credential_process fails)', async () => {
    const config = join(scratch, 'config');
    await writeFile(
      config,
      `[profile broken]\ncredential_process = sh -c "echo 'sso session expired' >&2; exit 1"\n`,
    );
    environment({ AWS_CONFIG_FILE: config, AWS_PROFILE: 'broken' });

    const error = await new StsCredentials().resolve(request()).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(CredentialsError);
    expect((error as Error).message).toMatch(
      /^No AWS credentials could be loaded for profile broken \(AWS_PROFILE\): .+/,
    );
  });

  describe('when STS refuses the credentials', () => {
    let sts: Server;
    let endpoint: string;

    beforeAll(async () => {
      sts = createServer((req, res) => {
        req.resume();
        req.on('end', () => {
          res.writeHead(403, { 'content-type': 'text/xml' });
          res.end(
            '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>' +
              '<Code>ExpiredToken</Code><Message>The security token included in the request is expired</Message>' +
              '</Error><RequestId>1</RequestId></ErrorResponse>',
          );
        });
      });
      await new Promise<void>((resolve) => sts.listen(0, '127.0.0.1', resolve));
      endpoint = `http://127.0.0.1:${(sts.address() as AddressInfo).port}`;
    });

    afterAll(async () => {
      await new Promise((resolve) => sts?.close(resolve));
    });

    it("fails GetCallerIdentity with a CredentialsError carrying STS's message", async () => {
      environment({ ...ambient, AWS_SESSION_TOKEN: 'stale' }, endpoint);

      const error = await new StsCredentials().resolve(request()).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(CredentialsError);
      expect((error as Error).message).toBe(
        'STS GetCallerIdentity failed: The security token included in the request is expired',
      );
      expect((error as Error).cause).toMatchObject({ name: 'ExpiredToken' });
    });

    it('fails AssumeRole with a CredentialsError naming the role', async () => {
      environment({ ...ambient, AWS_SESSION_TOKEN: 'stale' }, endpoint);

      const error = await new StsCredentials().resolve(request({ roleArn: ROLE })).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(CredentialsError);
      expect((error as Error).message).toBe(
        `Could not assume ${ROLE} with AssumeRole: The security token included in the request is expired`,
      );
    });
  });
});
