import { describe, expect, it } from 'vitest';
import { deletionWaves, parseWave, waveOf } from '../../src/domain/waves.js';
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
