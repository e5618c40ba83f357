import type { EventPublisher } from '../application/ports.js';
import type { InvoiceCreated } from '../domain/invoice-created.js';

/** EventPublisher that keeps what it was given, for tests. */
export class InMemoryEventPublisher implements EventPublisher {
  readonly published: InvoiceCreated[] = [];

  async publishInvoiceCreated(event: InvoiceCreated): Promise<void> {
    this.published.push(event);
  }
}
