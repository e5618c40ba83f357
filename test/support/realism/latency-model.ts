import { type ProxiedRequest, type ProxiedResponse, type RealismSwitch, withBody } from './switch.js';

/**
 * How long real AWS takes, by resource type: the model behind the benchmarks' "real-AWS timings"
 * (bench/LATENCY-MODEL.md holds this table with its sources). Seconds of CloudFormation's own time.
 */
export const RESOURCE_SECONDS: Readonly<Record<string, { create: number; update: number; delete: number }>> =
  {
    'AWS::Lambda::Function': { create: 8, update: 12, delete: 3 },
    'AWS::Lambda::Permission': { create: 2, update: 2, delete: 2 },
    'AWS::IAM::Role': { create: 15, update: 10, delete: 5 },
    'AWS::IAM::Policy': { create: 15, update: 10, delete: 3 },
    'AWS::DynamoDB::Table': { create: 12, update: 10, delete: 8 },
    'AWS::ApiGateway::RestApi': { create: 3, update: 3, delete: 3 },
    'AWS::ApiGateway::Resource': { create: 2, update: 2, delete: 2 },
    'AWS::ApiGateway::Method': { create: 2, update: 2, delete: 2 },
    'AWS::ApiGateway::Deployment': { create: 3, update: 3, delete: 2 },
    'AWS::ApiGateway::Stage': { create: 3, update: 3, delete: 2 },
    'AWS::ApiGateway::Account': { create: 5, update: 5, delete: 1 },
    'AWS::Logs::LogGroup': { create: 2, update: 2, delete: 2 },
    'AWS::Events::EventBus': { create: 2, update: 2, delete: 2 },
    'AWS::Events::Rule': { create: 3, update: 3, delete: 3 },
    'AWS::SQS::Queue': { create: 3, update: 3, delete: 60 },
    'AWS::S3::Bucket': { create: 3, update: 3, delete: 3 },
    'AWS::CloudFront::Distribution': { create: 240, update: 240, delete: 240 },
  };

/** What a resource type not in the table takes. */
export const DEFAULT_RESOURCE = { create: 5, update: 5, delete: 5 };

/** CloudFormation's own time per stack operation, beyond its resources (start, cleanup, completion). */
export const STACK_OVERHEAD_SECONDS = { create: 8, update: 12, delete: 5 };

/** A direct Lambda code update (a hotswap): the call, then LastUpdateStatus InProgress until it is live. */
export const LAMBDA_CODE_UPDATE_SECONDS = { call: 0.3, inProgress: 1.5 };

type Operation = 'create' | 'update' | 'delete';

interface Resource {
  readonly Type?: string;
  readonly Properties?: unknown;
  readonly DependsOn?: string | readonly string[];
}

interface Template {
  readonly Resources?: Readonly<Record<string, Resource>>;
}

/**
 * Seconds a stack operation stays *_IN_PROGRESS: the stack's overhead plus the longest chain of
 * dependent resources (DependsOn, Ref, Fn::GetAtt) that the operation touches, since CloudFormation
 * works on independent resources in parallel. An update touches the resources whose definition
 * changed (and those added or removed); a create or delete touches them all.
 */
export function stackOperationSeconds(operation: Operation, before: Template, after: Template): number {
  const old = before.Resources ?? {};
  const next = after.Resources ?? {};
  const resources = operation === 'delete' ? old : next;
  const touched = new Set<string>();
  for (const id of Object.keys(resources)) {
    if (operation !== 'update' || JSON.stringify(old[id]) !== JSON.stringify(next[id])) touched.add(id);
  }
  const removed = operation === 'update' ? Object.keys(old).filter((id) => !(id in next)) : [];
  const seconds = (id: string, kind: Operation) =>
    (RESOURCE_SECONDS[resources[id]?.Type ?? old[id]?.Type ?? ''] ?? DEFAULT_RESOURCE)[kind];
  const memo = new Map<string, number>();
  const chain = (id: string, seen: Set<string>): number => {
    const known = memo.get(id);
    if (known !== undefined) return known;
    if (seen.has(id)) return 0;
    seen.add(id);
    const before = dependenciesOf(resources[id], resources).map((dependency) => chain(dependency, seen));
    const own = touched.has(id)
      ? seconds(id, operation === 'update' && !(id in old) ? 'create' : operation)
      : 0;
    const total = own + Math.max(0, ...before);
    memo.set(id, total);
    return total;
  };
  const longest = Math.max(0, ...Object.keys(resources).map((id) => chain(id, new Set())));
  const deletes = Math.max(
    0,
    ...removed.map((id) => (RESOURCE_SECONDS[old[id]?.Type ?? ''] ?? DEFAULT_RESOURCE).delete),
  );
  return STACK_OVERHEAD_SECONDS[operation] + longest + deletes;
}

