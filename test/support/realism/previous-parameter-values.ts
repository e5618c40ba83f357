/**
 * Realism: `UsePreviousValue` on a stack parameter that kept its template default. The CDK CLI and
 * toolkit-lib update a stack with `{ParameterKey: BootstrapVersion, UsePreviousValue: true}`; real
 * CloudFormation reuses the value the stack has, default or not. moto looks the key up only among
 * the values passed explicitly at create, so an update of a stack created with the default fails
 * with a KeyError, answered as an HTML 500 (the SDK reports "XML parse error: mismatched tags").
 * This switch passes the previous value explicitly instead: for an SSM-typed parameter the SSM
 * parameter's name (the old template's default; CloudFormation resolves it again on each update),
 * for any other the value moto's DescribeStacks reports. Limit: an SSM-typed parameter given an
 * explicit name at create is treated as if it had kept its default.
 */
import { field, members } from './query-xml.js';
import type { ProxiedRequest, RealismSwitch } from './switch.js';

/** The switch, with what it did. */
export interface PreviousParameterValues extends RealismSwitch {
  /** Parameters passed explicitly in place of UsePreviousValue, as `Stack.Key`. */
  readonly resolved: string[];
}

const ACTIONS = ['UpdateStack', 'CreateChangeSet'];
const MEMBER = /^Parameters\.member\.(\d+)\.UsePreviousValue$/;

/** UsePreviousValue resolved as CloudFormation does, in front of moto. */
export function previousParameterValues(): PreviousParameterValues {
  const resolved: string[] = [];
  return {
    name: 'previous-parameter-values',
    resolved,
    async handle(request, next) {
      if (request.service !== 'cloudformation' || !ACTIONS.includes(request.action)) return next();
      const previous = [...request.params].filter(([key, value]) => MEMBER.test(key) && value === 'true');
      if (previous.length === 0) return next();
      const stack = request.params.get('StackName') ?? '';
      const values = await previousValues(request, stack);
      const params = Object.fromEntries(request.params);
      for (const [key] of previous) {
        const index = MEMBER.exec(key)?.[1] ?? '';
        const name = params[`Parameters.member.${index}.ParameterKey`] ?? '';
        const value = values.get(name);
        if (value === undefined) continue;
        delete params[key];
        params[`Parameters.member.${index}.ParameterValue`] = value;
        resolved.push(`${stack}.${name}`);
      }
      return request.upstream(params);
    },
  };
}

/** The stack's current parameter values as CloudFormation would reuse them. */
async function previousValues(request: ProxiedRequest, stack: string): Promise<Map<string, string>> {
  const values = new Map<string, string>();
  const described = await request.upstream({ Action: 'DescribeStacks', StackName: stack });
  const [member] = members(described.body.toString('utf8'), 'Stacks');
  for (const { text } of members(member?.text ?? '', 'Parameters')) {
    const key = field(text, 'ParameterKey');
    const value = field(text, 'ParameterValue');
    if (key !== undefined && value !== undefined) values.set(key, value);
  }
  const template = await request.upstream({ Action: 'GetTemplate', StackName: stack });
  const body = /<TemplateBody>([\s\S]*?)<\/TemplateBody>/.exec(template.body.toString('utf8'))?.[1];
  for (const [key, declared] of Object.entries(parametersOf(body))) {
    if (declared.Type?.startsWith('AWS::SSM::Parameter::') && declared.Default !== undefined) {
      values.set(key, declared.Default);
    }
  }
  return values;
}

function parametersOf(body: string | undefined): Record<string, { Type?: string; Default?: string }> {
  if (body === undefined) return {};
  try {
    const parsed = JSON.parse(unescapeXml(body)) as {
      Parameters?: Record<string, { Type?: string; Default?: string }>;
    };
    return parsed.Parameters ?? {};
  } catch {
    return {};
  }
}

function unescapeXml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}
