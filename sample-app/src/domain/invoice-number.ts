import { ValidationError } from './errors.js';

const INVOICE_NUMBER = /^INV-\d{8}-[A-Z0-9]{6}$/;

/**
 * The human-facing invoice number: `INV-<issue date as YYYYMMDD>-<6 characters>`, e.g. `INV-20250314-7K2Q9D`.
 * The suffix comes from the invoice id, so numbers need no shared counter.
 */
export function invoiceNumberFor(issuedAt: Date, invoiceId: string): string {
  const date = issuedAt.toISOString().slice(0, 10).replaceAll('-', '');
  const suffix = invoiceId
    .replace(/[^a-zA-Z0-9]/g, '')
    .slice(-6)
    .toUpperCase()
    .padStart(6, '0');
  return assertInvoiceNumber(`INV-${date}-${suffix}`);
}

/** Checks the shape of an invoice number. */
export function assertInvoiceNumber(value: string): string {
  if (!INVOICE_NUMBER.test(value)) {
    throw new ValidationError([{ path: 'number', message: 'must look like INV-YYYYMMDD-XXXXXX' }]);
  }
  return value;
}
