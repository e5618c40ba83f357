import type { CreateInvoice } from '../application/create-invoice.js';
import { jsonResponse } from './http-response.js';
import { invoiceResource } from './invoice-resource.js';
import { parseNewInvoice } from './parse-new-invoice.js';
import type { Route } from './route.js';

/** POST /invoices → 201 with the issued invoice. */
export function createInvoiceRoute(create: CreateInvoice): Route {
  return async (event) => {
    const invoice = await create(parseNewInvoice(event));
    return jsonResponse(201, invoiceResource(invoice), { location: `/invoices/${invoice.id}` });
  };
}
