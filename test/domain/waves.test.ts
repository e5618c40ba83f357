import { describe, expect, it } from 'vitest';
import { deletionWaves, deployBatches, parseWave, waveOf, widestWave } from '../../src/domain/waves.js';
import { SynthError } from '../../src/errors.js';

const stack = (name: string, ...dependencies: string[]) => ({ name, dependencies });

describe('waveOf', () => {
  it('puts independent stacks in wave 0', () => {
    expect(waveOf([stack('pr-1-a'), stack('pr-1-b')])).toEqual(
      new Map([
        ['pr-1-a', 0],
        ['pr-1-b', 0],
      ]),
    );
  });

  it('numbers a chain by depth, whatever order the stacks are listed in', () => {
    const waves = waveOf([stack('pr-1-web', 'pr-1-api'), stack('pr-1-api', 'pr-1-base'), stack('pr-1-base')]);
    expect(waves).toEqual(
      new Map([
        ['pr-1-web', 2],
        ['pr-1-api', 1],
        ['pr-1-base', 0],
      ]),
    );
  });

  it('puts a diamond’s join after its longest branch', () => {
    const waves = waveOf([
      stack('pr-1-base'),
      stack('pr-1-left', 'pr-1-base'),
      stack('pr-1-mid', 'pr-1-base'),
      stack('pr-1-right', 'pr-1-mid'),
      stack('pr-1-top', 'pr-1-left', 'pr-1-right'),
    ]);
    expect(Object.fromEntries(waves)).toEqual({
      'pr-1-base': 0,
      'pr-1-left': 1,
      'pr-1-mid': 1,
      'pr-1-right': 2,
      'pr-1-top': 3,
    });
  });

  it('ignores dependencies on stacks outside the set (assets, other apps)', () => {
    const waves = waveOf([stack('pr-1-api', 'pr-1-api.assets', 'CDKToolkit'), stack('pr-1-web', 'pr-1-api')]);
    expect(Object.fromEntries(waves)).toEqual({ 'pr-1-api': 0, 'pr-1-web': 1 });
  });

  it('refuses a dependency cycle, naming a stack on it', () => {
    const run = () =>
      waveOf([stack('pr-1-a', 'pr-1-b'), stack('pr-1-b', 'pr-1-c'), stack('pr-1-c', 'pr-1-a')]);
    expect(run).toThrow(SynthError);
    expect(run).toThrow(/cycle through pr-1-/);
  });

  it('refuses a stack that depends on itself', () => {
    expect(() => waveOf([stack('pr-1-a', 'pr-1-a')])).toThrow(/cycle through pr-1-a/);
  });
});

describe('deletionWaves', () => {
  it('deletes dependents first: highest wave first, each wave together', () => {
    const items = [
      { name: 'base', wave: 0 },
      { name: 'web', wave: 2 },
      { name: 'api', wave: 1 },
      { name: 'queue', wave: 0 },
      { name: 'admin', wave: 2 },
    ];
    expect(deletionWaves(items, (item) => item.wave).map((group) => group.map((item) => item.name))).toEqual([
      ['web', 'admin'],
      ['api'],
      ['base', 'queue'],
    ]);
  });

  it('orders waves numerically, not as text', () => {
    const groups = deletionWaves([2, 10, 1], (wave) => wave);
    expect(groups).toEqual([[10], [2], [1]]);
  });

  it('has no waves for no stacks', () => {
    expect(deletionWaves([], () => 0)).toEqual([]);
  });
});

describe('parseWave', () => {
  it.each([
    ['0', 0],
    ['3', 3],
    ['12', 12],
  ])('reads %j as %i', (value, wave) => {
    expect(parseWave(value)).toBe(wave);
  });

  it.each([undefined, '', 'two', '-1', '1.5', 'NaN', 'Infinity'])(
    'reads the garbage %j as wave 0',
    (value) => {
      expect(parseWave(value)).toBe(0);
    },
  );
});

// deployBatches is called only by the toolkit adapter (src/adapters/cdk-toolkit.ts), whose tests the
// mutation run leaves out: these pin its contract here.
describe('deployBatches', () => {
  const item = (name: string, wave: number, method: string) => ({ name, wave, method });
  const batches = (items: readonly ReturnType<typeof item>[]) =>
    deployBatches(
      items,
      (i) => i.wave,
      (i) => i.method,
    ).map((batch) => batch.map((i) => i.name));

  it('makes no call for no stacks', () => {
    expect(batches([])).toEqual([]);
  });

  it('deploys stacks that share the key in one call, in the order given, whatever their waves', () => {
    const items = [item('web', 2, 'cfn'), item('base', 0, 'cfn'), item('api', 1, 'cfn')];
    const result = deployBatches(
      items,
      (i) => i.wave,
      (i) => i.method,
    );
    expect(result).toEqual([items]);
    expect(result[0]).not.toBe(items);
  });

  it('splits stacks that differ wave by wave (lowest first), key by key within a wave', () => {
    expect(
      batches([
        item('web', 2, 'hotswap'),
        item('api', 1, 'hotswap'),
        item('queue', 1, 'cfn'),
        item('base', 0, 'hotswap'),
        item('data', 0, 'cfn'),
        item('worker', 1, 'hotswap'),
        item('admin', 10, 'cfn'),
      ]),
    ).toEqual([['data'], ['base'], ['queue'], ['api', 'worker'], ['web'], ['admin']]);
  });

  it('orders keys within a wave by text, whatever order the stacks come in', () => {
    expect(batches([item('b', 0, 'b'), item('c', 0, 'c'), item('a', 0, 'a'), item('b2', 0, 'b')])).toEqual([
      ['a'],
      ['b', 'b2'],
      ['c'],
    ]);
    expect(batches([item('a', 0, 'a'), item('c', 0, 'c'), item('b', 0, 'b')])).toEqual([['a'], ['b'], ['c']]);
  });
});

describe('widestWave', () => {
  const wave = (item: { wave: number }) => item.wave;
  it('is the size of the largest wave: four independent stacks 4, a chain of four 1', () => {
    expect(
      widestWave(
        [0, 0, 0, 0].map((w) => ({ wave: w })),
        wave,
      ),
    ).toBe(4);
    expect(
      widestWave(
        [0, 1, 2, 3].map((w) => ({ wave: w })),
        wave,
      ),
    ).toBe(1);
    expect(
      widestWave(
        [0, 1, 1, 2, 1].map((w) => ({ wave: w })),
        wave,
      ),
    ).toBe(3);
    expect(widestWave([], wave)).toBe(0);
  });
});
