import { InvoiceNotFoundError } from '../domain/errors.js';
import type { Invoice } from '../domain/invoice.js';
import type { InvoiceRepository } from './ports.js';

/** The invoice with this id; throws InvoiceNotFoundError if there is none. */
export type GetInvoice = (id: string) => Promise<Invoice>;

/** Builds the get-invoice use case. */
export function getInvoice(deps: { readonly invoices: InvoiceRepository }): GetInvoice {
  return async (id) => {
    const invoice = await deps.invoices.get(id);
    if (invoice === undefined) throw new InvoiceNotFoundError(id);
    return invoice;
  };
}
