import { describe, expect, it } from 'vitest';
import { ssmResolvedParameters } from '../../src/domain/template.js';

const SSM = { Type: 'AWS::SSM::Parameter::Value<String>' };

describe('ssmResolvedParameters on templates of the wrong shape', () => {
  it('skips a parameter that is no object', () => {
    const template = JSON.stringify({
      Parameters: { Broken: 'AWS::SSM::Parameter::Value<String>', Ami: SSM },
    });
    expect(ssmResolvedParameters(template)).toEqual(['Ami']);
  });

  it.each(['null', '"template"', '7', '[]', JSON.stringify({ Parameters: [SSM] }), '{"Parameters":null}'])(
    'finds none in %s',
    (template) => {
      expect(ssmResolvedParameters(template)).toEqual([]);
    },
  );
});
