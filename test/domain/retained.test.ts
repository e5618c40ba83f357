import { describe, expect, it } from 'vitest';
import type { EnvironmentReport, StackReport } from '../../src/domain/report.js';
import { describeRetained, onlyResourcesLeft, retainedResources } from '../../src/domain/retained.js';

const BUCKET = { logicalId: 'Uploads', type: 'AWS::S3::Bucket', physicalId: 'pr-42-uploads' };
const FORCED: StackReport = { name: 'pr-42-data', outcome: 'force-deleted', retained: [BUCKET] };
const DELETED: StackReport = { name: 'pr-42-api', outcome: 'deleted' };

function report(stacks: StackReport[]): EnvironmentReport {
  return { state: 'destroyed', environment: 'pr-42', repository: 'acme/invoices', updatedAt: 'now', stacks };
}

describe('retained resources', () => {
  it('lists what forced deletes kept, with the stack each belonged to', () => {
    expect(retainedResources([DELETED, FORCED])).toEqual([{ ...BUCKET, stack: 'pr-42-data' }]);
  });

  it('says only resources are left when every stack is gone and a forced delete kept some', () => {
    expect(onlyResourcesLeft(report([DELETED, FORCED]))).toBe(true);
  });

  it.each([
    ['no forced delete kept anything', [DELETED, { ...FORCED, retained: [] }]],
    ['a stack is still there', [{ name: 'pr-42-web', outcome: 'left-behind' }, FORCED]],
    ['there are no stacks', []],
  ] as const)('does not when %s', (_, stacks) => {
    expect(onlyResourcesLeft(report([...stacks]))).toBe(false);
  });

  it('describes each kept resource on one line, its physical id when known', () => {
    const unnamed = { logicalId: 'Logs', type: 'AWS::Logs::LogGroup' };
    expect(
      describeRetained(retainedResources([FORCED, { ...FORCED, name: 'pr-42-web', retained: [unnamed] }])),
    ).toBe('Uploads (AWS::S3::Bucket, pr-42-uploads) in pr-42-data; Logs (AWS::Logs::LogGroup) in pr-42-web');
  });
});
