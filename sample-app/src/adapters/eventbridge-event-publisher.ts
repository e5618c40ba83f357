import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { EventPublisher } from '../application/ports.js';
import { InvoicingError } from '../domain/errors.js';
import type { InvoiceCreated } from '../domain/invoice-created.js';

/** The `source` of every event this service puts on its bus. */
export const EVENT_SOURCE = 'sample.invoicing';
/** The `detail-type` of the InvoiceCreated event; its detail is contracts/events/invoice-created.v1. */
export const INVOICE_CREATED = 'InvoiceCreated';

/** EventPublisher on an EventBridge bus; the detail is the versioned InvoiceCreated contract. */
export class EventBridgeEventPublisher implements EventPublisher {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly busName: string,
  ) {}

  async publishInvoiceCreated(event: InvoiceCreated): Promise<void> {
    const result = await this.client.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: this.busName,
            Source: EVENT_SOURCE,
            DetailType: INVOICE_CREATED,
            Detail: JSON.stringify(event),
          },
        ],
      }),
    );
    if ((result.FailedEntryCount ?? 0) > 0) {
      const entry = result.Entries?.[0];
      throw new InvoicingError(`InvoiceCreated was not published: ${entry?.ErrorCode ?? 'unknown error'}`);
    }
  }
}
