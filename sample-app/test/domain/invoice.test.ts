import { describe, expect, it } from 'vitest';
import { InvoiceConflictError, ValidationError } from '../../src/domain/errors.js';
import { issueInvoice, markPaid } from '../../src/domain/invoice.js';
import { newInvoice } from '../support/invoice-fixtures.js';

const at = new Date('2025-03-14T10:00:00Z');

describe('issueInvoice', () => {
  it('sums lines in minor units and applies the country VAT once on the net total', () => {
    const invoice = issueInvoice(
      newInvoice({
        country: 'DE',
        currency: 'EUR',
        lines: [
          { description: 'Widget', quantity: 3, unitPrice: 25 },
          { description: 'Gadget', quantity: 1, unitPrice: 75 },
        ],
      }),
      'abc',
      at,
    );
    expect(invoice).toMatchObject({
      netTotal: 150,
      vatRateBasisPoints: 1900,
      vatAmount: 29,
      grossTotal: 179,
    });
    expect(invoice).toMatchObject({ status: 'issued', version: 1, issuedAt: '2025-03-14T10:00:00.000Z' });
  });

  it('numbers the invoice from its issue date and id', () => {
    expect(issueInvoice(newInvoice(), '3f1c2d9e-aaaa-4bbb-8ccc-00000a1b2c3d', at).number).toBe(
      'INV-20250314-1B2C3D',
    );
  });

  it('reports every problem at once, naming the field', () => {
    const error = catchError(() =>
      issueInvoice(
        {
          customerId: '',
          country: 'XX',
          currency: 'JPY',
          lines: [{ description: '', quantity: 0, unitPrice: 1.5 }],
        },
        'id',
        at,
      ),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((issue) => issue.path)).toEqual([
      'customerId',
      'country',
      'currency',
      'lines[0].description',
      'lines[0].quantity',
      'lines[0].unitPrice',
    ]);
  });

  it('refuses an invoice with no lines', () => {
    expect(() => issueInvoice(newInvoice({ lines: [] }), 'id', at)).toThrow(ValidationError);
  });

  it('refuses totals beyond exact integer range', () => {
    const lines = [{ description: 'Big', quantity: 1_000_000, unitPrice: Number.MAX_SAFE_INTEGER }];
    expect(() => issueInvoice(newInvoice({ lines }), 'id', at)).toThrow(ValidationError);
  });
});

describe('markPaid', () => {
  it('records the payment time and bumps the version', () => {
    const paid = markPaid(issueInvoice(newInvoice(), 'id', at), new Date('2025-03-20T00:00:00Z'));
    expect(paid).toMatchObject({ status: 'paid', paidAt: '2025-03-20T00:00:00.000Z', version: 2 });
  });

  it('refuses to pay an invoice twice', () => {
    const paid = markPaid(issueInvoice(newInvoice(), 'id', at), at);
    expect(() => markPaid(paid, at)).toThrow(InvoiceConflictError);
  });
});

function catchError(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
