import type { Invoice } from '../domain/invoice.js';
import type { InvoiceCreated } from '../domain/invoice-created.js';

/** Where invoices live. Implementations translate storage errors into domain errors. */
export interface InvoiceRepository {
  /** Stores a new invoice; throws InvoiceAlreadyExistsError if the id is taken. */
  add(invoice: Invoice): Promise<void>;
  /** Replaces an invoice; throws InvoiceConflictError unless the stored version is `invoice.version - 1`. */
  update(invoice: Invoice): Promise<void>;
  /** The invoice with this id, or undefined. */
  get(id: string): Promise<Invoice | undefined>;
  /** A customer's invoices, oldest first. */
  listByCustomer(customerId: string): Promise<Invoice[]>;
}

/** Announces domain events to other services. */
export interface EventPublisher {
  /** Publishes one InvoiceCreated event. */
  publishInvoiceCreated(event: InvoiceCreated): Promise<void>;
}

/** Business metrics the service reports. Recording never fails the use case. */
export interface InvoiceMetrics {
  /** Counts an issued invoice and the VAT it charges. */
  invoiceCreated(invoice: Invoice): void;
}

/** The current time, passed in so tests control it. */
export interface Clock {
  /** Now. */
  now(): Date;
}

/** New unique ids, passed in so tests control them. */
export interface IdGenerator {
  /** A new unique id. */
  next(): string;
}
