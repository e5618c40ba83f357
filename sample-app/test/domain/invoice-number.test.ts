import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/domain/errors.js';
import { assertInvoiceNumber, invoiceNumberFor } from '../../src/domain/invoice-number.js';

describe('invoice numbers', () => {
  it('pads short ids', () => {
    expect(invoiceNumberFor(new Date('2024-12-31T23:59:59Z'), 'id-7')).toBe('INV-20241231-000ID7');
  });

  it('rejects malformed numbers', () => {
    expect(() => assertInvoiceNumber('INV-2024-1')).toThrow(ValidationError);
  });
});
