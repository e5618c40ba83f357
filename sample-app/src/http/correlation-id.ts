import type { APIGatewayProxyEvent } from 'aws-lambda';

/** The request and response header that carries the correlation id. */
export const CORRELATION_HEADER = 'x-correlation-id';

const ACCEPTABLE = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's correlation id if it is well formed, otherwise a new one. Never echoes arbitrary input. */
export function correlationIdOf(event: Pick<APIGatewayProxyEvent, 'headers'>, newId: () => string): string {
  const entry = Object.entries(event.headers ?? {}).find(
    ([name]) => name.toLowerCase() === CORRELATION_HEADER,
  );
  const value = entry?.[1]?.trim();
  return value !== undefined && ACCEPTABLE.test(value) ? value : newId();
}
