import type { Context, EventBridgeEvent } from 'aws-lambda';
import { type Observability, observeInvocation } from '../observability/observability.js';

/** What an event handler needs per invocation, resolved lazily from the composition root. */
export interface EventHandlerWiring {
  readonly observability: Observability;
  /** The use case, given the event's `detail`. */
  readonly consume: (detail: unknown) => Promise<unknown>;
}

export type EventHandler = (event: EventBridgeEvent<string, unknown>, context?: Context) => Promise<void>;

/**
 * Wraps a use case as the target of an EventBridge rule: the event id on every log line, traced and
 * observed. A failure is logged and rethrown, so Lambda's asynchronous retries and the function's error
 * metric (and, in production, its alarm) see it.
 */
export function lambdaEventHandler(wire: () => EventHandlerWiring): EventHandler {
  return async (event, context) => {
    const { observability, consume } = wire();
    const { logger } = observability;
    logger.appendKeys({ eventId: event.id });
    try {
      await observeInvocation(observability, event['detail-type'], context, async () => {
        logger.info('event', { source: event.source, detailType: event['detail-type'] });
        try {
          await consume(event.detail);
        } catch (error) {
          logger.error('event not handled', error instanceof Error ? error : String(error));
          throw error;
        }
      });
    } finally {
      logger.removeKeys(['eventId']);
    }
  };
}
