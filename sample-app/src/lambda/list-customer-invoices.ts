import { compositionRoot } from '../composition/composition-root.js';
import { lambdaHttpHandler } from '../http/lambda-http-handler.js';
import { listCustomerInvoicesRoute } from '../http/list-customer-invoices-route.js';

/** Lambda entry point: the wiring is resolved on the first invocation, then reused. */
export const handler = lambdaHttpHandler(() => {
  const root = compositionRoot();
  return {
    observability: root.observability(),
    newId: root.newId,
    route: listCustomerInvoicesRoute(root.listCustomerInvoices()),
  };
});
