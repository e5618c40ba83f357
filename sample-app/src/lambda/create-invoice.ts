import { compositionRoot } from '../composition/composition-root.js';
import { createInvoiceRoute } from '../http/create-invoice-route.js';
import { lambdaHttpHandler } from '../http/lambda-http-handler.js';

/** Lambda entry point: the wiring is resolved on the first invocation, then reused. */
export const handler = lambdaHttpHandler(() => {
  const root = compositionRoot();
  return {
    observability: root.observability(),
    newId: root.newId,
    route: createInvoiceRoute(root.createInvoice()),
  };
});
