import { isRead, type ProxiedRequest, type ProxiedResponse, type RealismSwitch, withBody } from './switch.js';

/** How long CloudFormation takes, in its own seconds, and how fast those pass here. */
export interface StackOperationsOptions {
  /** Real milliseconds per CloudFormation second: 100 makes a 60 s create take 6 s here. */
  readonly msPerSecond: number;
  /** @default { create: 60, update: 45, delete: 40 } */
  readonly seconds?: Partial<Readonly<Record<Operation, number>>>;
  /** @default Date.now */
  readonly now?: () => number;
  /**
   * CloudFormation seconds for one write, decided once moto has applied it (e.g. the latency model of
   * ./latency-model.ts, from the resources involved); undefined falls back to `seconds`.
   */
  readonly secondsOf?: (
    operation: Operation,
    stack: string,
    request: ProxiedRequest,
  ) => Promise<number | undefined> | number | undefined;
}

export type Operation = 'create' | 'update' | 'delete';

/** One stack operation and the reads that named its stack while it was in progress. */
export interface StackWindow {
  readonly stack: string;
  readonly stackId: string;
  readonly status: string;
  readonly startedAt: number;
  readonly endsAt: number;
  /** CloudFormation reads naming this stack (or listing every stack) while it was in progress. */
  reads: number;
  /** DescribeStacks's member for the stack, kept for a delete (moto has forgotten it). */
  readonly snapshot?: string;
}

/** The switch, and what it saw. */
export interface StackOperations extends RealismSwitch {
  readonly windows: readonly StackWindow[];
}

const DEFAULT_SECONDS: Record<Operation, number> = { create: 60, update: 45, delete: 40 };
const XMLNS = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';

/**
 * CloudFormation writes take time: after CreateStack, UpdateStack, ExecuteChangeSet or DeleteStack
 * (which moto finishes at once), DescribeStacks and DescribeStackEvents show the stack *_IN_PROGRESS
 * until the operation's scaled duration has passed; then moto's real answer comes through.
 */
export function stackOperationsInProgress(options: StackOperationsOptions): StackOperations {
  const now = options.now ?? Date.now;
  const seconds = { ...DEFAULT_SECONDS, ...options.seconds };
  const windows: StackWindow[] = [];
  const active = (name: string | null): StackWindow | undefined => {
    if (name === null) return undefined;
    const at = now();
    return windows.findLast(
      (window) =>
        (window.stack === name || window.stackId === name) && window.startedAt <= at && at < window.endsAt,
    );
  };
  const open = async (
    request: ProxiedRequest,
    stack: string,
    stackId: string,
    operation: Operation,
    status: string,
    snapshot?: string,
  ) => {
    const startedAt = now();
    const planned = (await options.secondsOf?.(operation, stack, request)) ?? seconds[operation];
    windows.push({
      stack,
      stackId,
      status,
      startedAt,
      endsAt: startedAt + planned * options.msPerSecond,
      reads: 0,
      ...(snapshot === undefined ? {} : { snapshot }),
    });
  };

  return {
    name: 'stack-operations-in-progress',
    windows,
    async handle(request, next) {
      if (request.service !== 'cloudformation') return next();
      const name = request.params.get('StackName');
      if (isRead(request.action)) {
        const target = active(name);
        if (target !== undefined) target.reads++;
        if (name === null && request.action === 'DescribeStacks') {
          for (const window of windows.filter((each) => active(each.stackId) === each)) window.reads++;
          return rewriteList(
            await next(),
            windows.filter((each) => active(each.stackId) === each),
            request,
          );
        }
        if (target === undefined) return next();
        if (request.action === 'DescribeStackEvents') return events(target, now());
        if (request.action !== 'DescribeStacks') return next();
        if (target.snapshot !== undefined) return stacksAnswer([withStatus(target.snapshot, target.status)]);
        return rewriteList(await next(), [target], request);
      }
      switch (request.action) {
        case 'CreateStack':
        case 'UpdateStack': {
          const response = await next();
          const stackId = tag(response.body.toString(), 'StackId');
          if (response.status === 200 && name !== null && stackId !== undefined) {
            const operation = request.action === 'CreateStack' ? 'create' : 'update';
            await open(request, name, stackId, operation, `${operation.toUpperCase()}_IN_PROGRESS`);
          }
          return response;
        }
        case 'ExecuteChangeSet': {
          const before = name === null ? undefined : await describeMember(request, name);
          const response = await next();
          if (response.status === 200 && before !== undefined) {
            const operation = tag(before, 'StackStatus') === 'REVIEW_IN_PROGRESS' ? 'create' : 'update';
            await open(
              request,
              tag(before, 'StackName') ?? '',
              tag(before, 'StackId') ?? '',
              operation,
              `${operation.toUpperCase()}_IN_PROGRESS`,
            );
          }
          return response;
        }
        case 'DeleteStack': {
          const before = name === null ? undefined : await describeMember(request, name);
          const response = await next();
          if (
            response.status === 200 &&
            before !== undefined &&
            tag(before, 'StackStatus') !== 'DELETE_COMPLETE'
          ) {
            await open(
              request,
              tag(before, 'StackName') ?? '',
              tag(before, 'StackId') ?? '',
              'delete',
              'DELETE_IN_PROGRESS',
              before,
            );
          }
          return response;
        }
        default:
          return next();
      }
    },
  };
}

