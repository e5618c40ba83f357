import { readFileSync } from 'node:fs';

/** The four API functions, keyed as the stack's `<Key>FunctionName` outputs. */
export const FUNCTIONS = ['CreateInvoice', 'GetInvoice', 'ListCustomerInvoices', 'MarkInvoicePaid'] as const;
export type FunctionKey = (typeof FUNCTIONS)[number];

/** What prenv hands the e2e command, read once per test file (never at import). */
export interface Deployment {
  readonly stackName: string;
  readonly apiUrl: string;
  readonly apiId: string;
  readonly tableName: string;
  readonly eventBusName: string;
  readonly functionNames: Record<FunctionKey, string>;
  /** The InvoiceCreated consumer and the rule that feeds it. */
  readonly notifierFunctionName: string;
  readonly invoiceCreatedRuleName: string;
  /** Set when AWS_ENDPOINT_URL points the SDK at an emulator such as moto. */
  readonly emulatorEndpoint: string | undefined;
}

/**
 * Reads the deployment from the environment prenv sets: every stack output as SCREAMING_SNAKE_CASE
 * (`ApiUrl` → `API_URL`), PRENV_OUTPUTS (stack name → OutputKey → value) and PRENV_NAME.
 */
export function deploymentFromEnv(env: NodeJS.ProcessEnv = process.env): Deployment {
  const required = (name: string): string => {
    const value = env[name];
    if (value === undefined || value === '') {
      throw new Error(
        `${name} is not set: run this suite through prenv, or export the stack outputs yourself`,
      );
    }
    return value;
  };
  const apiId = required('API_ID');
  const screaming = (key: string) => key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
  return {
    stackName: stackNameOf(env, apiId),
    apiUrl: required('API_URL'),
    apiId,
    tableName: required('TABLE_NAME'),
    eventBusName: required('EVENT_BUS_NAME'),
    functionNames: Object.fromEntries(
      FUNCTIONS.map((key) => [key, required(screaming(`${key}FunctionName`))]),
    ) as Record<FunctionKey, string>,
    notifierFunctionName: required('NOTIFY_INVOICE_CREATED_FUNCTION_NAME'),
    invoiceCreatedRuleName: required('INVOICE_CREATED_RULE_NAME'),
    emulatorEndpoint: env.AWS_ENDPOINT_URL === '' ? undefined : env.AWS_ENDPOINT_URL,
  };
}

/** The stack whose outputs hold this ApiId (from PRENV_OUTPUTS), else `<PRENV_NAME>-invoices`. */
function stackNameOf(env: NodeJS.ProcessEnv, apiId: string): string {
  if (env.PRENV_OUTPUTS !== undefined && env.PRENV_OUTPUTS !== '') {
    const stacks = JSON.parse(readFileSync(env.PRENV_OUTPUTS, 'utf8')) as Record<
      string,
      Record<string, string>
    >;
    const found = Object.entries(stacks).find(([, outputs]) => outputs.ApiId === apiId);
    if (found !== undefined) return found[0];
  }
  if (env.PRENV_NAME !== undefined && env.PRENV_NAME !== '') return `${env.PRENV_NAME}-invoices`;
  throw new Error('Cannot tell the stack name: set PRENV_OUTPUTS or PRENV_NAME');
}
