import type { MarkInvoicePaid } from '../application/mark-invoice-paid.js';
import { jsonResponse } from './http-response.js';
import { invoiceResource } from './invoice-resource.js';
import { pathParameter, type Route } from './route.js';

/** POST /invoices/{invoiceId}/payment → 200 with the paid invoice. */
export function markInvoicePaidRoute(markPaid: MarkInvoicePaid): Route {
  return async (event) =>
    jsonResponse(200, invoiceResource(await markPaid(pathParameter(event, 'invoiceId'))));
}
