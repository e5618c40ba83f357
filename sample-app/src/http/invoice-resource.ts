import type { Invoice } from '../domain/invoice.js';

/** The Invoice schema of contracts/openapi.yaml: the HTTP shape, decoupled from the domain type. */
export function invoiceResource(invoice: Invoice): Record<string, unknown> {
  return {
    id: invoice.id,
    number: invoice.number,
    customerId: invoice.customerId,
    country: invoice.country,
    currency: invoice.currency,
    lines: invoice.lines.map((line) => ({
      description: line.description,
      quantity: line.quantity,
      unitPrice: line.unitPrice,
      amount: line.quantity * line.unitPrice,
    })),
    netTotal: invoice.netTotal,
    vatRateBasisPoints: invoice.vatRateBasisPoints,
    vatAmount: invoice.vatAmount,
    grossTotal: invoice.grossTotal,
    status: invoice.status,
    issuedAt: invoice.issuedAt,
    ...(invoice.paidAt === undefined ? {} : { paidAt: invoice.paidAt }),
  };
}
