import { describe, expect, it } from 'vitest';
import { InMemoryEventPublisher } from '../../src/adapters/in-memory-event-publisher.js';
import { InMemoryInvoiceMetrics } from '../../src/adapters/in-memory-invoice-metrics.js';
import { InMemoryInvoiceRepository } from '../../src/adapters/in-memory-invoice-repository.js';
import { InMemoryNotifier } from '../../src/adapters/in-memory-notifier.js';
import { createInvoice } from '../../src/application/create-invoice.js';
import { UnreadableEventError } from '../../src/notifications/errors.js';
import { FIELDS_READ, readInvoiceCreatedV1 } from '../../src/notifications/invoice-created-v1.js';
import { notifyInvoiceCreated } from '../../src/notifications/notify-invoice-created.js';
import { eventContract, type Json } from '../support/contract-validators.js';
import { fixedClock, newInvoice, sequentialIds } from '../support/invoice-fixtures.js';

// The consumer's side of InvoiceCreated v1: the notifier is tested against the schema, never against the
// producer's code, so either side can change and these tests say whether they still fit.
const contract = eventContract('invoice-created.v1.schema.json');
const properties = contract.schema.properties as Record<string, Json>;

/** A v1 detail written from the schema alone. */
const example = {
  schemaVersion: 1,
  invoiceId: '0b6c9a7e-1f0d-4a8e-9c11-5d2f3e4a5b6c',
  invoiceNumber: 'INV-20250314-0B6C9A',
  customerId: 'acme',
  country: 'DE',
  currency: 'EUR',
  netTotal: 150,
  vatAmount: 29,
  grossTotal: 179,
  issuedAt: '2025-03-14T10:00:00.000Z',
};

describe('the notifier, as a consumer of InvoiceCreated v1', () => {
  it('the example it is tested with is a valid v1 event', () => {
    expect(contract.violations(example)).toEqual([]);
  });

  it.each(Object.entries(FIELDS_READ))('the schema guarantees %s, which it reads, as %s', (name, kind) => {
    expect(contract.schema.required).toContain(name);
    const property = properties[name];
    if (kind === 'one') expect(property?.enum).toEqual([1]);
    else if (kind === 'date-time') expect(property).toMatchObject({ type: 'string', format: 'date-time' });
    else expect(property?.type).toBe(kind);
    if (kind === 'string') {
      expect(Number(property?.minLength ?? 0) >= 1 || property?.pattern !== undefined).toBe(true);
    }
  });

  it('sends the customer a notification with the amount in the currency’s decimals', async () => {
    const notifier = new InMemoryNotifier();
    await notifyInvoiceCreated({ notifier })(example);
    expect(notifier.sent).toEqual([
      {
        customerId: 'acme',
        invoiceId: example.invoiceId,
        subject: 'Invoice INV-20250314-0B6C9A',
        text: 'Invoice INV-20250314-0B6C9A for €1.79 was issued on 2025-03-14.',
      },
    ]);
  });

  it('ignores fields it does not know (an additive change keeps v1)', () => {
    expect(readInvoiceCreatedV1({ ...example, purchaseOrder: 'PO-1' })).toMatchObject({ grossTotal: 179 });
  });

  it.each(Object.keys(FIELDS_READ))('refuses an event without %s, which the schema refuses too', (name) => {
    const { [name as keyof typeof example]: _gone, ...broken } = example;
    expect(contract.violations(broken)).not.toEqual([]);
    expect(() => readInvoiceCreatedV1(broken)).toThrow(UnreadableEventError);
  });

  it('refuses a retyped amount and a later schema version, naming both', () => {
    const broken = { ...example, grossTotal: '179', schemaVersion: 2 };
    expect(contract.violations(broken)).not.toEqual([]);
    expect(() => readInvoiceCreatedV1(broken)).toThrow(/grossTotal.*schemaVersion|schemaVersion.*grossTotal/);
  });

  it('reads every event the producer raises today', async () => {
    const events = new InMemoryEventPublisher();
    const create = createInvoice({
      invoices: new InMemoryInvoiceRepository(),
      events,
      clock: fixedClock(),
      ids: sequentialIds('inv'),
      metrics: new InMemoryInvoiceMetrics(),
    });
    await create(newInvoice({ customerId: 'acme', country: 'FR', currency: 'EUR' }));
    const notifier = new InMemoryNotifier();
    for (const detail of events.published) await notifyInvoiceCreated({ notifier })(detail);
    expect(notifier.sent).toEqual([expect.objectContaining({ customerId: 'acme', invoiceId: 'inv-1' })]);
  });
});
