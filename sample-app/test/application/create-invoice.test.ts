import { describe, expect, it } from 'vitest';
import { InMemoryEventPublisher } from '../../src/adapters/in-memory-event-publisher.js';
import { InMemoryInvoiceMetrics } from '../../src/adapters/in-memory-invoice-metrics.js';
import { InMemoryInvoiceRepository } from '../../src/adapters/in-memory-invoice-repository.js';
import { createInvoice } from '../../src/application/create-invoice.js';
import { InvoiceAlreadyExistsError, ValidationError } from '../../src/domain/errors.js';
import { fixedClock, newInvoice, sequentialIds } from '../support/invoice-fixtures.js';

function setup(ids = sequentialIds()) {
  const invoices = new InMemoryInvoiceRepository();
  const events = new InMemoryEventPublisher();
  const metrics = new InMemoryInvoiceMetrics();
  return {
    invoices,
    events,
    metrics,
    create: createInvoice({ invoices, events, clock: fixedClock(), ids, metrics }),
  };
}

describe('create invoice', () => {
  it('creating an invoice with total 100 for country GB gives VAT 20 and saves exactly once', async () => {
    const { invoices, create } = setup();

    const invoice = await create(
      newInvoice({ country: 'GB', lines: [{ description: 'Work', quantity: 1, unitPrice: 100 }] }),
    );

    expect(invoice.netTotal).toBe(100);
    expect(invoice.vatAmount).toBe(20);
    expect(invoice.grossTotal).toBe(120);
    expect(invoices.writes).toBe(1);
    expect(await invoices.get(invoice.id)).toEqual(invoice);
  });

  it('announces InvoiceCreated with the stored totals', async () => {
    const { events, create } = setup();
    const invoice = await create(newInvoice());
    expect(events.published).toEqual([
      expect.objectContaining({ schemaVersion: 1, invoiceId: invoice.id, vatAmount: 20, grossTotal: 120 }),
    ]);
  });

  it('counts the invoice once it is stored and announced', async () => {
    const { metrics, create } = setup();
    const invoice = await create(newInvoice());
    expect(metrics.created).toEqual([invoice]);
  });

  it('stores, announces and counts nothing when the input is invalid', async () => {
    const { invoices, events, metrics, create } = setup();
    await expect(create(newInvoice({ country: 'XX' }))).rejects.toThrow(ValidationError);
    expect(invoices.writes).toBe(0);
    expect(events.published).toEqual([]);
    expect(metrics.created).toEqual([]);
  });

  it('announces nothing when the id is already taken', async () => {
    const { events, create } = setup({ next: () => 'same' });
    await create(newInvoice());
    await expect(create(newInvoice())).rejects.toThrow(InvoiceAlreadyExistsError);
    expect(events.published).toHaveLength(1);
  });
});