/** moto's DescribeStacks member for one stack, or undefined when it has none. */
async function describeMember(request: ProxiedRequest, name: string): Promise<string | undefined> {
  const response = await request.upstream({
    Action: 'DescribeStacks',
    Version: '2010-05-15',
    StackName: name,
  });
  if (response.status !== 200) return undefined;
  return topLevelMembers(response.body.toString(), 'Stacks')[0];
}

/** moto's DescribeStacks answer with the stacks in progress shown as such (and deleting ones kept). */
function rewriteList(
  response: ProxiedResponse,
  inProgress: readonly StackWindow[],
  request: ProxiedRequest,
): ProxiedResponse {
  if (response.status !== 200 || inProgress.length === 0) return response;
  const xml = response.body.toString().replace('<Stacks/>', '<Stacks></Stacks>');
  const members = topLevelMembers(xml, 'Stacks');
  const windowOf = (member: string) =>
    inProgress.find(
      (window) => window.stackId === tag(member, 'StackId') || window.stack === tag(member, 'StackName'),
    );
  const shown = members
    .filter((member) => windowOf(member)?.snapshot === undefined)
    .map((member) => {
      const window = windowOf(member);
      if (window === undefined) return member;
      const rewritten = withStatus(member, window.status);
      return window.status === 'CREATE_IN_PROGRESS'
        ? rewritten.replace(/<Outputs>[\s\S]*?<\/Outputs>/, '')
        : rewritten;
    });
  const firstPage = !request.params.has('NextToken');
  const deleting = firstPage
    ? inProgress
        .filter((window) => window.snapshot !== undefined)
        .map((window) => withStatus(window.snapshot ?? '', window.status))
    : [];
  const start = xml.indexOf('<Stacks>');
  const end = xml.lastIndexOf('</Stacks>');
  const list = `<Stacks>${[...shown, ...deleting].map((member) => `<member>${member}</member>`).join('')}</Stacks>`;
  const body =
    start === -1 || end === -1 ? xml : `${xml.slice(0, start)}${list}${xml.slice(end + '</Stacks>'.length)}`;
  return withBody(response, body);
}

function stacksAnswer(members: readonly string[]): ProxiedResponse {
  const body =
    `<DescribeStacksResponse xmlns="${XMLNS}"><DescribeStacksResult><Stacks>` +
    members.map((member) => `<member>${member}</member>`).join('') +
    '</Stacks></DescribeStacksResult><ResponseMetadata><RequestId>prenv-realism</RequestId></ResponseMetadata></DescribeStacksResponse>';
  return withBody(
    { status: 200, headers: { 'content-type': 'text/xml' }, body: Buffer.alloc(0) },
    body,
    'stack-operations-in-progress',
  );
}

/** The stack's own event that starts the operation: all CloudFormation has written so far here. */
function events(window: StackWindow, at: number): ProxiedResponse {
  const event =
    `<member><EventId>${window.stack}-${window.startedAt}</EventId><StackId>${window.stackId}</StackId>` +
    `<StackName>${window.stack}</StackName><LogicalResourceId>${window.stack}</LogicalResourceId>` +
    `<PhysicalResourceId>${window.stackId}</PhysicalResourceId><ResourceType>AWS::CloudFormation::Stack</ResourceType>` +
    `<Timestamp>${new Date(Math.min(window.startedAt, at)).toISOString()}</Timestamp>` +
    `<ResourceStatus>${window.status}</ResourceStatus><ResourceStatusReason>User Initiated</ResourceStatusReason></member>`;
  const body =
    `<DescribeStackEventsResponse xmlns="${XMLNS}"><DescribeStackEventsResult><StackEvents>${event}</StackEvents>` +
    '</DescribeStackEventsResult><ResponseMetadata><RequestId>prenv-realism</RequestId></ResponseMetadata></DescribeStackEventsResponse>';
  return withBody(
    { status: 200, headers: { 'content-type': 'text/xml' }, body: Buffer.alloc(0) },
    body,
    'stack-operations-in-progress',
  );
}

function withStatus(member: string, status: string): string {
  return member
    .replace(/<StackStatus>[^<]*<\/StackStatus>/, `<StackStatus>${status}</StackStatus>`)
    .replace(/<StackStatusReason>[^<]*<\/StackStatusReason>/, '');
}

/** The text of the first <name> element at any depth. */
function tag(xml: string, name: string): string | undefined {
  return xml.match(new RegExp(`<${name}>([^<]*)</${name}>`))?.[1];
}

/** The contents of the <member> elements directly inside the first <list> element. */
export function topLevelMembers(xml: string, list: string): string[] {
  const start = xml.indexOf(`<${list}>`);
  if (start === -1) return [];
  const members: string[] = [];
  const pattern = /<(\/?)member>/g;
  pattern.lastIndex = start;
  let depth = 0;
  let from = 0;
  for (let match = pattern.exec(xml); match !== null; match = pattern.exec(xml)) {
    if (match[1] === '') {
      if (depth === 0) from = match.index + match[0].length;
      depth++;
    } else {
      depth--;
      if (depth === 0) members.push(xml.slice(from, match.index));
      if (depth < 0) break;
    }
    if (depth === 0 && xml.startsWith(`</${list}>`, pattern.lastIndex)) break;
  }
  return members;
}

/** CloudFormation reads per second per stack while stacks were in progress, on average. */
export function readRate(windows: readonly StackWindow[]): number {
  const seconds = windows.reduce((sum, window) => sum + (window.endsAt - window.startedAt) / 1000, 0);
  return windows.reduce((sum, window) => sum + window.reads, 0) / seconds;
}
