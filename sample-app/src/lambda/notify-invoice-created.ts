import { compositionRoot } from '../composition/composition-root.js';
import { lambdaEventHandler } from '../events/lambda-event-handler.js';

/** Lambda entry point for the InvoiceCreated rule: the wiring is resolved on the first event, then reused. */
export const handler = lambdaEventHandler(() => {
  const root = compositionRoot();
  return { observability: root.observability(), consume: root.notifyInvoiceCreated() };
});
