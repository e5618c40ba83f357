/**
 * The statuses the Reporter sets on GitHub deployments, compared whole: which deployment gets them,
 * and the run's log link only when there is a run URL.
 */
import { describe, expect, it } from 'vitest';
import { FakeGitHub } from '../support/fake-ports.js';
import { reporterWorld } from '../support/reporter-world.js';

const RUN_URL = 'https://github.com/acme/invoices/actions/runs/7';

const setup = (github: FakeGitHub, runUrl?: string) =>
  reporterWorld(github, runUrl === undefined ? {} : { runUrl });

/** Two earlier deployments of pr-42 (ids 1 and 2) and one of pr-7 (id 3). */
async function github(): Promise<FakeGitHub> {
  const fake = new FakeGitHub();
  await fake.createDeployment({ environment: 'pr-42', ref: 'a', description: '' });
  await fake.createDeployment({ environment: 'pr-42', ref: 'b', description: '' });
  await fake.createDeployment({ environment: 'pr-7', ref: 'c', description: '' });
  return fake;
}

const statuses = (fake: FakeGitHub) => fake.deployments.map((deployment) => deployment.statuses);

describe('Reporter deployment statuses', () => {
  it("deactivateAll marks every deployment of the environment inactive, with the run's log link", async () => {
    const fake = await github();
    const world = setup(fake, RUN_URL);

    await world.reporter.deactivateAll('pr-42', 'Environment destroyed');

    const inactive = { state: 'inactive', description: 'Environment destroyed', logUrl: RUN_URL };
    expect(statuses(fake)).toStrictEqual([[inactive], [inactive], []]);
    expect(world.log.lines).toEqual([]);
  });

  it('without a run URL sends no log link at all (no logUrl key)', async () => {
    const fake = await github();
    const world = setup(fake);

    await world.reporter.deactivateAll('pr-42', 'Environment destroyed');
    await world.reporter.deploymentStatus('error', 'The run was cancelled or crashed', undefined, 'pr-7');

    const inactive = { state: 'inactive', description: 'Environment destroyed' };
    expect(statuses(fake)).toStrictEqual([
      [inactive],
      [inactive],
      [{ state: 'error', description: 'The run was cancelled or crashed' }],
    ]);
  });

  it("keeps to this run's deployment even when told the environment, without looking it up", async () => {
    const fake = await github();
    const world = setup(fake, RUN_URL);

    await world.reporter.startDeployment('pr-7', 'd');
    // Another run's deployment of the same environment, created since: the newest one now.
    await fake.createDeployment({ environment: 'pr-7', ref: 'e', description: '' });
    await world.reporter.deploymentStatus('inactive', 'Environment destroyed', undefined, 'pr-7');

    expect(fake.count('deploymentIds')).toBe(0);
    expect(statuses(fake)).toStrictEqual([
      [],
      [],
      [],
      [
        { state: 'in_progress', description: 'Deploying', logUrl: RUN_URL },
        { state: 'inactive', description: 'Environment destroyed', logUrl: RUN_URL },
      ],
      [],
    ]);
  });
});
