import { describe, expect, it } from 'vitest';
import { appContext, deepMerge, TOOLKIT_SYNTH_CONTEXT } from '../../src/domain/cdk-context.js';

describe('appContext', () => {
  it('merges prenv over cdk.json over cdk.context.json over ~/.cdk.json, nested objects key by key, the toolkit settings last', () => {
    const context = appContext({
      prenv: { 'prenv:name': 'pr-42', shared: 'prenv', 'aws:cdk:version-reporting': false },
      cdkJson: { shared: 'cdk.json', fromCdkJson: 1, nested: { a: 'cdk.json' } },
      project: { shared: 'project', fromProject: 2, nested: { a: 'project', b: 'project' } },
      user: { shared: 'user', fromUser: 3 },
    });
    expect(context).toEqual({
      'prenv:name': 'pr-42',
      shared: 'prenv',
      fromCdkJson: 1,
      fromProject: 2,
      fromUser: 3,
      nested: { a: 'cdk.json', b: 'project' },
      ...TOOLKIT_SYNTH_CONTEXT,
    });
  });

  it('replaces arrays whole, skips undefined values and prototype keys', () => {
    const merged = deepMerge(
      { list: [1, 2], kept: 'x' },
      { list: [3], kept: undefined },
      JSON.parse('{"__proto__": {"polluted": true}}'),
    );
    expect(merged).toEqual({ list: [3], kept: 'x' });
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it('skips constructor and prototype keys too, and keeps null as a value', () => {
    const merged = deepMerge(
      JSON.parse('{"constructor": {"prototype": {"polluted": true}}, "prototype": {"a": 1}}'),
      { gone: null, nested: { value: null } },
    );
    expect(merged).toStrictEqual({ gone: null, nested: { value: null } });
    expect(Object.keys(merged)).toEqual(['gone', 'nested']);
  });
});
