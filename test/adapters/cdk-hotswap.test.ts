import { describe, expect, it } from 'vitest';
import { hotswappedResources } from '../../src/adapters/cdk-hotswap.js';

describe('hotswappedResources (CDK_TOOLKIT_I5410)', () => {
  it('names each hotswapped resource and what it applied that the live template lacks', () => {
    const oldValue = {
      Type: 'AWS::Lambda::Function',
      Properties: { Code: { S3Key: 'one.zip' }, MemorySize: 512 },
    };
    const newValue = {
      Type: 'AWS::Lambda::Function',
      Properties: { Code: { S3Key: 'two.zip' }, MemorySize: 512 },
    };
    const data = {
      hotswapped: true,
      hotswappableChanges: [
        {
          cause: { logicalId: 'Handler', oldValue, newValue, propertyUpdates: { Code: {} } },
          resources: [{ logicalId: 'Handler', resourceType: 'AWS::Lambda::Function' }],
        },
      ],
    };
    expect(hotswappedResources(data)).toEqual([
      {
        type: 'AWS::Lambda::Function',
        properties: ['Code'],
        logicalId: 'Handler',
        overlay: { Properties: { Code: { S3Key: 'two.zip' } } },
      },
    ]);
    expect(hotswappedResources({ hotswapped: false })).toEqual([]);
  });
});
