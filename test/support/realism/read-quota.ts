import { awsError, isRead, type RealismSwitch } from './switch.js';

/** A token bucket: `burst` reads at once, refilled at `perSecond`. */
export interface ReadQuotaOptions {
  readonly perSecond: number;
  readonly burst: number;
  /** @default 'cloudformation' */
  readonly service?: string;
  /** @default Date.now */
  readonly now?: () => number;
}

/** The switch, and how many reads it let through or throttled. */
export interface ReadQuota extends RealismSwitch {
  readonly counts: { allowed: number; throttled: number };
  /** When each throttled read came (`now()`). */
  readonly throttledAt: readonly number[];
}

/**
 * An account's API read quota: reads of the service (Describe*, List*, Get*, …) beyond the token bucket
 * are answered `Throttling: Rate exceeded` (HTTP 400, the query-protocol error body CloudFormation
 * writes), which the SDK reads as a throttling error and retries with backoff. Throttled calls take no token.
 */
export function readQuota(options: ReadQuotaOptions): ReadQuota {
  const now = options.now ?? Date.now;
  const service = options.service ?? 'cloudformation';
  const counts = { allowed: 0, throttled: 0 };
  const throttledAt: number[] = [];
  let tokens = options.burst;
  let refilledAt = now();
  return {
    name: 'read-quota',
    counts,
    throttledAt,
    async handle(request, next) {
      if (request.service !== service || !isRead(request.action)) return next();
      const at = now();
      tokens = Math.min(options.burst, tokens + ((at - refilledAt) / 1000) * options.perSecond);
      refilledAt = at;
      if (tokens < 1) {
        counts.throttled++;
        throttledAt.push(at);
        return awsError(service, { status: 400, code: 'Throttling', message: 'Rate exceeded' }, 'read-quota');
      }
      tokens--;
      counts.allowed++;
      return next();
    },
  };
}
