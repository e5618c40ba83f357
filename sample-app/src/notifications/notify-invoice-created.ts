import { type IssuedInvoice, readInvoiceCreatedV1 } from './invoice-created-v1.js';
import type { CustomerNotification, Notifier } from './ports.js';

/** Tells the customer about an invoice issued to them, from an InvoiceCreated v1 detail. */
export type NotifyInvoiceCreated = (detail: unknown) => Promise<CustomerNotification>;

/** Builds the notify-on-InvoiceCreated use case: read the event (or throw UnreadableEventError), send. */
export function notifyInvoiceCreated(deps: { readonly notifier: Notifier }): NotifyInvoiceCreated {
  return async (detail) => {
    const notification = notificationFor(readInvoiceCreatedV1(detail));
    await deps.notifier.send(notification);
    return notification;
  };
}

/** The message for an issued invoice, with the amount in the currency's own decimals (GBP 120 → 1.20). */
export function notificationFor(invoice: IssuedInvoice): CustomerNotification {
  const format = new Intl.NumberFormat('en-GB', { style: 'currency', currency: invoice.currency });
  const decimals = format.resolvedOptions().maximumFractionDigits ?? 2;
  const amount = format.format(invoice.grossTotal / 10 ** decimals);
  return {
    customerId: invoice.customerId,
    invoiceId: invoice.invoiceId,
    subject: `Invoice ${invoice.invoiceNumber}`,
    text: `Invoice ${invoice.invoiceNumber} for ${amount} was issued on ${invoice.issuedAt.slice(0, 10)}.`,
  };
}
