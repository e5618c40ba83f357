import { ValidationError } from '../domain/errors.js';
import type { Invoice } from '../domain/invoice.js';
import type { InvoiceRepository } from './ports.js';

/** A customer's invoices, oldest first (empty if none). */
export type ListCustomerInvoices = (customerId: string) => Promise<Invoice[]>;

/** Builds the list-customer-invoices use case. */
export function listCustomerInvoices(deps: { readonly invoices: InvoiceRepository }): ListCustomerInvoices {
  return async (customerId) => {
    if (customerId.trim() === '') {
      throw new ValidationError([{ path: 'customerId', message: 'is required' }]);
    }
    return deps.invoices.listByCustomer(customerId);
  };
}
