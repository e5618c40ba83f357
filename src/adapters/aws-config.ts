import type { AwsCredentials } from '../ports.js';

/** Retry settings for every SDK client: the SDK's own strategy, configurable the standard way. */
export function retryConfig(env: NodeJS.ProcessEnv = process.env): {
  maxAttempts: number;
  retryMode: string;
} {
  const attempts = Number(env.AWS_MAX_ATTEMPTS);
  return {
    maxAttempts: Number.isInteger(attempts) && attempts > 0 ? attempts : 8,
    retryMode: env.AWS_RETRY_MODE === 'standard' ? 'standard' : 'adaptive',
  };
}

/** Client configuration for a region and explicit credentials. Endpoints come from the SDK's standard config. */
export function clientConfig(region: string, credentials?: AwsCredentials) {
  return {
    region,
    ...retryConfig(),
    ...(credentials === undefined ? {} : { credentials }),
  };
}
