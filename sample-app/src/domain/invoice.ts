import { InvoiceConflictError, ValidationError, type ValidationIssue } from './errors.js';
import { invoiceNumberFor } from './invoice-number.js';
import { type Currency, type MinorUnits, parseCurrency } from './money.js';
import { type Country, parseCountry, vatOn, vatRateFor } from './vat.js';

/** One line of an invoice: a quantity of something at a unit price. */
export interface InvoiceLine {
  readonly description: string;
  readonly quantity: number;
  readonly unitPrice: MinorUnits;
}

export type InvoiceStatus = 'issued' | 'paid';

/** An issued invoice. Amounts are integer minor units of `currency`. */
export interface Invoice {
  readonly id: string;
  readonly number: string;
  readonly customerId: string;
  readonly country: Country;
  readonly currency: Currency;
  readonly lines: readonly InvoiceLine[];
  readonly netTotal: MinorUnits;
  readonly vatRateBasisPoints: number;
  readonly vatAmount: MinorUnits;
  readonly grossTotal: MinorUnits;
  readonly status: InvoiceStatus;
  readonly issuedAt: string;
  readonly paidAt?: string;
  /** Optimistic-concurrency version: 1 when issued, +1 on every change. */
  readonly version: number;
}

/** What a caller supplies to issue an invoice. */
export interface NewInvoice {
  readonly customerId: string;
  readonly country: string;
  readonly currency: string;
  readonly lines: readonly InvoiceLine[];
}

export const MAX_LINES = 100;
const MAX_DESCRIPTION = 200;
const MAX_QUANTITY = 1_000_000;

/** Issues an invoice: validates it, prices every line and applies the country's VAT. */
export function issueInvoice(input: NewInvoice, id: string, issuedAt: Date): Invoice {
  const issues = validate(input);
  if (issues.length > 0) throw new ValidationError(issues);
  const country = parseCountry(input.country);
  const currency = parseCurrency(input.currency);
  const netTotal = input.lines.reduce((sum, line) => sum + line.quantity * line.unitPrice, 0);
  const vatRateBasisPoints = vatRateFor(country);
  const vatAmount = Number.isSafeInteger(netTotal) ? vatOn(netTotal, vatRateBasisPoints) : Number.NaN;
  if (!Number.isSafeInteger(netTotal + vatAmount)) {
    throw new ValidationError([{ path: 'lines', message: 'total is too large' }]);
  }
  return {
    id,
    number: invoiceNumberFor(issuedAt, id),
    customerId: input.customerId,
    country,
    currency,
    lines: input.lines.map((line) => ({ ...line })),
    netTotal,
    vatRateBasisPoints,
    vatAmount,
    grossTotal: netTotal + vatAmount,
    status: 'issued',
    issuedAt: issuedAt.toISOString(),
    version: 1,
  };
}

/** Records payment; an invoice is paid at most once. */
export function markPaid(invoice: Invoice, paidAt: Date): Invoice {
  if (invoice.status === 'paid') {
    throw new InvoiceConflictError(invoice.id, 'already paid');
  }
  return { ...invoice, status: 'paid', paidAt: paidAt.toISOString(), version: invoice.version + 1 };
}

function validate(input: NewInvoice): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (input.customerId.trim() === '' || input.customerId.length > 64) {
    issues.push({ path: 'customerId', message: 'must be 1 to 64 characters' });
  }
  collect(issues, () => parseCountry(input.country));
  collect(issues, () => parseCurrency(input.currency));
  if (input.lines.length === 0 || input.lines.length > MAX_LINES) {
    issues.push({ path: 'lines', message: `must hold 1 to ${MAX_LINES} lines` });
  }
  input.lines.forEach((line, index) => {
    if (line.description.trim() === '' || line.description.length > MAX_DESCRIPTION) {
      issues.push({
        path: `lines[${index}].description`,
        message: `must be 1 to ${MAX_DESCRIPTION} characters`,
      });
    }
    if (!Number.isSafeInteger(line.quantity) || line.quantity < 1 || line.quantity > MAX_QUANTITY) {
      issues.push({
        path: `lines[${index}].quantity`,
        message: `must be an integer from 1 to ${MAX_QUANTITY}`,
      });
    }
    if (!Number.isSafeInteger(line.unitPrice) || line.unitPrice < 0) {
      issues.push({
        path: `lines[${index}].unitPrice`,
        message: 'must be a non-negative integer number of minor units',
      });
    }
  });
  return issues;
}

function collect(issues: ValidationIssue[], check: () => unknown): void {
  try {
    check();
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    issues.push(...error.issues);
  }
}
