/** A message for a customer about one of their invoices. */
export interface CustomerNotification {
  readonly customerId: string;
  readonly invoiceId: string;
  readonly subject: string;
  readonly text: string;
}

/** Delivers notifications to customers (email, SMS, a queue: the adapter decides). */
export interface Notifier {
  /** Sends one notification. */
  send(notification: CustomerNotification): Promise<void>;
}
