import type { Invoice, NewInvoice } from '../../src/domain/invoice.js';
import { issueInvoice } from '../../src/domain/invoice.js';

/** A valid new invoice, with overrides. */
export function newInvoice(overrides: Partial<NewInvoice> = {}): NewInvoice {
  return {
    customerId: 'cust-1',
    country: 'GB',
    currency: 'GBP',
    lines: [{ description: 'Consulting', quantity: 1, unitPrice: 100 }],
    ...overrides,
  };
}

/** An issued invoice, with overrides on the input. */
export function issued(
  id: string,
  overrides: Partial<NewInvoice> = {},
  issuedAt = new Date('2025-03-14T10:00:00Z'),
): Invoice {
  return issueInvoice(newInvoice(overrides), id, issuedAt);
}

/** A clock fixed at one instant. */
export function fixedClock(iso = '2025-03-14T10:00:00.000Z') {
  return { now: () => new Date(iso) };
}

/** Ids id-1, id-2, … */
export function sequentialIds(prefix = 'id') {
  let n = 0;
  return {
    next: () => {
      n += 1;
      return `${prefix}-${n}`;
    },
  };
}
