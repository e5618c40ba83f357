import { STATUS_CODES } from 'node:http';

/** A parsed request, as route handlers see it. */
export interface ApiRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
  headers: Readonly<Record<string, string | string[] | undefined>>;
}

/** What a handler answers; the server writes it. */
export interface ApiResponse {
  status: number;
  body?: unknown;
  headers?: Readonly<Record<string, string>>;
}

const DOCS = 'https://docs.github.com/rest';

/** A GitHub-like error answer: `{message, documentation_url, status}`. */
export function errorResponse(status: number, message = STATUS_CODES[status] ?? 'Error'): ApiResponse {
  return { status, body: { message, documentation_url: DOCS, status: String(status) } };
}

/** The 404 GitHub answers for unknown paths and missing resources. */
export function notFound(): ApiResponse {
  return errorResponse(404, 'Not Found');
}

/** A 422 Validation Failed answer naming the field and why. */
export function validationFailed(
  resource: string,
  field: string,
  code: string,
  message?: string,
): ApiResponse {
  const error = { resource, field, code, ...(message === undefined ? {} : { message }) };
  return {
    status: 422,
    body: { message: 'Validation Failed', errors: [error], documentation_url: DOCS, status: '422' },
  };
}

/** The body as a JSON object, or undefined when it is not one. */
export function bodyObject(request: ApiRequest): Record<string, unknown> | undefined {
  const { body } = request;
  return typeof body === 'object' && body !== null && !Array.isArray(body)
    ? (body as Record<string, unknown>)
    : undefined;
}

/** Answers one page of `items` per `per_page` (default 30, max 100) and `page`, with an RFC 5988 Link header. */
export function paginate(items: readonly unknown[], request: ApiRequest, baseUrl: string): ApiResponse {
  const perPage = clamp(positiveInt(request.query.get('per_page')) ?? 30, 1, 100);
  const page = positiveInt(request.query.get('page')) ?? 1;
  const lastPage = Math.max(1, Math.ceil(items.length / perPage));
  const body = items.slice((page - 1) * perPage, page * perPage);
  const link = (target: number, rel: string): string => {
    const query = new URLSearchParams(request.query);
    query.set('page', String(target));
    return `<${baseUrl}${request.path}?${query.toString()}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page > 1) links.push(link(Math.min(page - 1, lastPage), 'prev'));
  if (page < lastPage) links.push(link(page + 1, 'next'), link(lastPage, 'last'));
  if (page > 1) links.push(link(1, 'first'));
  return { status: 200, body, ...(links.length > 0 ? { headers: { link: links.join(', ') } } : {}) };
}

function positiveInt(value: string | null): number | undefined {
  if (value === null || !/^\d+$/.test(value)) return undefined;
  const parsed = Number(value);
  return parsed >= 1 ? parsed : undefined;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
