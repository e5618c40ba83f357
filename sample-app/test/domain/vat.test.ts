import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/domain/errors.js';
import { parseCountry, VAT_RATES_BASIS_POINTS, vatOn, vatRateFor } from '../../src/domain/vat.js';

describe('VAT table', () => {
  it.each([
    ['GB', 2000],
    ['DE', 1900],
    ['FR', 2000],
    ['IE', 2300],
    ['US', 0],
  ] as const)('%s is %i basis points', (country, rate) => {
    expect(vatRateFor(parseCountry(country))).toBe(rate);
  });

  it('rejects a country it has no rate for', () => {
    expect(() => parseCountry('XX')).toThrow(ValidationError);
    expect(() => parseCountry('toString')).toThrow(ValidationError);
  });

  it('holds only whole basis points', () => {
    for (const rate of Object.values(VAT_RATES_BASIS_POINTS)) expect(Number.isInteger(rate)).toBe(true);
  });
});

describe('VAT rounding: nearest minor unit, halves up', () => {
  it.each([
    // net, rate, exact VAT, expected
    [100, 2000, '20', 20],
    [50, 1900, '9.5 (exactly half)', 10],
    [150, 1900, '28.5 (exactly half)', 29],
    [150, 2300, '34.5 (exactly half)', 35],
    [2, 2300, '0.46 (just below half)', 0],
    [3, 1900, '0.57 (just above half)', 1],
    [1_234_567, 2300, '283950.41', 283_950],
    [0, 2000, '0', 0],
    [999, 0, '0 (US)', 0],
  ])('net %i at %i bp (exact %s) → %i', (net, rate, _exact, expected) => {
    expect(vatOn(net, rate)).toBe(expected);
  });

  it('is exact even where floating point would drift', () => {
    // 1.15 * 100 is 114.99999999999999 in floats; 2^53 - 1 at 23% overflows doubles' precision.
    expect(vatOn(115, 10_000)).toBe(115);
    expect(vatOn(Number.MAX_SAFE_INTEGER, 2300)).toBe(2_071_655_828_590_428);
  });
});
