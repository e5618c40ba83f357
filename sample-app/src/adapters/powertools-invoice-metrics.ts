import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { InvoiceMetrics } from '../application/ports.js';
import type { Invoice } from '../domain/invoice.js';

/** Metric names, as they appear in CloudWatch under the service's namespace. */
export const METRIC = { invoicesCreated: 'InvoicesCreated', vatCharged: 'VatCharged' } as const;

/**
 * InvoiceMetrics as CloudWatch embedded metric format (EMF) through Powertools Metrics: a count of invoices
 * created (flushed with the invocation's other metrics) and the VAT charged, in minor units, per country
 * and currency (its own EMF line, because its dimensions differ; amounts in different currencies never
 * add up).
 */
export class PowertoolsInvoiceMetrics implements InvoiceMetrics {
  constructor(private readonly metrics: Metrics) {}

  invoiceCreated(invoice: Invoice): void {
    this.metrics.addMetric(METRIC.invoicesCreated, MetricUnit.Count, 1);
    const vat = this.metrics.singleMetric();
    vat.addDimensions({ country: invoice.country, currency: invoice.currency });
    vat.addMetric(METRIC.vatCharged, MetricUnit.NoUnit, invoice.vatAmount);
  }
}
