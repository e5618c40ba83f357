import {
  CreateEventBusCommand,
  EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { EVENT_SOURCE, EventBridgeEventPublisher } from '../../src/adapters/eventbridge-event-publisher.js';
import { InMemoryEventPublisher } from '../../src/adapters/in-memory-event-publisher.js';
import { InMemoryInvoiceMetrics } from '../../src/adapters/in-memory-invoice-metrics.js';
import { InMemoryInvoiceRepository } from '../../src/adapters/in-memory-invoice-repository.js';
import { createInvoice } from '../../src/application/create-invoice.js';
import type { EventPublisher } from '../../src/application/ports.js';
import { eventContract } from '../support/contract-validators.js';
import { fixedClock, newInvoice } from '../support/invoice-fixtures.js';
import { motoClientConfig, waitForMoto } from '../support/moto-server.js';

const contract = eventContract('invoice-created.v1.schema.json');

function createWith(events: EventPublisher) {
  return createInvoice({
    invoices: new InMemoryInvoiceRepository(),
    events,
    clock: fixedClock(),
    ids: { next: () => '0b6c9a7e-1f0d-4a8e-9c11-5d2f3e4a5b6c' },
    metrics: new InMemoryInvoiceMetrics(),
  });
}

describe('InvoiceCreated honours contracts/events/invoice-created.v1.schema.json', () => {
  it('as the use case raises it', async () => {
    const events = new InMemoryEventPublisher();
    await createWith(events)(newInvoice({ country: 'FR', currency: 'EUR' }));
    expect(events.published).toHaveLength(1);
    expect(contract.violations(events.published[0])).toEqual([]);
  });

  it('the validator really rejects a broken event', () => {
    expect(contract.violations({ schemaVersion: 2, netTotal: 1.5 }).length).toBeGreaterThan(2);
  });

  describe('as EventBridge delivers it (moto: bus → rule → SQS)', () => {
    let eventBridge: EventBridgeClient;
    let sqs: SQSClient;

    beforeAll(async () => {
      await waitForMoto(inject('motoEndpoint'));
      const config = motoClientConfig(inject('motoEndpoint'));
      eventBridge = new EventBridgeClient(config);
      sqs = new SQSClient(config);
    });

    afterAll(() => {
      eventBridge?.destroy();
      sqs?.destroy();
    });

    it('arrives with our source, detail-type and a valid detail', async () => {
      await eventBridge.send(new CreateEventBusCommand({ Name: 'invoices' }));
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'invoice-events' }));
      const { Attributes } = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
      );
      await eventBridge.send(
        new PutRuleCommand({
          Name: 'all-invoice-events',
          EventBusName: 'invoices',
          EventPattern: JSON.stringify({ source: [EVENT_SOURCE] }),
        }),
      );
      await eventBridge.send(
        new PutTargetsCommand({
          Rule: 'all-invoice-events',
          EventBusName: 'invoices',
          Targets: [{ Id: 'queue', Arn: Attributes?.QueueArn }],
        }),
      );

      const invoice = await createWith(new EventBridgeEventPublisher(eventBridge, 'invoices'))(newInvoice());

      const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
      expect(Messages).toHaveLength(1);
      const envelope = JSON.parse(Messages?.[0]?.Body ?? '{}');
      expect(envelope).toMatchObject({ source: EVENT_SOURCE, 'detail-type': 'InvoiceCreated' });
      expect(contract.violations(envelope.detail)).toEqual([]);
      expect(envelope.detail).toMatchObject({ invoiceId: invoice.id, vatAmount: 20 });
    });
  });
});
