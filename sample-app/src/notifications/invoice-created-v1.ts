import { UnreadableEventError } from './errors.js';

/**
 * What this consumer needs from InvoiceCreated v1, field by field: its side of the contract. The reader
 * below checks exactly these and ignores anything else (a tolerant reader: fields the producer adds do not
 * break it), and the consumer contract test checks that the published schema still guarantees each one.
 * The notifier knows the event only through contracts/events/invoice-created.v1.schema.json, never through
 * the producer's code.
 */
export const FIELDS_READ = {
  schemaVersion: 'one',
  invoiceId: 'string',
  invoiceNumber: 'string',
  customerId: 'string',
  currency: 'string',
  grossTotal: 'integer',
  issuedAt: 'date-time',
} as const;

export type FieldKind = (typeof FIELDS_READ)[keyof typeof FIELDS_READ];

/** An issued invoice, as the notifier reads it from InvoiceCreated v1. */
export interface IssuedInvoice {
  readonly invoiceId: string;
  readonly invoiceNumber: string;
  readonly customerId: string;
  readonly currency: string;
  /** Integer minor units of `currency`. */
  readonly grossTotal: number;
  readonly issuedAt: string;
}

const accepts: Record<FieldKind, (value: unknown) => boolean> = {
  one: (value) => value === 1,
  string: (value) => typeof value === 'string' && value !== '',
  integer: (value) => Number.isSafeInteger(value),
  'date-time': (value) => typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value),
};

const DESCRIBED: Record<FieldKind, string> = {
  one: '1',
  string: 'a non-empty string',
  integer: 'an integer',
  'date-time': 'an ISO 8601 date-time',
};

/** Reads an InvoiceCreated v1 detail, or throws UnreadableEventError naming every field it cannot use. */
export function readInvoiceCreatedV1(detail: unknown): IssuedInvoice {
  if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) {
    throw new UnreadableEventError(['detail is not an object']);
  }
  const fields = detail as Record<string, unknown>;
  const problems = Object.entries(FIELDS_READ)
    .filter(([name, kind]) => !accepts[kind](fields[name]))
    .map(([name, kind]) => `${name} must be ${DESCRIBED[kind]}`);
  if (problems.length > 0) throw new UnreadableEventError(problems);
  return {
    invoiceId: fields.invoiceId as string,
    invoiceNumber: fields.invoiceNumber as string,
    customerId: fields.customerId as string,
    currency: fields.currency as string,
    grossTotal: fields.grossTotal as number,
    issuedAt: fields.issuedAt as string,
  };
}
