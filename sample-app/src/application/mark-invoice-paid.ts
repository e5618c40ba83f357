import { InvoiceNotFoundError } from '../domain/errors.js';
import { type Invoice, markPaid } from '../domain/invoice.js';
import type { Clock, InvoiceRepository } from './ports.js';

/** Records that an invoice was paid; throws InvoiceConflictError if it already was. */
export type MarkInvoicePaid = (id: string) => Promise<Invoice>;

/** Builds the mark-invoice-paid use case. */
export function markInvoicePaid(deps: {
  readonly invoices: InvoiceRepository;
  readonly clock: Clock;
}): MarkInvoicePaid {
  return async (id) => {
    const invoice = await deps.invoices.get(id);
    if (invoice === undefined) throw new InvoiceNotFoundError(id);
    const paid = markPaid(invoice, deps.clock.now());
    await deps.invoices.update(paid);
    return paid;
  };
}
