import { describe, expect, it } from 'vitest';
import { templateHash } from '../../src/domain/fingerprint.js';
import {
  emptyState,
  lastSha,
  parseState,
  type StackState,
  serializeState,
  stateParameterName,
  withStack,
} from '../../src/domain/state.js';
import { ssmResolvedParameters } from '../../src/domain/template.js';

const record = (sha: string, deployedAt: string): StackState => ({
  fingerprint: 'fp',
  templateHash: 'th',
  sha,
  deployedAt,
  via: 'deploy',
});

describe('the state document', () => {
  it('round-trips through its stored form', () => {
    const state = withStack(emptyState(), 'pr-42-api', record('abc', '2025-03-03T12:00:00Z'), ['pr-42-api']);
    expect(parseState(serializeState(state))).toEqual(state);
  });

  it('reads garbage, another schema or malformed records as no state (or no record)', () => {
    expect(parseState('not json')).toBeUndefined();
    expect(parseState('{"schema":2,"stacks":{}}')).toBeUndefined();
    expect(parseState('[]')).toBeUndefined();
    expect(parseState('{"schema":1,"stacks":{"a":{"fingerprint":1}}}')).toEqual({ schema: 1, stacks: {} });
  });

  it('keeps a hotswap record as one', () => {
    const text = JSON.stringify({ schema: 1, stacks: { a: { ...record('s', 't'), via: 'hotswap' } } });
    expect(parseState(text)?.stacks.a?.via).toBe('hotswap');
  });

  it('drops records of stacks no longer in the app when a stack is recorded', () => {
    const before = withStack(emptyState(), 'pr-42-old', record('a', '1'), ['pr-42-old']);
    const after = withStack(before, 'pr-42-api', record('b', '2'), ['pr-42-api']);
    expect(Object.keys(after.stacks)).toEqual(['pr-42-api']);
  });

  it('the last commit is the one of the latest record', () => {
    const state = {
      schema: 1 as const,
      stacks: { a: record('new', '2025-03-03T12:00:00Z'), b: record('old', '2025-03-01T12:00:00Z') },
    };
    expect(lastSha(state)).toBe('new');
    expect(lastSha(undefined)).toBeUndefined();
  });

  it('the last commit is the latest of several records, whichever order they are stored in', () => {
    const records = [record('first', '2025-03-01T12:00:00Z'), record('latest', '2025-03-03T12:00:00Z')];
    const middle = record('middle', '2025-03-02T12:00:00Z');
    for (const order of [
      [records[0], middle, records[1]],
      [records[1], middle, records[0]],
      [middle, records[1], records[0]],
      [records[0], records[1], middle],
    ]) {
      const stacks = Object.fromEntries(order.map((stack, i) => [`s${i}`, stack as StackState]));
      expect(lastSha({ schema: 1, stacks }), order.map((stack) => stack?.sha).join()).toBe('latest');
    }
  });

  it('reads a document whose stacks (or a record) are no object as no state (or no record)', () => {
    for (const stacks of ['null', '[]', '5', '"pr-42-api"']) {
      expect(parseState(`{"schema":1,"stacks":${stacks}}`), stacks).toBeUndefined();
    }
    expect(parseState('null')).toBeUndefined();
    const recordLike = JSON.stringify(Object.values(record('s', 't')));
    expect(parseState(`{"schema":1,"stacks":{"a":${recordLike},"b":null}}`)).toEqual({
      schema: 1,
      stacks: {},
    });
  });

  it('is stored under /prenv/<owner>/<repo>/<environment>, in the characters SSM allows', () => {
    expect(stateParameterName('acme/invoices', 'pr-42')).toBe('/prenv/acme/invoices/pr-42');
    expect(stateParameterName('my.org/app_v2', 'app-v2-pr-7')).toBe('/prenv/my.org/app_v2/app-v2-pr-7');
    expect(stateParameterName('a b/c', 'pr-1')).toMatch(/^\/prenv\/[A-Za-z0-9_.\-/]+$/);
    expect(stateParameterName('a b/c:d', 'pr 1')).toBe('/prenv/a-b/c-d/pr-1');
  });
});

describe('templateHash', () => {
  it('is the same for a JSON template re-serialized (key order, whitespace)', () => {
    const compact = '{"Resources":{"Q":{"Type":"AWS::SQS::Queue"}},"Outputs":{}}';
    const pretty = JSON.stringify({ Outputs: {}, Resources: { Q: { Type: 'AWS::SQS::Queue' } } }, null, 2);
    expect(templateHash(pretty)).toBe(templateHash(compact));
  });

  it('changes with the content', () => {
    expect(templateHash('{"Resources":{}}')).not.toBe(templateHash('{"Resources":{"Q":{}}}'));
    expect(templateHash('Resources: {}')).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe('ssmResolvedParameters: the rule toolkit-lib uses to always deploy a stack', () => {
  it('lists SSM-typed parameters, except those marked [cdk:skip] (CDK’s BootstrapVersion)', () => {
    const template = JSON.stringify({
      Parameters: {
        LatestAmi: { Type: 'AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>', Default: '/aws/service/ami' },
        BootstrapVersion: {
          Type: 'AWS::SSM::Parameter::Value<String>',
          Default: '/cdk-bootstrap/hnb659fds/version',
          Description:
            'Version of the CDK Bootstrap resources in this environment, automatically retrieved from SSM Parameter Store. [cdk:skip]',
        },
        Plain: { Type: 'String' },
      },
    });
    expect(ssmResolvedParameters(template)).toEqual(['LatestAmi']);
  });

  it('finds none in a template without parameters, or one that is not JSON', () => {
    expect(ssmResolvedParameters('{"Resources":{}}')).toEqual([]);
    expect(ssmResolvedParameters('Parameters: {}')).toEqual([]);
  });
});
