import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { InMemoryEventPublisher } from '../../src/adapters/in-memory-event-publisher.js';
import { InMemoryInvoiceRepository } from '../../src/adapters/in-memory-invoice-repository.js';
import { PowertoolsInvoiceMetrics } from '../../src/adapters/powertools-invoice-metrics.js';
import { createInvoice } from '../../src/application/create-invoice.js';
import { getInvoice } from '../../src/application/get-invoice.js';
import { listCustomerInvoices } from '../../src/application/list-customer-invoices.js';
import { markInvoicePaid } from '../../src/application/mark-invoice-paid.js';
import type { InvoiceRepository } from '../../src/application/ports.js';
import { createInvoiceRoute } from '../../src/http/create-invoice-route.js';
import { getInvoiceRoute } from '../../src/http/get-invoice-route.js';
import { lambdaHttpHandler } from '../../src/http/lambda-http-handler.js';
import { listCustomerInvoicesRoute } from '../../src/http/list-customer-invoices-route.js';
import { markInvoicePaidRoute } from '../../src/http/mark-invoice-paid-route.js';
import type { Route } from '../../src/http/route.js';
import type { Observability } from '../../src/observability/observability.js';
import { fixedClock, sequentialIds } from './invoice-fixtures.js';

/**
 * The four handlers wired to in-memory adapters, exactly as the composition root wires the real ones; the
 * metrics are real Powertools Metrics, so their EMF lines can be captured from stdout.
 */
export function inMemoryApi(
  invoices: InvoiceRepository = new InMemoryInvoiceRepository(),
  logLevel: 'INFO' | 'SILENT' = 'SILENT',
) {
  const events = new InMemoryEventPublisher();
  const observability = testObservability(logLevel);
  const metrics = new PowertoolsInvoiceMetrics(observability.metrics);
  const clock = fixedClock();
  const correlationIds = sequentialIds('generated');
  const handler = (route: Route) =>
    lambdaHttpHandler(() => ({ observability, route, newId: correlationIds.next }));
  return {
    invoices,
    events,
    create: handler(
      createInvoiceRoute(createInvoice({ invoices, events, clock, ids: sequentialIds('inv'), metrics })),
    ),
    get: handler(getInvoiceRoute(getInvoice({ invoices }))),
    list: handler(listCustomerInvoicesRoute(listCustomerInvoices({ invoices }))),
    pay: handler(markInvoicePaidRoute(markInvoicePaid({ invoices, clock }))),
  };
}

/** Logger, Metrics and Tracer as the composition root builds them (tracing is off outside Lambda). */
export function testObservability(logLevel: 'INFO' | 'SILENT' = 'SILENT'): Observability {
  const logger = new Logger({ serviceName: 'invoicing-test', logLevel });
  return {
    logger,
    metrics: new Metrics({ serviceName: 'invoicing-test', namespace: 'Test/Invoicing', logger }),
    tracer: new Tracer({ serviceName: 'invoicing-test' }),
  };
}