/** The logical ids a resource waits for. */
function dependenciesOf(resource: Resource | undefined, all: Readonly<Record<string, Resource>>): string[] {
  if (resource === undefined) return [];
  const found = new Set<string>([resource.DependsOn ?? []].flat());
  const scan = (value: unknown): void => {
    if (Array.isArray(value)) for (const item of value) scan(item);
    else if (typeof value === 'object' && value !== null) {
      for (const [key, inner] of Object.entries(value)) {
        if (key === 'Ref' && typeof inner === 'string') found.add(inner);
        else if (key === 'Fn::GetAtt') found.add(String([inner].flat()[0]).split('.')[0] ?? '');
        else scan(inner);
      }
    }
  };
  scan(resource.Properties);
  return [...found].filter((id) => id in all);
}

/** The latency model's switch, and what it decided. */
export interface LatencyModel extends RealismSwitch {
  /**
   * Seconds of CloudFormation's own time for a stack write that moto has just applied (for the
   * stack-operations switch's `secondsOf`): the template before (read when the call came in) against
   * the template moto holds now.
   */
  secondsOf(operation: Operation, stack: string, request: ProxiedRequest): Promise<number>;
  /** Every stack operation and direct Lambda code update it timed, in modelled seconds. */
  readonly log: { stack: string; operation: Operation | 'lambda-code'; seconds: number }[];
}

/**
 * Times each stack write from the templates involved, for the stack-operations switch (placed after
 * this one) to hold the stack *_IN_PROGRESS; and makes direct Lambda code updates take their own
 * short time. `msPerSecond` (real milliseconds per modelled second) scales it all.
 */
export function latencyModel(options: { msPerSecond: number; now?: () => number }): LatencyModel {
  const now = options.now ?? Date.now;
  const before = new Map<string, Template>();
  const updating = new Map<string, number>();
  const log: LatencyModel['log'] = [];
  return {
    name: 'latency-model',
    log,
    async secondsOf(operation, stack, request) {
      const after = operation === 'delete' ? {} : await liveTemplate(request, stack);
      // Kept under the name or id the write named (prenv and the CLI delete by stack id).
      const kept = before.get(request.params.get('StackName') ?? '') ?? before.get(stack) ?? {};
      const seconds = stackOperationSeconds(operation, kept, after);
      log.push({ stack, operation, seconds });
      return seconds;
    },
    async handle(request, next) {
      if (request.service === 'lambda') return lambda(request, next);
      if (request.service !== 'cloudformation') return next();
      if (['UpdateStack', 'ExecuteChangeSet', 'DeleteStack', 'CreateStack'].includes(request.action)) {
        const stack = request.params.get('StackName') ?? '';
        before.set(stack, request.action === 'CreateStack' ? {} : await liveTemplate(request, stack));
      }
      return next();
    },
  };

  async function lambda(
    request: ProxiedRequest,
    next: () => Promise<ProxiedResponse>,
  ): Promise<ProxiedResponse> {
    const name = decodeURIComponent(request.url.match(/\/functions\/([^/?]+)/)?.[1] ?? '');
    if (request.method === 'PUT' && /\/code(\?|$)/.test(request.url)) {
      await new Promise((resolve) =>
        setTimeout(resolve, LAMBDA_CODE_UPDATE_SECONDS.call * options.msPerSecond),
      );
      updating.set(name, now() + LAMBDA_CODE_UPDATE_SECONDS.inProgress * options.msPerSecond);
      log.push({
        stack: name,
        operation: 'lambda-code',
        seconds: LAMBDA_CODE_UPDATE_SECONDS.call + LAMBDA_CODE_UPDATE_SECONDS.inProgress,
      });
      return next();
    }
    const response = await next();
    const until = updating.get(name);
    if (request.method !== 'GET' || until === undefined || now() >= until) return response;
    const body = response.body
      .toString()
      .replace('"LastUpdateStatus": "Successful"', '"LastUpdateStatus": "InProgress"')
      .replace('"LastUpdateStatus":"Successful"', '"LastUpdateStatus":"InProgress"');
    return withBody(response, body, 'latency-model');
  }
}

/** The stack's template as moto has it now; none when there is no such stack. */
async function liveTemplate(request: ProxiedRequest, stack: string): Promise<Template> {
  const response = await request.upstream({ Action: 'GetTemplate', Version: '2010-05-15', StackName: stack });
  if (response.status !== 200) return {};
  const body = response.body.toString().match(/<TemplateBody>([\s\S]*?)<\/TemplateBody>/)?.[1];
  return parseTemplate(unescapeXml(body ?? ''));
}

function parseTemplate(text: string): Template {
  try {
    return JSON.parse(text) as Template;
  } catch {
    return {};
  }
}

function unescapeXml(text: string): string {
  return text
    .replaceAll('&quot;', '"')
    .replaceAll('&apos;', "'")
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&#xD;', '\r')
    .replaceAll('&#xA;', '\n')
    .replaceAll('&amp;', '&');
}
