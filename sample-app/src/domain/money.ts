import { ValidationError } from './errors.js';

/** ISO 4217 currencies this service invoices in. */
export const CURRENCIES = ['GBP', 'EUR', 'USD'] as const;
export type Currency = (typeof CURRENCIES)[number];

/** An amount in integer minor units (pence, cents): money never touches floating point. */
export type MinorUnits = number;

/** Narrows a string to a supported currency, or raises a ValidationError naming `path`. */
export function parseCurrency(value: string, path = 'currency'): Currency {
  const found = CURRENCIES.find((currency) => currency === value);
  if (found === undefined) {
    throw new ValidationError([{ path, message: `must be one of ${CURRENCIES.join(', ')}` }]);
  }
  return found;
}
