import { OutputsError } from '../errors.js';
import { isUnsafeVariable } from './env-names.js';
import { pickUrl, withoutUserinfo } from './environment-url.js';
import type { StackOutput } from './report.js';

/** Stack outputs arranged for the action outputs, the PRENV_OUTPUTS file and the e2e environment. */
export interface ArrangedOutputs {
  /** stack name → OutputKey → value, every output (the PRENV_OUTPUTS file). */
  readonly byStack: Record<string, Record<string, string>>;
  /** OutputKey → value, without CDK's ExportsOutput* keys (the `outputs` action output). */
  readonly flat: Record<string, string>;
  /** SCREAMING_SNAKE_CASE name → value, for the e2e command; never a name isUnsafeVariable refuses. */
  readonly variables: Record<string, string>;
  /** Outputs whose variable name would be unsafe: in the PRENV_OUTPUTS file only. */
  readonly refused: readonly (StackOutput & { readonly variable: string })[];
  /** The environment's URL (see ./environment-url.ts), without credentials. */
  readonly url?: string;
  /** The OutputKey the URL comes from. */
  readonly urlOutput?: string;
}

/** CDK's own cross-stack outputs: kept in the file only. */
export function isCdkExport(key: string): boolean {
  return key.startsWith('ExportsOutput');
}

/** ApiUrl → API_URL, tableName2 → TABLE_NAME2, HTTPSEndpoint → HTTPS_ENDPOINT. */
export function screamingSnake(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toUpperCase();
}

/**
 * Arranges outputs; the same key (or variable name) with different values in two stacks is an error
 * naming both. The URL is the output named by urlOutput, or the one pickUrl prefers.
 */
export function arrangeOutputs(outputs: readonly StackOutput[], urlOutput?: string): ArrangedOutputs {
  const byStack: Record<string, Record<string, string>> = {};
  const flat: Record<string, string> = {};
  const variables: Record<string, string> = {};
  const refused: (StackOutput & { variable: string })[] = [];
  const origin = new Map<string, StackOutput>();
  for (const output of outputs) {
    byStack[output.stack] ??= {};
    (byStack[output.stack] as Record<string, string>)[output.key] = output.value;
    if (isCdkExport(output.key)) continue;
    const variable = screamingSnake(output.key);
    const earlier = origin.get(variable);
    if (earlier !== undefined && earlier.value !== output.value) {
      throw new OutputsError(
        `Stacks ${earlier.stack} and ${output.stack} both output ${earlier.key === output.key ? output.key : `${earlier.key} and ${output.key}`} ` +
          `(environment variable ${variable}) with different values. Rename one of the CfnOutputs so each key is unique.`,
      );
    }
    origin.set(variable, output);
    flat[output.key] = output.value;
    if (isUnsafeVariable(variable)) refused.push({ ...output, variable });
    else variables[variable] = output.value;
  }
  const url = pickUrl(outputs, urlOutput);
  return {
    byStack,
    flat,
    variables,
    refused,
    ...(url === undefined ? {} : { url: withoutUserinfo(url.value), urlOutput: url.key }),
  };
}
