import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { type Observability, observeInvocation } from '../observability/observability.js';
import { CORRELATION_HEADER, correlationIdOf } from './correlation-id.js';
import { errorResponse, isClientError } from './error-response.js';
import type { Route } from './route.js';

/** What a handler needs per invocation, resolved lazily from the composition root. */
export interface HandlerWiring {
  readonly observability: Observability;
  readonly route: Route;
  readonly newId: () => string;
}

export type ApiHandler = (event: APIGatewayProxyEvent, context?: Context) => Promise<APIGatewayProxyResult>;

/**
 * Wraps a route as a Lambda handler: correlation id in (header or new), in every log line and back out in
 * the response header; thrown errors mapped to status codes by errorResponse, the one place that does it;
 * traced, and the metrics the use case recorded flushed, by observeInvocation.
 */
export function lambdaHttpHandler(wire: () => HandlerWiring): ApiHandler {
  return async (event, context) => {
    const { observability, route, newId } = wire();
    const { logger } = observability;
    const correlationId = correlationIdOf(event, newId);
    logger.appendKeys({ correlationId });
    try {
      return await observeInvocation(
        observability,
        `${event.httpMethod} ${event.resource}`,
        context,
        async () => {
          logger.info('request', { method: event.httpMethod, resource: event.resource });
          const response = await respond(route, event, correlationId, logger);
          logger.info('response', { statusCode: response.statusCode });
          return { ...response, headers: { ...response.headers, [CORRELATION_HEADER]: correlationId } };
        },
      );
    } finally {
      logger.removeKeys(['correlationId']);
    }
  };
}

async function respond(
  route: Route,
  event: APIGatewayProxyEvent,
  correlationId: string,
  logger: Logger,
): Promise<APIGatewayProxyResult> {
  try {
    return await route(event);
  } catch (error) {
    if (isClientError(error)) {
      logger.info('request rejected', { error: error instanceof Error ? error.message : String(error) });
    } else {
      logger.error('request failed', error instanceof Error ? error : String(error));
    }
    return errorResponse(error, correlationId);
  }
}
