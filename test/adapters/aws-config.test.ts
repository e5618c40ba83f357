import { createServer, type Server } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { retryConfig } from '../../src/adapters/aws-config.js';
import { CloudFormationStacks } from '../../src/adapters/cloudformation-stacks.js';
import { systemClock } from '../../src/adapters/system-clock.js';

// A loopback CloudFormation that always answers with one error, and counts what it is asked.
let server: Server;
let endpoint = '';
let answer = { status: 400, code: 'Throttling' };
let requests = 0;

beforeAll(async () => {
  server = createServer((request, response) => {
    requests++;
    request.resume();
    request.on('end', () => {
      response.writeHead(answer.status, { 'content-type': 'text/xml' });
      response.end(
        `<ErrorResponse><Error><Type>Sender</Type><Code>${answer.code}</Code><Message>${answer.code} from the test</Message></Error><RequestId>1</RequestId></ErrorResponse>`,
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  endpoint = `http://localhost:${typeof address === 'object' && address !== null ? address.port : 0}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
  requests = 0;
});

function stacks(): CloudFormationStacks {
  process.env.AWS_ENDPOINT_URL = endpoint;
  return new CloudFormationStacks(
    { region: 'eu-west-2', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } },
    systemClock,
  );
}

describe('retries: the SDK strategy decides, per error', () => {
  it('defaults to the adaptive strategy with 8 attempts; AWS_MAX_ATTEMPTS and AWS_RETRY_MODE change it', () => {
    expect(retryConfig({})).toEqual({ maxAttempts: 8, retryMode: 'adaptive' });
    expect(retryConfig({ AWS_MAX_ATTEMPTS: '3', AWS_RETRY_MODE: 'standard' })).toEqual({
      maxAttempts: 3,
      retryMode: 'standard',
    });
    expect(retryConfig({ AWS_MAX_ATTEMPTS: 'lots' }).maxAttempts).toBe(8);
  });

  it('retries throttling up to the configured attempts', async () => {
    answer = { status: 400, code: 'Throttling' };
    process.env.AWS_MAX_ATTEMPTS = '3';
    await expect(stacks().list()).rejects.toThrow(/Throttling from the test/);
    expect(requests).toBe(3);
  });

  it('fails at once on AccessDenied', async () => {
    answer = { status: 403, code: 'AccessDenied' };
    await expect(stacks().list()).rejects.toThrow(/AccessDenied from the test/);
    expect(requests).toBe(1);
  });

  it('fails at once on a validation error that is not a missing stack', async () => {
    answer = { status: 400, code: 'ValidationError' };
    await expect(stacks().list()).rejects.toThrow(/ValidationError from the test/);
    expect(requests).toBe(1);
  });
});
