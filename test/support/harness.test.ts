import { describe, expect, it } from 'vitest';
import { startAwsProxy } from './aws-proxy.js';
import { processAlive, startMoto } from './moto.js';
import { actionDefaults, parseCommandFile, runAction } from './run-action.js';

describe('moto harness', () => {
  it('starts moto on loopback, resets it, and stops it leaving no process behind', async () => {
    const moto = await startMoto();
    expect(moto.endpoint).toMatch(/^http:\/\/localhost:\d+$/);
    expect(processAlive(moto.pid)).toBe(true);
    await moto.reset();
    await moto.stop();
    expect(processAlive(moto.pid)).toBe(false);
  });

  it('the AWS proxy records calls and injects faults deterministically', async () => {
    const moto = await startMoto();
    const proxy = await startAwsProxy(moto.endpoint, { faultRate: 1 });
    try {
      const response = await fetch(`${proxy.endpoint}/`, {
        method: 'POST',
        headers: {
          authorization: 'AWS4-HMAC-SHA256 Credential=testing/20261127/eu-west-2/cloudformation/aws4_request',
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: 'Action=DescribeStacks&Version=2010-05-15',
      }).catch(() => undefined);
      expect(proxy.calls[0]).toMatchObject({ service: 'cloudformation', action: 'DescribeStacks' });
      expect(proxy.calls[0]?.fault).toBeDefined();
      if (response !== undefined) expect(response.status).toBeGreaterThanOrEqual(400);
    } finally {
      await proxy.close();
      await moto.stop();
    }
  });
});

describe('runAction', () => {
  it('applies action.yml defaults as INPUT_* variables with hyphens kept', async () => {
    const defaults = actionDefaults();
    expect(defaults['deployment-method']).toBe('change-set');
    expect(defaults['ttl-hours']).toBe('72');
    // A bad explicit value wins over the default and is reported by name.
    const run = await runAction({ inputs: { 'ttl-hours': 'soon' }, env: { AWS_REGION: 'eu-west-2' } });
    expect(run.exitCode).toBe(1);
    expect(run.log).toContain('::error::ttl-hours must be a whole number');
  });

  it('parses the runner file-command format', () => {
    expect(parseCommandFile('a<<EOF_1\none\ntwo\nEOF_1\nb=2\n')).toEqual({ a: 'one\ntwo', b: '2' });
  });
});
