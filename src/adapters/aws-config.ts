import { readFileSync } from 'node:fs';
import { CredentialsError, messageOf } from '../errors.js';
import type { AwsCredentials, AwsSession } from '../ports.js';
import { EnvProxyAgent } from './env-proxy-agent.js';

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

const PROXY_VARIABLES = ['HTTPS_PROXY', 'HTTP_PROXY', 'ALL_PROXY'];

/**
 * The agent for AWS requests on a runner that sets a proxy (HTTPS_PROXY, HTTP_PROXY or ALL_PROXY,
 * honouring NO_PROXY) or a CA bundle (AWS_CA_BUNDLE, which replaces the default trusted CAs as in
 * the AWS CLI); undefined otherwise, which leaves the SDK's own agent in place.
 */
export function awsHttpAgent(env: NodeJS.ProcessEnv = process.env): EnvProxyAgent | undefined {
  const proxied = PROXY_VARIABLES.some((name) => Boolean(env[name] || env[name.toLowerCase()]));
  const caBundle = env.AWS_CA_BUNDLE;
  if (!proxied && !caBundle) return undefined;
  if (!caBundle) return new EnvProxyAgent();
  try {
    return new EnvProxyAgent({ ca: readFileSync(caBundle) });
  } catch (error) {
    throw new CredentialsError(`AWS_CA_BUNDLE ${caBundle} cannot be read: ${messageOf(error)}`, {
      cause: error,
    });
  }
}

/** Client configuration for a region and explicit credentials. Endpoints come from the SDK's standard config. */
export function clientConfig(region: string, credentials?: AwsCredentials | (() => Promise<AwsCredentials>)) {
  const agent = awsHttpAgent();
  return {
    region,
    ...retryConfig(),
    ...(credentials === undefined ? {} : { credentials }),
    ...(agent === undefined ? {} : { requestHandler: { httpAgent: agent, httpsAgent: agent } }),
  };
}

/** toolkit-lib's `sdkConfig` HTTP options: the same proxy and CA bundle as prenv's own clients. */
export function toolkitHttpOptions(): { httpOptions?: { agent: EnvProxyAgent } } {
  const agent = awsHttpAgent();
  return agent === undefined ? {} : { httpOptions: { agent } };
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
