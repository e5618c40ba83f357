/** What prenv reads from a CloudFormation template: its hash, and the parameters SSM resolves. */
import { createHash } from 'node:crypto';

/**
 * The marker toolkit-lib honours in a parameter's Description: "this SSM parameter does not make
 * the stack deploy again" (CDK's own BootstrapVersion parameter carries it).
 */
export const SSM_NO_INVALIDATE = '[cdk:skip]';

/**
 * A hash of a template as CloudFormation returns it. JSON is hashed in a canonical form (sorted
 * keys, no whitespace), so a template re-serialized by the service hashes the same.
 */
export function templateHash(body: string): string {
  let canonical = body;
  try {
    canonical = canonicalJson(JSON.parse(body));
  } catch {
    // Not JSON (a YAML template): hashed as it is.
  }
  return createHash('sha256').update(canonical).digest('hex').slice(0, 32);
}

/**
 * The template's parameters whose values CloudFormation resolves from SSM Parameter Store at each
 * deploy (type AWS::SSM::Parameter::…), except those marked [cdk:skip]: the same rule toolkit-lib
 * uses to deploy such a stack again on every `cdk deploy`.
 */
export function ssmResolvedParameters(template: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(template);
  } catch {
    return [];
  }
  const parameters = isObject(parsed) && isObject(parsed.Parameters) ? parsed.Parameters : {};
  return Object.entries(parameters)
    .filter(([, parameter]) => {
      if (!isObject(parameter)) return false;
      const type = typeof parameter.Type === 'string' ? parameter.Type : '';
      const description = typeof parameter.Description === 'string' ? parameter.Description : '';
      return type.startsWith('AWS::SSM::Parameter::') && !description.includes(SSM_NO_INVALIDATE);
    })
    .map(([name]) => name);
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isObject(value)) {
    const keys = Object.keys(value).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
