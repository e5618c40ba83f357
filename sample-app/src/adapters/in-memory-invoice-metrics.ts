import type { InvoiceMetrics } from '../application/ports.js';
import type { Invoice } from '../domain/invoice.js';

/** InvoiceMetrics that keeps the invoices it was told about, for use-case tests. */
export class InMemoryInvoiceMetrics implements InvoiceMetrics {
  readonly created: Invoice[] = [];

  invoiceCreated(invoice: Invoice): void {
    this.created.push(invoice);
  }
}
