import { describe, expect, it } from 'vitest';
import { fingerprint, templateHash } from '../../src/domain/fingerprint.js';

const BASE = {
  template: '{"Resources":{"Table":{"Type":"AWS::DynamoDB::Table"}}}',
  tags: { 'prenv:managed-by': 'prenv', 'prenv:pull-request': '42', Team: 'billing' },
  assets: ['bb6f0a64d5c9f9f45d60a39e3379cb9e7b070360462b67f03675c9bc1c7bc701'],
};

describe('fingerprint', () => {
  it('is 32 hex characters and the same for the same deployment', () => {
    expect(fingerprint(BASE)).toMatch(/^[0-9a-f]{32}$/);
    expect(fingerprint(structuredClone(BASE))).toBe(fingerprint(BASE));
  });

  it('does not depend on the order the tags are listed in', () => {
    const reversed = Object.fromEntries(Object.entries(BASE.tags).reverse());
    expect(fingerprint({ ...BASE, tags: reversed })).toBe(fingerprint(BASE));
  });

  it.each([
    ['the template changes', { template: `${BASE.template} ` }],
    ['a tag value changes', { tags: { ...BASE.tags, 'prenv:pull-request': '43' } }],
    ['a tag is added', { tags: { ...BASE.tags, Owner: 'me' } }],
    ['a tag is removed', { tags: { 'prenv:managed-by': 'prenv', 'prenv:pull-request': '42' } }],
    ['an asset changes', { assets: ['0'.repeat(64)] }],
    ['an asset is added', { assets: [...BASE.assets, '1'.repeat(64)] }],
    ['there are no assets', { assets: [] }],
  ])('changes when %s', (_label, change) => {
    expect(fingerprint({ ...BASE, ...change })).not.toBe(fingerprint(BASE));
  });

  it('tells a tag key apart from a tag value', () => {
    expect(fingerprint({ ...BASE, tags: { ab: 'c' } })).not.toBe(fingerprint({ ...BASE, tags: { a: 'bc' } }));
  });

  it('tells the template apart from an asset', () => {
    expect(fingerprint({ template: 'x', tags: {}, assets: ['y'] })).not.toBe(
      fingerprint({ template: 'xy', tags: {}, assets: [] }),
    );
  });

  it('sorts tag keys by code unit, so the hash is the same in every locale', () => {
    // Locale collation puts "a-b" and "a_b" or "B" and "a" in different orders; code units never differ.
    const tags = { a_b: '1', 'a-b': '2', B: '3', a: '4' };
    const sorted = Object.fromEntries(Object.entries(tags).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
    expect(fingerprint({ ...BASE, tags })).toBe(fingerprint({ ...BASE, tags: sorted }));
    expect(Object.keys(sorted)).toEqual(['B', 'a', 'a-b', 'a_b']);
  });
});

// Fingerprints and template hashes are stored in the state store: a change in how they are computed
// would make every environment look changed after an upgrade. The expected values were computed
// independently (Python: sha256 of the documented layout, first 32 hex digits).
describe('fingerprint, pinned', () => {
  it('hashes template, NUL, the tags as a JSON array of [key, value] in code-unit order, then NUL and each asset', () => {
    expect(fingerprint(BASE)).toBe('0d196f037ace33062c9649a709a475d8');
    expect(
      fingerprint({
        ...BASE,
        tags: { Team: 'billing', 'prenv:pull-request': '42', 'prenv:managed-by': 'prenv' },
      }),
    ).toBe('0d196f037ace33062c9649a709a475d8');
  });
});

describe('templateHash', () => {
  const TEMPLATE =
    '{"Resources":{"B":{"Type":"AWS::S3::Bucket","Properties":{"Tags":[{"Key":"b","Value":"2"},{"Key":"a","Value":null}],"Versioned":true,"Count":3}}},"A":[]}';

  it('hashes JSON in canonical form: keys sorted by code unit, no whitespace, arrays in order', () => {
    expect(templateHash(TEMPLATE)).toBe('e1a406cf4641fcd97da5cdb8acb57e84');
    const reserialized = JSON.stringify(
      {
        A: [],
        Resources: {
          B: {
            Properties: {
              Versioned: true,
              Count: 3,
              Tags: [
                { Value: '2', Key: 'b' },
                { Value: null, Key: 'a' },
              ],
            },
            Type: 'AWS::S3::Bucket',
          },
        },
      },
      null,
      2,
    );
    expect(templateHash(reserialized)).toBe('e1a406cf4641fcd97da5cdb8acb57e84');
  });

  it('tells apart templates that differ in a value or in the order of a list', () => {
    const hashes = [
      '{"a":1}',
      '{"a":2}',
      '{"a":"1"}',
      '{"a":null}',
      '{"a":[1,2]}',
      '{"a":[2,1]}',
      '{"a":{"b":1,"c":2}}',
      '{"a":{"b":2,"c":1}}',
      '{"B":1,"a":2}',
      '{"B":2,"a":1}',
    ].map(templateHash);
    expect(new Set(hashes).size).toBe(hashes.length);
    expect(templateHash('{ "a": null }')).toBe(templateHash('{"a":null}'));
    expect(templateHash('{ "a": [ 1, 2 ] }')).toBe(templateHash('{"a":[1,2]}'));
  });

  it('hashes a template that is not JSON (YAML) as it is', () => {
    expect(templateHash('Resources:\n  B: {Type: AWS::S3::Bucket}\n')).toBe(
      '459d8b62c969839ecd3f143bc679de0b',
    );
  });
});
