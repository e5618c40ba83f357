import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { awsHttpAgent } from '../../src/adapters/aws-config.js';
import { CloudFormationStacks } from '../../src/adapters/cloudformation-stacks.js';
import { StsCredentials } from '../../src/adapters/sts-credentials.js';
import { systemClock } from '../../src/adapters/system-clock.js';
import { CredentialsError } from '../../src/errors.js';
import { MOTO_ACCOUNT, MOTO_ENV, type Moto, startMoto } from '../support/moto.js';
import { type RecordingProxy, startRecordingProxy } from '../support/recording-proxy.js';

// A self-hosted runner behind a proxy: the AWS endpoint has a name that does not resolve
// (moto.prenv.invalid), so only the recording proxy can reach it (it routes *.invalid to 127.0.0.1).
const HOST = 'moto.prenv.invalid';
const VARIABLES = [
  ...Object.keys(MOTO_ENV),
  'AWS_ENDPOINT_URL',
  'AWS_MAX_ATTEMPTS',
  'AWS_CA_BUNDLE',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'ALL_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'all_proxy',
  'no_proxy',
];

let moto: Moto;
let proxy: RecordingProxy;
let tls: Server;
let tlsPort = 0;
let certDir = '';
const saved: Record<string, string | undefined> = {};

beforeAll(async () => {
  [moto, proxy] = await Promise.all([startMoto(), startRecordingProxy()]);
  // moto behind TLS with a certificate for moto.prenv.invalid that only AWS_CA_BUNDLE trusts.
  certDir = await mkdtemp(join(tmpdir(), 'prenv-ca-'));
  execFileSync(
    'openssl',
    [
      ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', `/CN=${HOST}`],
      ...['-addext', `subjectAltName=DNS:${HOST}`, '-keyout', join(certDir, 'key.pem')],
      ...['-out', join(certDir, 'cert.pem')],
    ],
    { stdio: 'ignore' },
  );
  tls = createServer(
    { key: await readFile(join(certDir, 'key.pem')), cert: await readFile(join(certDir, 'cert.pem')) },
    (request, response) => {
      const upstream = httpRequest(
        {
          host: '127.0.0.1',
          port: moto.port,
          method: request.method,
          path: request.url,
          headers: request.headers,
        },
        (answer) => {
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(response);
        },
      );
      request.pipe(upstream);
    },
  );
  await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
  const address = tls.address();
  tlsPort = typeof address === 'object' && address !== null ? address.port : 0;
});
afterAll(async () => {
  tls?.closeAllConnections();
  await Promise.all([
    moto?.stop(),
    proxy?.close(),
    new Promise<void>((resolve) => (tls ? tls.close(() => resolve()) : resolve())),
    certDir === '' ? undefined : rm(certDir, { recursive: true, force: true }),
  ]);
});
beforeEach(() => {
  for (const name of VARIABLES) {
    saved[name] = process.env[name];
    delete process.env[name];
  }
  Object.assign(process.env, MOTO_ENV);
  proxy.clear();
});
afterEach(() => {
  for (const name of VARIABLES) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});

const request = { region: MOTO_ENV.AWS_REGION, sessionName: 'prenv-proxy-test', durationSeconds: 900 };

/** STS GetCallerIdentity with the ambient credentials, then CloudFormation DescribeStacks. */
async function callAws(): Promise<string> {
  const session = await new StsCredentials().resolve(request);
  await new CloudFormationStacks(session, systemClock).list();
  return session.account;
}

describe('AWS requests behind a proxy', () => {
  it('STS and CloudFormation go through HTTP_PROXY to an endpoint only the proxy can reach', async () => {
    process.env.AWS_ENDPOINT_URL = `http://${HOST}:${moto.port}`;
    process.env.HTTP_PROXY = proxy.url;
    expect(await callAws()).toBe(MOTO_ACCOUNT);
    const actions = proxy.requests.filter((seen) => seen.host === HOST).map((seen) => seen.action);
    expect(actions).toContain('GetCallerIdentity');
    expect(actions).toContain('DescribeStacks');
  });

  it('HTTPS goes through the proxy’s CONNECT tunnel, trusting the CA in AWS_CA_BUNDLE', async () => {
    process.env.AWS_ENDPOINT_URL = `https://${HOST}:${tlsPort}`;
    process.env.https_proxy = proxy.url; // lower case works too
    process.env.AWS_CA_BUNDLE = join(certDir, 'cert.pem');
    expect(await callAws()).toBe(MOTO_ACCOUNT);
    expect(proxy.requests).toContainEqual({ kind: 'connect', host: HOST, port: tlsPort });
    expect(proxy.requests.every((seen) => seen.kind === 'connect')).toBe(true);
  });

  it('without the CA bundle the tunnel is there but the certificate is refused', async () => {
    process.env.AWS_ENDPOINT_URL = `https://${HOST}:${tlsPort}`;
    process.env.HTTPS_PROXY = proxy.url;
    process.env.AWS_MAX_ATTEMPTS = '1';
    await expect(callAws()).rejects.toThrow(/certificate/i);
    expect(proxy.requests.map((seen) => seen.kind)).toContain('connect');
  });

  it('a host NO_PROXY names is reached directly; the same host without it goes through the proxy', async () => {
    process.env.AWS_ENDPOINT_URL = moto.endpoint; // http://localhost:PORT resolves on its own
    process.env.HTTP_PROXY = proxy.url;
    await callAws();
    expect(proxy.requests.filter((seen) => seen.host === 'localhost').length).toBeGreaterThan(0);

    proxy.clear();
    process.env.NO_PROXY = `example.invalid, localhost`;
    expect(await callAws()).toBe(MOTO_ACCOUNT);
    expect(proxy.requests).toEqual([]);
  });

  it('with no proxy and no CA bundle the SDK keeps its own agent', () => {
    expect(awsHttpAgent({})).toBeUndefined();
    expect(awsHttpAgent({ https_proxy: proxy.url })).toBeDefined();
  });

  it('an unreadable AWS_CA_BUNDLE fails naming the variable', () => {
    expect(() => awsHttpAgent({ AWS_CA_BUNDLE: join(certDir, 'missing.pem') })).toThrow(CredentialsError);
    expect(() => awsHttpAgent({ AWS_CA_BUNDLE: join(certDir, 'missing.pem') })).toThrow(/AWS_CA_BUNDLE/);
  });
});
