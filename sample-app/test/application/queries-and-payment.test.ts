import { describe, expect, it } from 'vitest';
import { InMemoryInvoiceRepository } from '../../src/adapters/in-memory-invoice-repository.js';
import { getInvoice } from '../../src/application/get-invoice.js';
import { listCustomerInvoices } from '../../src/application/list-customer-invoices.js';
import { markInvoicePaid } from '../../src/application/mark-invoice-paid.js';
import { InvoiceConflictError, InvoiceNotFoundError, ValidationError } from '../../src/domain/errors.js';
import { fixedClock, issued } from '../support/invoice-fixtures.js';

describe('get invoice', () => {
  it('returns the stored invoice', async () => {
    const invoices = new InMemoryInvoiceRepository();
    await invoices.add(issued('a'));
    expect((await getInvoice({ invoices })('a')).id).toBe('a');
  });

  it('raises InvoiceNotFoundError for an unknown id', async () => {
    await expect(getInvoice({ invoices: new InMemoryInvoiceRepository() })('nope')).rejects.toThrow(
      InvoiceNotFoundError,
    );
  });
});

describe("list a customer's invoices", () => {
  it('returns only that customer’s, oldest first', async () => {
    const invoices = new InMemoryInvoiceRepository();
    await invoices.add(issued('late', { customerId: 'c1' }, new Date('2025-02-01T00:00:00Z')));
    await invoices.add(issued('other', { customerId: 'c2' }));
    await invoices.add(issued('early', { customerId: 'c1' }, new Date('2025-01-01T00:00:00Z')));
    const list = await listCustomerInvoices({ invoices })('c1');
    expect(list.map((invoice) => invoice.id)).toEqual(['early', 'late']);
  });

  it('rejects a blank customer id', async () => {
    await expect(listCustomerInvoices({ invoices: new InMemoryInvoiceRepository() })(' ')).rejects.toThrow(
      ValidationError,
    );
  });
});

describe('mark paid', () => {
  it('stores the paid invoice', async () => {
    const invoices = new InMemoryInvoiceRepository();
    await invoices.add(issued('a'));
    const paid = await markInvoicePaid({ invoices, clock: fixedClock('2025-04-01T00:00:00.000Z') })('a');
    expect(paid.paidAt).toBe('2025-04-01T00:00:00.000Z');
    expect(await invoices.get('a')).toMatchObject({ status: 'paid', version: 2 });
  });

  it('raises a conflict the second time', async () => {
    const invoices = new InMemoryInvoiceRepository();
    await invoices.add(issued('a'));
    const pay = markInvoicePaid({ invoices, clock: fixedClock() });
    await pay('a');
    await expect(pay('a')).rejects.toThrow(InvoiceConflictError);
  });

  it('raises not found for an unknown id', async () => {
    const pay = markInvoicePaid({ invoices: new InMemoryInvoiceRepository(), clock: fixedClock() });
    await expect(pay('nope')).rejects.toThrow(InvoiceNotFoundError);
  });
});
