import type { Invoice } from './invoice.js';

/** Domain event raised once an invoice is issued. Version 1 of contracts/events/invoice-created.v1.schema.json. */
export interface InvoiceCreated {
  readonly schemaVersion: 1;
  readonly invoiceId: string;
  readonly invoiceNumber: string;
  readonly customerId: string;
  readonly country: string;
  readonly currency: string;
  readonly netTotal: number;
  readonly vatAmount: number;
  readonly grossTotal: number;
  readonly issuedAt: string;
}

/** The InvoiceCreated event for an issued invoice. */
export function invoiceCreated(invoice: Invoice): InvoiceCreated {
  return {
    schemaVersion: 1,
    invoiceId: invoice.id,
    invoiceNumber: invoice.number,
    customerId: invoice.customerId,
    country: invoice.country,
    currency: invoice.currency,
    netTotal: invoice.netTotal,
    vatAmount: invoice.vatAmount,
    grossTotal: invoice.grossTotal,
    issuedAt: invoice.issuedAt,
  };
}
