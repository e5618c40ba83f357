import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbInvoiceRepository } from '../adapters/dynamodb-invoice-repository.js';
import { EventBridgeEventPublisher } from '../adapters/eventbridge-event-publisher.js';
import { LogNotifier } from '../adapters/log-notifier.js';
import { PowertoolsInvoiceMetrics } from '../adapters/powertools-invoice-metrics.js';
import { randomIdGenerator } from '../adapters/random-id-generator.js';
import { systemClock } from '../adapters/system-clock.js';
import { createInvoice } from '../application/create-invoice.js';
import { getInvoice } from '../application/get-invoice.js';
import { listCustomerInvoices } from '../application/list-customer-invoices.js';
import { markInvoicePaid } from '../application/mark-invoice-paid.js';
import { notifyInvoiceCreated } from '../notifications/notify-invoice-created.js';
import type { Observability } from '../observability/observability.js';
import { once } from './once.js';

/** Environment variables the functions read (set by the CDK stack). */
export const ENV = { tableName: 'TABLE_NAME', eventBusName: 'EVENT_BUS_NAME' } as const;

/** The service name on every log line, metric and trace; the CloudWatch namespace of its metrics. */
export const OBSERVABILITY = { serviceName: 'invoicing', metricsNamespace: 'SampleApp/Invoicing' } as const;

/**
 * Logger, Metrics and Tracer, configured here and nowhere else. Tracing is on only inside Lambda (Powertools
 * turns it off elsewhere), where the function's active tracing gives each invocation its trace.
 */
export function createObservability(): Observability {
  const { serviceName, metricsNamespace } = OBSERVABILITY;
  const logger = new Logger({ serviceName });
  return {
    logger,
    metrics: new Metrics({ serviceName, namespace: metricsNamespace, logger }),
    tracer: new Tracer({ serviceName }),
  };
}

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
  const observability = once(createObservability);
  // Every AWS SDK client is captured by the tracer: each call becomes a subsegment of the invocation.
  const traced = <T>(client: T): T => observability().tracer.captureAWSv3Client(client);
  const invoices = once(
    () =>
      new DynamoDbInvoiceRepository(
        DynamoDBDocumentClient.from(traced(new DynamoDBClient({})), {
          marshallOptions: { removeUndefinedValues: true },
        }),
        required(ENV.tableName),
      ),
  );
  const events = once(
    () => new EventBridgeEventPublisher(traced(new EventBridgeClient({})), required(ENV.eventBusName)),
  );
  return {
    observability,
    newId: randomIdGenerator.next,
    createInvoice: once(() =>
      createInvoice({
        invoices: invoices(),
        events: events(),
        clock: systemClock,
        ids: randomIdGenerator,
        metrics: new PowertoolsInvoiceMetrics(observability().metrics),
      }),
    ),
    getInvoice: once(() => getInvoice({ invoices: invoices() })),
    listCustomerInvoices: once(() => listCustomerInvoices({ invoices: invoices() })),
    markInvoicePaid: once(() => markInvoicePaid({ invoices: invoices(), clock: systemClock })),
    notifyInvoiceCreated: once(() =>
      notifyInvoiceCreated({ notifier: new LogNotifier(observability().logger) }),
    ),
  };
}

export type CompositionRoot = ReturnType<typeof createCompositionRoot>;

/** The process-wide root, created from process.env on the first invocation (not at import). */
export const compositionRoot = once(() => createCompositionRoot(process.env));
