/** Base class of every error the invoicing domain raises; adapters map these to results. */
export class InvoicingError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** One reason an input was rejected, pointing at the offending field. */
export interface ValidationIssue {
  readonly path: string;
  readonly message: string;
}

/** The input breaks a business rule or is malformed. */
export class ValidationError extends InvoicingError {
  readonly issues: readonly ValidationIssue[];

  constructor(issues: readonly ValidationIssue[], options?: ErrorOptions) {
    super(`Invalid input: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`, options);
    this.issues = issues;
  }
}

/** No invoice exists with the requested id. */
export class InvoiceNotFoundError extends InvoicingError {
  constructor(readonly invoiceId: string) {
    super(`Invoice not found: ${invoiceId}`);
  }
}

/** An invoice with this id was already stored. */
export class InvoiceAlreadyExistsError extends InvoicingError {
  constructor(
    readonly invoiceId: string,
    options?: ErrorOptions,
  ) {
    super(`Invoice already exists: ${invoiceId}`, options);
  }
}

/** The invoice changed since it was read, or its state forbids the change. */
export class InvoiceConflictError extends InvoicingError {
  constructor(
    readonly invoiceId: string,
    reason: string,
    options?: ErrorOptions,
  ) {
    super(`Invoice ${invoiceId} conflict: ${reason}`, options);
  }
}
