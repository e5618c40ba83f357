/**
 * The realism hook of the AWS proxy: switches that make moto answer as real AWS does where moto
 * is lenient. A switch may answer a call itself (without moto) or rewrite moto's answer; it may
 * also ask moto directly (`moto`). Each behaviour lives in its own file beside this one.
 */
import { request as httpRequest } from 'node:http';
import type { ProxiedResponse, RealismSwitch } from './switch.js';

/** One call, as a switch sees it. */
export interface RealismCall {
  readonly service: string;
  readonly action: string;
  /** The query-protocol parameters (form body), empty for other protocols. */
  readonly params: URLSearchParams;
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Buffer;
}

/** An HTTP answer. */
export interface RealismAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** Calls moto directly, bypassing the proxy. */
export interface MotoClient {
  /** A query-protocol call (CloudFormation) with these parameters. */
  query(service: string, params: Record<string, string>): Promise<RealismAnswer>;
  /** A REST call (S3), e.g. GET /bucket?versions. */
  rest(service: string, method: string, path: string): Promise<RealismAnswer>;
}

/** One realism switch. */
export interface AnswerSwitch {
  /** Whether the switch looks at this call at all (others are forwarded untouched). */
  wants(call: { service: string; action: string }): boolean;
  /** Answers the call itself; undefined forwards it to moto. */
  answer?(call: RealismCall, moto: MotoClient): Promise<RealismAnswer | undefined>;
  /** Rewrites moto's answer. */
  rewrite?(call: RealismCall, answer: RealismAnswer, moto: MotoClient): Promise<RealismAnswer>;
}

/**
 * Runs the switches that want this call: the first answer wins, else moto answers and every
 * switch may rewrite it. undefined when no switch wants the call (the proxy forwards it as usual).
 */
export async function applyRealism(
  switches: readonly AnswerSwitch[],
  call: RealismCall,
  target: string,
): Promise<RealismAnswer | undefined> {
  const active = switches.filter((s) => s.wants(call));
  if (active.length === 0) return undefined;
  const moto = motoClient(target);
  for (const s of active) {
    const answer = await s.answer?.(call, moto);
    if (answer !== undefined) return answer;
  }
  let answer = await send(target, call.method, call.path, call.headers, call.body);
  for (const s of active) if (s.rewrite) answer = await s.rewrite(call, answer, moto);
  return answer;
}

/** The parameters of a query-protocol call. */
export function queryParams(body: Buffer): URLSearchParams {
  return new URLSearchParams(body.toString('utf8'));
}

/** An AWS query-protocol error answer (what CloudFormation sends). */
export function queryError(code: string, message: string, status = 400): RealismAnswer {
  return {
    status,
    headers: { 'content-type': 'text/xml' },
    body:
      `<ErrorResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><Error><Type>Sender</Type>` +
      `<Code>${code}</Code><Message>${escapeXml(message)}</Message></Error><RequestId>prenv-realism</RequestId></ErrorResponse>`,
  };
}

/** A successful query-protocol answer with this result body. */
export function queryResult(action: string, result = ''): RealismAnswer {
  return {
    status: 200,
    headers: { 'content-type': 'text/xml' },
    body:
      `<${action}Response xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/">` +
      (result === '' ? '' : `<${action}Result>${result}</${action}Result>`) +
      `<ResponseMetadata><RequestId>prenv-realism</RequestId></ResponseMetadata></${action}Response>`,
  };
}

/** Escapes text for an XML element. */
export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function motoClient(target: string): MotoClient {
  const auth = (service: string) =>
    `AWS4-HMAC-SHA256 Credential=testing/20250101/eu-west-2/${service}/aws4_request, SignedHeaders=host, Signature=0`;
  return {
    query: (service, params) =>
      send(
        target,
        'POST',
        '/',
        { authorization: auth(service), 'content-type': 'application/x-www-form-urlencoded' },
        Buffer.from(new URLSearchParams({ Version: '2010-05-15', ...params }).toString()),
      ),
    rest: (service, method, path) =>
      send(target, method, path, { authorization: auth(service) }, Buffer.alloc(0)),
  };
}

function send(
  target: string,
  method: string,
  path: string,
  headers: Readonly<Record<string, string | string[] | undefined>>,
  body: Buffer,
): Promise<RealismAnswer> {
  const port = new URL(target).port;
  return new Promise((resolve, reject) => {
    const forwarded = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        headers: { ...headers, host: `localhost:${port}`, 'content-length': String(body.length) },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const kept = Object.entries(response.headers).filter(
            ([name, value]) =>
              typeof value === 'string' && !/^(content-length|transfer-encoding|connection)$/i.test(name),
          ) as [string, string][];
          resolve({
            status: response.statusCode ?? 502,
            headers: Object.fromEntries(kept),
            body: Buffer.concat(chunks).toString('utf8'),
          });
        });
        response.on('error', reject);
      },
    );
    forwarded.on('error', reject);
    forwarded.end(body);
  });
}

/** An answering switch as a link of the proxy's realism chain (./switch.ts), asking moto at target. */
export function asMiddleware(realism: AnswerSwitch, target: string): RealismSwitch {
  return {
    name: 'answer-switch',
    handle: async (request, next) => {
      if (!realism.wants(request)) return next();
      const call: RealismCall = {
        service: request.service,
        action: request.action,
        params: request.params,
        method: request.method,
        path: request.url,
        headers: request.headers,
        body: request.body,
      };
      const moto = motoClient(target);
      const answered = await realism.answer?.(call, moto);
      if (answered !== undefined) return toProxied(answered);
      if (realism.rewrite === undefined) return next();
      const forwarded = await next();
      return toProxied(await realism.rewrite(call, fromProxied(forwarded), moto));
    },
  };
}

function toProxied(answer: RealismAnswer): ProxiedResponse {
  const headers: Record<string, string> = {
    ...answer.headers,
    'content-length': String(Buffer.byteLength(answer.body)),
  };
  delete headers['transfer-encoding'];
  return { status: answer.status, headers, body: Buffer.from(answer.body), answeredBy: 'realism' };
}

function fromProxied(response: ProxiedResponse): RealismAnswer {
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(response.headers)) {
    if (value !== undefined && key !== 'content-length' && key !== 'transfer-encoding')
      headers[key] = Array.isArray(value) ? value.join(', ') : value;
  }
  return { status: response.status, headers, body: response.body.toString('utf8') };
}
