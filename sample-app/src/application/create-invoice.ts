import { type Invoice, issueInvoice, type NewInvoice } from '../domain/invoice.js';
import { invoiceCreated } from '../domain/invoice-created.js';
import type { Clock, EventPublisher, IdGenerator, InvoiceMetrics, InvoiceRepository } from './ports.js';

export interface CreateInvoiceDeps {
  readonly invoices: InvoiceRepository;
  readonly events: EventPublisher;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly metrics: InvoiceMetrics;
}

/** Issues an invoice, stores it, announces InvoiceCreated and counts it. */
export type CreateInvoice = (input: NewInvoice) => Promise<Invoice>;

/** Builds the create-invoice use case. */
export function createInvoice(deps: CreateInvoiceDeps): CreateInvoice {
  return async (input) => {
    const invoice = issueInvoice(input, deps.ids.next(), deps.clock.now());
    await deps.invoices.add(invoice);
    await deps.events.publishInvoiceCreated(invoiceCreated(invoice));
    deps.metrics.invoiceCreated(invoice);
    return invoice;
  };
}
