import { ValidationError } from './errors.js';
import type { MinorUnits } from './money.js';

/** Standard VAT (or sales tax) rates by ISO 3166 country, in basis points (2000 = 20%). */
export const VAT_RATES_BASIS_POINTS = {
  GB: 2000,
  DE: 1900,
  FR: 2000,
  IE: 2300,
  US: 0,
} as const satisfies Record<string, number>;

export type Country = keyof typeof VAT_RATES_BASIS_POINTS;

/** Narrows a string to a country with a known VAT rate, or raises a ValidationError. */
export function parseCountry(value: string, path = 'country'): Country {
  if (!Object.hasOwn(VAT_RATES_BASIS_POINTS, value)) {
    const known = Object.keys(VAT_RATES_BASIS_POINTS).join(', ');
    throw new ValidationError([{ path, message: `no VAT rate for country; must be one of ${known}` }]);
  }
  return value as Country;
}

/** The VAT rate for a country, in basis points. */
export function vatRateFor(country: Country): number {
  return VAT_RATES_BASIS_POINTS[country];
}

/**
 * VAT on a net amount. The rounding rule, the only one in the service: VAT is computed once on the
 * invoice's net total (not per line) and rounded to the nearest minor unit, halves rounded up
 * (0.5p becomes 1p). The arithmetic is exact (BigInt), so no float error can move an edge.
 */
export function vatOn(net: MinorUnits, rateBasisPoints: number): MinorUnits {
  const scaled = BigInt(net) * BigInt(rateBasisPoints);
  return Number((scaled + 5000n) / 10000n);
}
