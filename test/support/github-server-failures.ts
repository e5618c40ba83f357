import type { ApiResponse } from './github-server-http.js';
import { errorResponse } from './github-server-http.js';
import type { Failure, FailureMatch } from './github-server-types.js';

interface Pending {
  remaining: number;
  failure: Failure;
}

/** Failures queued with `failNext`, consumed by the requests they match, in the order queued. */
export class FailureQueue {
  private pending: Pending[] = [];

  /** Makes the next `count` matching requests fail (`Infinity` for all of them). */
  add(count: number, failure: Failure): void {
    if (!(count > 0)) throw new Error(`failNext count must be positive, got ${count}`);
    this.pending.push({ remaining: count, failure });
  }

  /** Consumes and answers the first queued failure matching this request, if any. */
  take(method: string, path: string): ApiResponse | undefined {
    const entry = this.pending.find((p) => matches(p.failure.match, method, path));
    if (entry === undefined) return undefined;
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.pending = this.pending.filter((p) => p !== entry);
    return toResponse(entry.failure);
  }

  /** How many failures are still queued (Infinity when one is permanent). */
  size(): number {
    return this.pending.reduce((sum, p) => sum + p.remaining, 0);
  }

  /** Drops every queued failure. */
  clear(): void {
    this.pending = [];
  }
}

function matches(match: FailureMatch | undefined, method: string, path: string): boolean {
  if (match?.method !== undefined && match.method.toUpperCase() !== method.toUpperCase()) return false;
  return match?.pathPrefix === undefined || path.startsWith(match.pathPrefix);
}

function toResponse(failure: Failure): ApiResponse {
  const base = errorResponse(failure.status);
  return {
    status: failure.status,
    body: failure.body === undefined ? base.body : failure.body,
    ...(failure.headers === undefined ? {} : { headers: failure.headers }),
  };
}

/** GitHub's secondary rate limit: 403, `retry-after` (seconds), and a message octokit's throttling recognises. */
export function secondaryRateLimit(match?: FailureMatch, retryAfterSeconds = 0): Failure {
  return {
    status: 403,
    ...(match === undefined ? {} : { match }),
    headers: { 'retry-after': String(retryAfterSeconds) },
    body: {
      message:
        'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. ' +
        'If you reach out to GitHub Support for help, please include the request ID 0000:0000:0000000:0000000:00000000.',
      documentation_url:
        'https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
      status: '403',
    },
  };
}

/** GitHub's primary rate limit: 403 with `x-ratelimit-remaining: 0` and the reset time. */
export function primaryRateLimit(resetAt: Date, match?: FailureMatch): Failure {
  return {
    status: 403,
    ...(match === undefined ? {} : { match }),
    headers: {
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-used': '5000',
      'x-ratelimit-reset': String(Math.floor(resetAt.getTime() / 1000)),
      'x-ratelimit-resource': 'core',
    },
    body: {
      message: 'API rate limit exceeded for installation ID 1.',
      documentation_url:
        'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-the-primary-rate-limit',
      status: '403',
    },
  };
}

/** What GitHub answers when the workflow token lacks a permission (e.g. no `deployments: write`). */
export function resourceNotAccessible(
  match?: FailureMatch,
  acceptedPermission = 'deployments=write',
): Failure {
  return {
    status: 403,
    ...(match === undefined ? {} : { match }),
    headers: { 'x-accepted-github-permissions': acceptedPermission },
    body: {
      message: 'Resource not accessible by integration',
      documentation_url: 'https://docs.github.com/rest',
      status: '403',
    },
  };
}
