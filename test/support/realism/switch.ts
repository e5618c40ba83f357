import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';

/** One AWS API call as a realism switch sees it. */
export interface ProxiedRequest {
  readonly service: string;
  readonly action: string;
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** Query-protocol parameters: the form body's and the URL's. */
  readonly params: URLSearchParams;
  /** Sends another query-protocol call to moto with this call's headers (moto does not check signatures). */
  upstream(params: Readonly<Record<string, string>>): Promise<ProxiedResponse>;
}

/** An HTTP answer, buffered. */
export interface ProxiedResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Buffer;
  /** The switch that answered instead of moto, if one did. */
  readonly answeredBy?: string;
}

/** A behaviour of real AWS that moto lacks, reproduced in front of it (middleware: call next to forward). */
export interface RealismSwitch {
  readonly name: string;
  handle(request: ProxiedRequest, next: () => Promise<ProxiedResponse>): Promise<ProxiedResponse>;
}

/** Runs a call through the switches, in order, and forwards it to moto at the end of the chain. */
export async function throughRealism(
  switches: readonly RealismSwitch[],
  call: Omit<ProxiedRequest, 'params' | 'upstream'>,
  upstreamPort: number,
): Promise<ProxiedResponse> {
  const params = new URLSearchParams(call.url.split('?')[1] ?? '');
  if (!String(call.headers['content-type'] ?? '').includes('json')) {
    for (const [key, value] of new URLSearchParams(call.body.toString('utf8'))) params.append(key, value);
  }
  const request: ProxiedRequest = {
    ...call,
    params,
    upstream: (query) =>
      forward(
        upstreamPort,
        'POST',
        '/',
        { ...call.headers, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
        Buffer.from(new URLSearchParams(query).toString()),
      ),
  };
  const chain = switches.reduceRight<() => Promise<ProxiedResponse>>(
    (next, realism) => () => realism.handle(request, next),
    () => forward(upstreamPort, call.method, call.url, call.headers, call.body),
  );
  return chain();
}

/** An answer with a new body (content-length fixed). */
export function withBody(response: ProxiedResponse, body: string, answeredBy?: string): ProxiedResponse {
  const headers = { ...response.headers };
  delete headers['content-length'];
  delete headers['transfer-encoding'];
  return {
    status: response.status,
    headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
    body: Buffer.from(body),
    ...(answeredBy === undefined ? {} : { answeredBy }),
  };
}

/** An error as the service's protocol writes it: query XML, S3's REST-XML, or JSON. */
export function awsError(
  service: string,
  error: { status: number; code: string; jsonCode?: string; message: string; sender?: boolean },
  answeredBy: string,
): ProxiedResponse {
  let contentType: string;
  let body: string;
  const extra: Record<string, string> = {};
  if (['cloudformation', 'sts', 'iam', 'sns', 'sqs', 'elasticloadbalancing'].includes(service)) {
    contentType = 'text/xml';
    body =
      `<ErrorResponse><Error><Type>${error.sender === false ? 'Receiver' : 'Sender'}</Type><Code>${error.code}</Code>` +
      `<Message>${error.message}</Message></Error><RequestId>prenv-realism</RequestId></ErrorResponse>`;
  } else if (service === 's3') {
    contentType = 'application/xml';
    body = `<Error><Code>${error.code}</Code><Message>${error.message}</Message><RequestId>prenv-realism</RequestId></Error>`;
  } else {
    const code = error.jsonCode ?? error.code;
    contentType = 'application/x-amz-json-1.1';
    extra['x-amzn-errortype'] = code;
    body = JSON.stringify({ __type: code, message: error.message });
  }
  return withBody(
    { status: error.status, headers: { 'content-type': contentType, ...extra }, body: Buffer.alloc(0) },
    body,
    answeredBy,
  );
}

/** True for API actions that only read. */
export function isRead(action: string): boolean {
  return /^(Describe|List|Get|Head|Validate|Estimate|Detect|Lookup)/.test(action);
}

function forward(
  port: number,
  method: string,
  path: string,
  headers: IncomingHttpHeaders,
  body: Buffer,
): Promise<ProxiedResponse> {
  const { 'transfer-encoding': _chunked, ...rest } = headers;
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        headers: { ...rest, host: `localhost:${port}`, 'content-length': String(body.length) },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 502,
            headers: response.headers,
            body: Buffer.concat(chunks),
          }),
        );
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}
