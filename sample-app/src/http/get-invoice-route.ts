import type { GetInvoice } from '../application/get-invoice.js';
import { jsonResponse } from './http-response.js';
import { invoiceResource } from './invoice-resource.js';
import { pathParameter, type Route } from './route.js';

/** GET /invoices/{invoiceId} → 200 with the invoice. */
export function getInvoiceRoute(get: GetInvoice): Route {
  return async (event) => jsonResponse(200, invoiceResource(await get(pathParameter(event, 'invoiceId'))));
}
