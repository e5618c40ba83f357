import { describe, expect, it } from 'vitest';
import {
  mergeOverlays,
  parseOverlay,
  patchTemplate,
  resourceOverlay,
} from '../../src/domain/applied-overlay.js';
import { parseState, serializeState } from '../../src/domain/state.js';

const code = (key: string) => ({
  S3Bucket: { 'Fn::Join': ['', ['cdk-assets-', { Ref: 'AWS::AccountId' }]] },
  S3Key: `${key}.zip`,
});
const fn = (key: string) => ({
  Type: 'AWS::Lambda::Function',
  Properties: { Code: code(key), MemorySize: 512 },
  Metadata: { 'aws:cdk:path': 'pr-7-invoices/Fn', 'aws:asset:path': `asset.${key}` },
});

describe('resourceOverlay', () => {
  it('keeps only what the hotswap applied that the live resource lacks', () => {
    expect(resourceOverlay(fn('one'), fn('two'))).toEqual({
      Properties: { Code: code('two') },
      Metadata: fn('two').Metadata,
    });
  });

  it('is undefined when nothing differs or a side is not a resource', () => {
    expect(resourceOverlay(fn('one'), fn('one'))).toBeUndefined();
    expect(resourceOverlay(undefined, fn('one'))).toBeUndefined();
  });
});

describe('patchTemplate', () => {
  const live = JSON.stringify({ Resources: { Fn: fn('one'), Role: { Type: 'AWS::IAM::Role' } } });

  it('lays the overlay over the live template, leaving every other value as deployed', () => {
    const patched = JSON.parse(
      patchTemplate(live, { Fn: resourceOverlay(fn('one'), fn('two')) ?? {} }) ?? '',
    );
    expect(patched).toEqual({ Resources: { Fn: fn('two'), Role: { Type: 'AWS::IAM::Role' } } });
  });

  it('ignores resources the template no longer has, and is undefined for what is not a JSON template', () => {
    expect(JSON.parse(patchTemplate(live, { Gone: { Properties: { A: 1 } } }) ?? '')).toEqual(
      JSON.parse(live),
    );
    expect(patchTemplate('Resources: {}', {})).toBeUndefined();
  });
});

describe('mergeOverlays', () => {
  it('adds a later hotswap to the earlier ones, the later values winning', () => {
    const earlier = { A: { Properties: { Code: code('a1'), Description: 'x' } } };
    const next = { A: { Properties: { Code: code('a2') } }, B: { Properties: { Code: code('b1') } } };
    expect(mergeOverlays(earlier, next)).toEqual({
      A: { Properties: { Code: code('a2'), Description: 'x' } },
      B: { Properties: { Code: code('b1') } },
    });
  });

  it('leaves out resources past the size limit, so the state stays small', () => {
    const big = { Properties: { Environment: { Variables: { V: 'x'.repeat(300) } } } };
    const merged = mergeOverlays(undefined, { A: big, B: big, C: { Properties: { Code: code('c') } } }, 500);
    expect(Object.keys(merged)).toEqual(['A', 'C']);
    expect(JSON.stringify(merged).length).toBeLessThanOrEqual(500);
  });
});

describe('the overlay in the state document', () => {
  it('survives a round trip on a hotswapped stack, and is dropped from a deployed one', () => {
    const applied = { Fn: { Properties: { Code: code('two') } } };
    const base = { fingerprint: 'f', templateHash: 'h', sha: 's', deployedAt: 'd' };
    const text = serializeState({
      schema: 1,
      stacks: { a: { ...base, via: 'hotswap', applied }, b: { ...base, via: 'deploy', applied } },
    });
    const state = parseState(text);
    expect(state?.stacks.a?.applied).toEqual(applied);
    expect(state?.stacks.b?.applied).toBeUndefined();
    expect(parseOverlay(['not', 'one'])).toBeUndefined();
  });
});

describe('the overlay, at its edges', () => {
  it('never carries Type: a hotswap does not change a resource’s type', () => {
    const applied = { ...fn('two'), Type: 'AWS::Lambda::Url' };
    expect(resourceOverlay(fn('one'), applied)).toEqual({
      Properties: { Code: code('two') },
      Metadata: fn('two').Metadata,
    });
    const { Metadata: _, ...noMetadata } = fn('one');
    expect(resourceOverlay(noMetadata, { ...noMetadata, Type: 'AWS::Lambda::Url' })).toBeUndefined();
  });

  it('adds no empty Properties to a resource the overlay only gives top-level keys', () => {
    const metadata = { Metadata: { 'aws:asset:path': 'asset.two' } };
    expect(mergeOverlays(undefined, { A: metadata })).toStrictEqual({ A: metadata });
    expect(mergeOverlays({ A: metadata }, {})).toStrictEqual({ A: metadata });
    const live = JSON.stringify({ Resources: { Role: { Type: 'AWS::IAM::Role' } } });
    expect(JSON.parse(patchTemplate(live, { Role: metadata }) ?? '')).toStrictEqual({
      Resources: { Role: { Type: 'AWS::IAM::Role', ...metadata } },
    });
  });

  it('keeps a resource that brings the overlay to exactly the limit', () => {
    const next = { A: { Properties: { Code: code('a') } }, B: { Properties: { Code: code('b') } } };
    const size = JSON.stringify(next).length;
    expect(mergeOverlays(undefined, next, size)).toStrictEqual(next);
    expect(Object.keys(mergeOverlays(undefined, next, size - 1))).toEqual(['A']);
  });

  it('reads back only resources that are objects with object Properties, or none', () => {
    const metadataOnly = { Metadata: { 'aws:asset:path': 'asset.two' } };
    const good = { Properties: { Code: code('two') } };
    expect(
      parseOverlay({
        A: good,
        B: metadataOnly,
        C: 5,
        D: null,
        E: [good],
        F: { Properties: 5 },
        G: { Properties: [] },
      }),
    ).toStrictEqual({ A: good, B: metadataOnly });
    for (const value of [{}, { C: 5 }, null, 'Fn', 7, [good]]) {
      expect(parseOverlay(value), JSON.stringify(value)).toBeUndefined();
    }
  });
});
