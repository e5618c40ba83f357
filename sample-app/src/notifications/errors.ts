/** Base class of every error the notifications module raises. */
export class NotificationError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** An event's detail does not carry what this consumer reads: the producer broke the contract. */
export class UnreadableEventError extends NotificationError {
  constructor(
    readonly problems: readonly string[],
    options?: ErrorOptions,
  ) {
    super(`Unreadable InvoiceCreated v1: ${problems.join('; ')}`, options);
  }
}
