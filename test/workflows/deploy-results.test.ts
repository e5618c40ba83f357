import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Inputs } from '../../src/inputs.js';
import type { StackInfo } from '../../src/ports.js';
import { collectOutputs } from '../../src/workflows/deploy-results.js';
import { deployParts, removeDeployPartsDirs } from '../support/deploy-parts.js';

afterEach(removeDeployPartsDirs);

const API_URL = 'https://k3x9.execute-api.eu-west-2.amazonaws.com/prod/';

/** pr-42-data unchanged (read before the deploy), pr-42-api deployed now, with its outputs live. */
async function world(inputs: Partial<Inputs> = {}, apiOutputs: Record<string, string> = { ApiUrl: API_URL }) {
  const parts = await deployParts({ inputs });
  parts.stacks.add({ name: 'pr-42-api', status: 'UPDATE_COMPLETE', outputs: apiOutputs });
  const existing = new Map<string, StackInfo>([
    [
      'pr-42-data',
      {
        name: 'pr-42-data',
        id: 'arn:aws:cloudformation:eu-west-2:111122223333:stack/pr-42-data/1',
        status: 'CREATE_COMPLETE',
        tags: {},
        outputs: [{ stack: 'pr-42-data', key: 'TableName', value: 'pr-42-data-Invoices' }],
      },
    ],
  ]);
  parts.record.setStack({ name: 'pr-42-data', outcome: 'unchanged' });
  parts.record.setStack({ name: 'pr-42-api', outcome: 'deployed' });
  const collect = () => collectOutputs(existing, parts.request, parts.ports, parts.record);
  return { ...parts, collect };
}

describe('collectOutputs', () => {
  it('reads the deployed stacks’ outputs, takes the unchanged ones’ from before, and writes PRENV_OUTPUTS for its owner only', async () => {
    const w = await world();
    const results = await w.collect();
    const path = join(w.tempDir, 'prenv-pr-42-outputs.json');
    expect(results.outputsFile).toBe(path);
    expect(results.outputs).toStrictEqual([
      { stack: 'pr-42-data', key: 'TableName', value: 'pr-42-data-Invoices' },
      { stack: 'pr-42-api', key: 'ApiUrl', value: API_URL },
    ]);
    expect(JSON.parse(await readFile(path, 'utf8'))).toStrictEqual({
      'pr-42-data': { TableName: 'pr-42-data-Invoices' },
      'pr-42-api': { ApiUrl: API_URL },
    });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(w.stacks.callsOf('get').map((call) => call.target)).toStrictEqual(['pr-42-api']);
    expect(w.record.stackReports()).toStrictEqual([
      { name: 'pr-42-data', outcome: 'unchanged', status: 'CREATE_COMPLETE' },
      { name: 'pr-42-api', outcome: 'deployed', status: 'UPDATE_COMPLETE' },
    ]);
    expect(w.log.lines).toStrictEqual([]);
  });

  it('url-output that names an output: its value is the URL, no warning', async () => {
    const w = await world({ urlOutput: 'ApiUrl' });
    const { arranged } = await w.collect();
    expect([arranged.url, arranged.urlOutput]).toStrictEqual([API_URL, 'ApiUrl']);
    expect(w.log.lines).toStrictEqual([]);
  });

  it('url-output that names no output: a warning that the environment has no URL', async () => {
    const w = await world({ urlOutput: 'WebUrl' });
    const { arranged } = await w.collect();
    expect(arranged.url).toBeUndefined();
    expect(w.log.lines).toStrictEqual([
      {
        level: 'warning',
        message: 'url-output is WebUrl, but no stack has an output of that key: the environment has no URL.',
      },
    ]);
  });

  it('an output whose variable would change how programs start: a warning, and it stays in the file', async () => {
    const w = await world({}, { NodeOptions: '--require ./evil.js' });
    const results = await w.collect();
    expect(w.log.lines).toStrictEqual([
      {
        level: 'warning',
        message:
          'Output NodeOptions of pr-42-api is not passed to the e2e command as NODE_OPTIONS: that name would ' +
          'change how programs start or behave. It is still in the PRENV_OUTPUTS file.',
      },
    ]);
    expect(results.arranged.variables).toStrictEqual({ TABLE_NAME: 'pr-42-data-Invoices' });
    expect(JSON.parse(await readFile(results.outputsFile, 'utf8'))['pr-42-api']).toStrictEqual({
      NodeOptions: '--require ./evil.js',
    });
  });
});
