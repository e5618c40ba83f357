import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbInvoiceRepository } from '../adapters/dynamodb-invoice-repository.js';
import { EventBridgeEventPublisher } from '../adapters/eventbridge-event-publisher.js';
import { randomIdGenerator } from '../adapters/random-id-generator.js';
import { systemClock } from '../adapters/system-clock.js';
import { createInvoice } from '../application/create-invoice.js';
import { getInvoice } from '../application/get-invoice.js';
import { listCustomerInvoices } from '../application/list-customer-invoices.js';
import { markInvoicePaid } from '../application/mark-invoice-paid.js';
import { once } from './once.js';

/** Environment variables the functions read (set by the CDK stack). */
export const ENV = { tableName: 'TABLE_NAME', eventBusName: 'EVENT_BUS_NAME' } as const;

/**
 * Wires adapters to use cases. Every part is built on first use and then reused for the life of the
 * execution environment (one cold start), so a function only reads the variables and creates the clients
 * its own use case needs.
 */
export function createCompositionRoot(env: NodeJS.ProcessEnv) {
  const required = (name: string): string => {
    const value = env[name];
    if (value === undefined || value === '') throw new Error(`Missing environment variable ${name}`);
    return value;
  };
  const logger = once(() => new Logger({ serviceName: 'invoicing' }));
  const invoices = once(
    () =>
      new DynamoDbInvoiceRepository(
        DynamoDBDocumentClient.from(new DynamoDBClient({}), {
          marshallOptions: { removeUndefinedValues: true },
        }),
        required(ENV.tableName),
      ),
  );
  const events = once(
    () => new EventBridgeEventPublisher(new EventBridgeClient({}), required(ENV.eventBusName)),
  );
  return {
    logger,
    newId: randomIdGenerator.next,
    createInvoice: once(() =>
      createInvoice({ invoices: invoices(), events: events(), clock: systemClock, ids: randomIdGenerator }),
    ),
    getInvoice: once(() => getInvoice({ invoices: invoices() })),
    listCustomerInvoices: once(() => listCustomerInvoices({ invoices: invoices() })),
    markInvoicePaid: once(() => markInvoicePaid({ invoices: invoices(), clock: systemClock })),
  };
}

export type CompositionRoot = ReturnType<typeof createCompositionRoot>;

/** The process-wide root, created from process.env on the first invocation (not at import). */
export const compositionRoot = once(() => createCompositionRoot(process.env));
