import type { AwsCredentials, AwsSession } from '../ports.js';

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
export function clientConfig(region: string, credentials?: AwsCredentials | (() => Promise<AwsCredentials>)) {
  return {
    region,
    ...retryConfig(),
    ...(credentials === undefined ? {} : { credentials }),
  };
}

/**
 * The session's credentials as an SDK credential provider. The SDK asks it again whenever the
 * credentials it holds are near expiry, and the session renews them then.
 */
export function credentialProvider(
  session: Pick<AwsSession, 'credentials' | 'current'>,
): () => Promise<AwsCredentials> {
  const current = session.current;
  // A copy each time: the SDK marks the object it is given ($source).
  return current === undefined
    ? async () => ({ ...session.credentials })
    : async () => ({ ...(await current()) });
}
