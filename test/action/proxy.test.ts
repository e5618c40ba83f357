import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Moto, startMoto } from '../support/moto.js';
import { type RecordingProxy, startRecordingProxy } from '../support/recording-proxy.js';
import { runAction } from '../support/run-action.js';

let moto: Moto;
let proxy: RecordingProxy;

beforeAll(async () => {
  [moto, proxy] = await Promise.all([startMoto(), startRecordingProxy()]);
});
afterAll(async () => {
  await Promise.all([moto?.stop(), proxy?.close()]);
});
beforeEach(async () => {
  await moto.reset();
  proxy.clear();
});

describe('the action behind a proxy', () => {
  it('toolkit-lib’s own SDK clients (bootstrap, deploy) go through HTTP_PROXY too', async () => {
    const run = await runAction({
      moto,
      env: { HTTP_PROXY: proxy.url },
      inputs: {
        'app-dir': 'test/fixtures/apps/one-stack',
        'deployment-method': 'direct',
        bootstrap: 'true',
        'github-token': '',
      },
    });
    expect(run.exitCode, run.log).toBe(0);
    const seen = proxy.requests.filter((request) => request.host === 'localhost');
    expect(seen.map((request) => request.action)).toContain('GetCallerIdentity'); // prenv's STS
    // toolkit-lib's clients name the package.json it finds (dist/'s) in their user agent.
    const toolkit = seen.filter((request) => request.userAgent?.includes('prenv-dist/'));
    expect(toolkit.map((request) => request.action)).toEqual(
      expect.arrayContaining(['CreateChangeSet', 'ExecuteChangeSet', 'CreateStack']), // bootstrap, deploy
    );
    expect(toolkit.some((request) => request.method === 'PUT' && request.path?.includes('-assets-'))).toBe(
      true,
    );
  }, 180_000); // bootstrap and deploy: 6 s alone, several times that on a busy 2-core machine
});
