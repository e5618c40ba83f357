import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';

/** One request that passed through the proxy. */
export interface ProxiedRequest {
  /** `connect` for an HTTPS tunnel, `http` for a plain forwarded request. */
  readonly kind: 'connect' | 'http';
  /** The host the client asked for, as it asked (e.g. moto.prenv.invalid). */
  readonly host: string;
  readonly port: number;
  /** Plain HTTP only: the method, the path and the AWS query action (`Action=` in the body). */
  readonly method?: string;
  readonly path?: string;
  readonly action?: string;
  readonly userAgent?: string;
}

/** A forward proxy on loopback that records what passes through it. */
export interface RecordingProxy {
  /** http://127.0.0.1:PORT, for HTTP_PROXY / HTTPS_PROXY. */
  readonly url: string;
  readonly requests: readonly ProxiedRequest[];
  clear(): void;
  close(): Promise<void>;
}

/**
 * Where the proxy sends a host: only to loopback. Names under `.invalid` (which never resolve, so
 * a client can reach them only through the proxy), `localhost` and 127.x go to 127.0.0.1.
 */
function loopback(host: string): string | undefined {
  if (host === 'localhost' || host.endsWith('.invalid') || /^127(\.\d+){3}$/.test(host)) return '127.0.0.1';
  return undefined;
}

function userAgentOf(headers: IncomingHttpHeaders): string | undefined {
  const value = headers['x-amz-user-agent'] ?? headers['user-agent'];
  return Array.isArray(value) ? value.join(' ') : value;
}

/** Starts an HTTP CONNECT and plain HTTP forward proxy on 127.0.0.1 that records every request. */
export async function startRecordingProxy(): Promise<RecordingProxy> {
  const requests: ProxiedRequest[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((request, response) => {
    const target = new URL(request.url ?? '/');
    const port = Number(target.port || 80);
    const address = loopback(target.hostname);
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const userAgent = userAgentOf(request.headers);
      requests.push({
        kind: 'http',
        host: target.hostname,
        port,
        method: request.method ?? 'GET',
        path: target.pathname,
        ...actionOf(body.toString('utf8'), target),
        ...(userAgent === undefined ? {} : { userAgent }),
      });
      if (address === undefined) {
        response.writeHead(502).end(`the recording proxy routes only loopback names, not ${target.hostname}`);
        return;
      }
      const upstream = httpRequest(
        {
          host: address,
          port,
          method: request.method,
          path: `${target.pathname}${target.search}`,
          headers: request.headers,
        },
        (answer) => {
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(response);
        },
      );
      upstream.on('error', (error) => response.writeHead(502).end(String(error)));
      upstream.end(body);
    });
  });
  server.on('connect', (request, client: Socket, head: Buffer) => {
    const [host = '', portText = '443'] = (request.url ?? '').split(/:(?=\d+$)/);
    const port = Number(portText);
    requests.push({ kind: 'connect', host, port });
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    const address = loopback(host);
    if (address === undefined) {
      client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
      return;
    }
    const upstream = connect(port, address, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    clear: () => {
      requests.length = 0;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function actionOf(body: string, target: URL): { action?: string } {
  const action = new URLSearchParams(body).get('Action') ?? target.searchParams.get('Action');
  return action === null ? {} : { action };
}
