/** What prenv reads from a CloudFormation template: the parameters SSM resolves. */

/**
 * The marker toolkit-lib honours in a parameter's Description: "this SSM parameter does not make
 * the stack deploy again" (CDK's own BootstrapVersion parameter carries it).
 */
export const SSM_NO_INVALIDATE = '[cdk:skip]';

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

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
