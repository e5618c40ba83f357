import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { Socket } from 'node:net';
import { seeded } from './random.js';
import { type AnswerSwitch, asMiddleware } from './realism/realism.js';
import { type RealismSwitch, throughRealism } from './realism/switch.js';

/** One AWS API call seen by the proxy. */
export interface AwsCall {
  readonly service: string;
  readonly action: string;
  readonly status: number;
  /** Set when the proxy answered with an injected fault instead of forwarding. */
  readonly fault?: 'throttling' | 'server-error' | 'reset';
  /** Set when a realism switch answered instead of moto. */
  readonly answeredBy?: string;
}

/** How the proxy misbehaves. */
export interface ProxyOptions {
  /** Added before every forwarded call, in ms. */
  readonly latencyMs?: number | ((call: { service: string; action: string }) => number);
  /** Share of calls (0..1) answered with a fault instead of being forwarded. */
  readonly faultRate?: number;
  /** Which calls may be faulted. @default every call */
  readonly faultable?: (call: { service: string; action: string }) => boolean;
  /** Deterministic randomness for fault decisions. @default a seeded generator */
  readonly random?: () => number;
  /** What real AWS does that moto does not (test/support/realism), applied in this order. */
  readonly realism?: readonly (RealismSwitch | AnswerSwitch)[];
}

/** A loopback proxy in front of moto that records every AWS call and can add latency or faults. */
export interface AwsProxy {
  /** http://localhost:PORT, for AWS_ENDPOINT_URL. */
  readonly endpoint: string;
  readonly calls: AwsCall[];
  /** Calls of one service whose action is a write (not Describe/List/Get/Head/Validate). */
  writes(service: string): AwsCall[];
  configure(options: ProxyOptions): void;
  close(): Promise<void>;
}

const READ_ACTION = /^(Describe|List|Get|Head|Validate|Estimate|Detect|Lookup)/;

/** Starts the proxy; target is moto's endpoint (http://localhost:PORT). */
export async function startAwsProxy(target: string, initial: ProxyOptions = {}): Promise<AwsProxy> {
  const upstream = new URL(target);
  let options = initial;
  let random = initial.random ?? seeded(42);
  const calls: AwsCall[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((incoming, outgoing) => {
    void handle(incoming, outgoing);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function handle(incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const call = identify(incoming, body);
    const latency =
      typeof options.latencyMs === 'function' ? options.latencyMs(call) : (options.latencyMs ?? 0);
    if (latency > 0) await new Promise((resolve) => setTimeout(resolve, latency));
    const faultable = options.faultable?.(call) ?? true;
    if (faultable && (options.faultRate ?? 0) > 0 && random() < (options.faultRate ?? 0)) {
      const kind =
        (['throttling', 'server-error', 'reset'] as const)[Math.floor(random() * 3)] ?? 'server-error';
      calls.push({ ...call, status: kind === 'reset' ? 0 : kind === 'throttling' ? 400 : 500, fault: kind });
      if (kind === 'reset') {
        incoming.socket.destroy();
        return;
      }
      fault(outgoing, kind, call);
      return;
    }
    if (options.realism !== undefined && options.realism.length > 0) {
      const { method = 'GET', url = '/', headers } = incoming;
      const answer = await throughRealism(
        options.realism.map((realism) => ('handle' in realism ? realism : asMiddleware(realism, target))),
        { ...call, method, url, headers, body },
        Number(upstream.port),
      ).catch(() => undefined);
      if (answer === undefined) return void outgoing.destroy();
      calls.push({
        ...call,
        status: answer.status,
        ...(answer.answeredBy === undefined ? {} : { answeredBy: answer.answeredBy }),
      });
      outgoing.writeHead(answer.status, answer.headers);
      outgoing.end(answer.body);
      return;
    }
    const forwarded = httpRequest(
      {
        host: '127.0.0.1',
        port: upstream.port,
        method: incoming.method,
        path: incoming.url,
        headers: { ...incoming.headers, host: `localhost:${upstream.port}` },
      },
      (response) => {
        calls.push({ ...call, status: response.statusCode ?? 0 });
        outgoing.writeHead(response.statusCode ?? 502, response.headers);
        response.pipe(outgoing);
      },
    );
    forwarded.on('error', () => {
      outgoing.destroy();
    });
    forwarded.end(body);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    endpoint: `http://localhost:${port}`,
    calls,
    writes: (service) => calls.filter((call) => call.service === service && !READ_ACTION.test(call.action)),
    configure: (next) => {
      options = next;
      random = next.random ?? random;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function identify(incoming: IncomingMessage, body: Buffer): { service: string; action: string } {
  const auth = String(incoming.headers.authorization ?? '');
  const service = auth.match(/Credential=[^/]+\/[^/]+\/[^/]+\/([^/]+)\//)?.[1] ?? 'unknown';
  const target = String(incoming.headers['x-amz-target'] ?? '');
  const fromTarget = target.includes('.') ? target.split('.').pop() : undefined;
  const fromBody = body
    .toString('utf8', 0, Math.min(body.length, 2_000))
    .match(/(?:^|&)Action=([A-Za-z0-9]+)/)?.[1];
  const fromQuery = incoming.url?.match(/[?&]Action=([A-Za-z0-9]+)/)?.[1];
  const action =
    fromTarget ?? fromBody ?? fromQuery ?? `${incoming.method} ${incoming.url?.split('?')[0] ?? ''}`;
  return { service, action };
}

function fault(
  outgoing: ServerResponse,
  kind: 'throttling' | 'server-error',
  call: { service: string },
): void {
  const throttling = kind === 'throttling';
  const message = throttling ? 'Rate exceeded' : 'We encountered an internal error. Please try again.';
  if (call.service === 'cloudformation' || call.service === 'sts' || call.service === 'iam') {
    // AWS query protocol
    const code = throttling ? 'Throttling' : 'InternalFailure';
    outgoing.writeHead(throttling ? 400 : 500, { 'content-type': 'text/xml' });
    outgoing.end(
      `<ErrorResponse><Error><Type>${throttling ? 'Sender' : 'Receiver'}</Type><Code>${code}</Code>` +
        `<Message>${message}</Message></Error><RequestId>prenv-proxy</RequestId></ErrorResponse>`,
    );
    return;
  }
  if (call.service === 's3') {
    // REST-XML
    const code = throttling ? 'SlowDown' : 'InternalError';
    outgoing.writeHead(throttling ? 503 : 500, { 'content-type': 'application/xml' });
    outgoing.end(
      `<Error><Code>${code}</Code><Message>${message}</Message><RequestId>prenv-proxy</RequestId></Error>`,
    );
    return;
  }
  // JSON protocols (SSM, Lambda, DynamoDB, ...)
  const code = throttling ? 'ThrottlingException' : 'InternalServerError';
  outgoing.writeHead(throttling ? 400 : 500, {
    'content-type': 'application/x-amz-json-1.1',
    'x-amzn-errortype': code,
  });
  outgoing.end(JSON.stringify({ __type: code, message }));
}
