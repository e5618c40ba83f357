import type { ListCustomerInvoices } from '../application/list-customer-invoices.js';
import { jsonResponse } from './http-response.js';
import { invoiceResource } from './invoice-resource.js';
import { pathParameter, type Route } from './route.js';

/** GET /customers/{customerId}/invoices → 200 with the customer's invoices, oldest first. */
export function listCustomerInvoicesRoute(list: ListCustomerInvoices): Route {
  return async (event) => {
    const invoices = await list(pathParameter(event, 'customerId'));
    return jsonResponse(200, { invoices: invoices.map(invoiceResource) });
  };
}
