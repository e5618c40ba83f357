import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import type { Context } from 'aws-lambda';

/** The Powertools utilities every function shares, built once per cold start by the composition root. */
export interface Observability {
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly tracer: Tracer;
}

/**
 * Runs one invocation under observation: a `## <name>` X-Ray subsegment annotated with the cold start and
 * the service (only where tracing is on: in Lambda with active tracing), the Lambda context on every log
 * line, and the metrics recorded during the invocation flushed as one EMF line when it ends, even when it
 * fails. Errors are recorded on the subsegment and rethrown.
 */
export async function observeInvocation<T>(
  { logger, metrics, tracer }: Observability,
  name: string,
  context: Context | undefined,
  run: () => Promise<T>,
): Promise<T> {
  if (context !== undefined) logger.addContext(context);
  const parent = tracer.isTracingEnabled() ? tracer.getSegment() : undefined;
  const segment = parent?.addNewSubsegment(`## ${name}`);
  if (segment !== undefined) {
    tracer.setSegment(segment);
    tracer.annotateColdStart();
    tracer.addServiceNameAnnotation();
  }
  try {
    return await run();
  } catch (error) {
    tracer.addErrorAsMetadata(error instanceof Error ? error : new Error(String(error)));
    throw error;
  } finally {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    if (segment !== undefined && parent !== undefined) {
      segment.close();
      tracer.setSegment(parent);
    }
  }
}
