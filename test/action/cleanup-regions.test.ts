import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GitHubServer, startGitHubServer } from '../support/github-server.js';
import { type Moto, startMoto } from '../support/moto.js';
import { liveStackNames, ownedTags, plantStacks } from '../support/moto-stacks.js';
import { runAction } from '../support/run-action.js';

let moto: Moto;
let github: GitHubServer;

const REPO = 'octo-org/invoices';
const FUTURE = '2999-01-01T00:00:00Z';
const REGIONS = ['eu-west-2', 'us-east-1'] as const;

beforeAll(async () => {
  [moto, github] = await Promise.all([startMoto(), startGitHubServer()]);
  github.addPull({ number: 1, state: 'closed', merged: true });
  github.addPull({ number: 2, state: 'open' });
  // moto keeps one state per region behind one endpoint, as AWS keeps regions apart.
  for (const region of REGIONS) {
    await plantStacks(
      moto,
      [
        { name: 'pr-1-api', tags: ownedTags(REPO, 1, FUTURE) }, // PR closed: deleted
        { name: 'pr-2-api', tags: ownedTags(REPO, 2, FUTURE) }, // PR open: kept
        { name: 'pr-1-other', tags: ownedTags('octo-org/payments', 1, FUTURE) }, // another repository's
        { name: 'shared-network', tags: {} },
      ],
      region,
    );
  }
  // A region not listed in `regions` is never touched.
  await plantStacks(moto, [{ name: 'pr-1-api', tags: ownedTags(REPO, 1, FUTURE) }], 'eu-central-1');
});
afterAll(async () => {
  await Promise.all([moto?.stop(), github?.close()]);
});

describe('cleanup across regions on moto', () => {
  it('sweeps every listed region in one run, keeps the decoys in each, groups the summary by region', async () => {
    const run = await runAction({
      moto,
      github,
      event: 'schedule',
      inputs: { 'aws-region': 'eu-west-2', regions: REGIONS.join(',') },
    });

    expect(run.exitCode, run.log).toBe(0);
    for (const region of REGIONS) {
      expect(await liveStackNames(moto, region), region).toEqual([
        'pr-1-other',
        'pr-2-api',
        'shared-network',
      ]);
    }
    expect(await liveStackNames(moto, 'eu-central-1')).toEqual(['pr-1-api']);
    expect(JSON.parse(run.outputs.stacks ?? '[]')).toEqual(['pr-1-api', 'pr-1-api']);
    expect(run.summary).toContain('in 2 regions');
    const [, euWest2 = '', usEast1 = ''] = run.summary.split('### ');
    expect(euWest2).toMatch(/^`eu-west-2`[\s\S]*\*\*1\*\* deleted · \*\*0\*\* failed · \*\*1\*\* kept/);
    expect(usEast1).toMatch(/^`us-east-1`[\s\S]*\*\*1\*\* deleted · \*\*0\*\* failed · \*\*1\*\* kept/);
    expect(euWest2).toContain('pr-1-api');
    expect(usEast1).toContain('pr-1-api');
    // The closed PR was asked about once for both regions.
    expect(github.requests.filter((request) => request.path.endsWith('/pulls/1'))).toHaveLength(1);
  });
});
