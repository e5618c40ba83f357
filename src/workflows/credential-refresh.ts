import { CredentialsError, messageOf } from '../errors.js';
import type { AwsCredentials, Clock, CredentialSource, Log } from '../ports.js';

/** Renew this long before expiry at most (the SDK itself asks again 5 minutes before). */
const RENEW_MARGIN_MS = 10 * 60_000;

/** What keeps a session's credentials fresh. */
export interface RenewingOptions {
  readonly initial: AwsCredentials;
  /** Obtains new credentials: a new OIDC token and AssumeRoleWithWebIdentity, or AssumeRole again. */
  readonly renew: () => Promise<AwsCredentials>;
  readonly clock: Clock;
  readonly log: Log;
}

/**
 * The session's credentials, renewed when less than the margin is left: 10 minutes, or half their
 * lifetime when that is shorter, or `validForMs` when a caller (the e2e command) needs them longer.
 * Concurrent callers share one renewal. Credentials without an expiry are returned as they are.
 */
export function renewingCredentials(options: RenewingOptions): CredentialSource {
  const { clock, log } = options;
  let current = options.initial;
  let obtainedAt = clock.now().getTime();
  let renewing: Promise<AwsCredentials> | undefined;

  const renew = async (): Promise<AwsCredentials> => {
    const fresh = await options.renew();
    for (const secret of [fresh.secretAccessKey, fresh.sessionToken, fresh.accessKeyId]) {
      if (secret !== undefined) log.mask(secret);
    }
    current = fresh;
    obtainedAt = clock.now().getTime();
    log.info(
      `AWS credentials renewed${fresh.expiration ? `; they expire at ${fresh.expiration.toISOString()}` : ''}`,
    );
    return fresh;
  };

  return async ({ validForMs = 0 } = {}) => {
    const expiration = current.expiration?.getTime();
    if (expiration === undefined) return current;
    const now = clock.now().getTime();
    const margin = Math.max(Math.min(RENEW_MARGIN_MS, (expiration - obtainedAt) / 2), validForMs);
    if (expiration - now > margin) return current;
    renewing ??= renew().finally(() => {
      renewing = undefined;
    });
    let fresh: AwsCredentials;
    try {
      fresh = await renewing;
    } catch (error) {
      if (expiration > clock.now().getTime()) {
        log.warning(
          `Could not renew the AWS credentials (${messageOf(error)}); using them until they expire`,
        );
        return current;
      }
      throw new CredentialsError(
        `The AWS credentials expired and could not be renewed: ${messageOf(error)}`,
        {
          cause: error,
        },
      );
    }
    const left = (fresh.expiration?.getTime() ?? Number.POSITIVE_INFINITY) - clock.now().getTime();
    if (validForMs > 0 && left < validForMs) {
      log.warning(
        `The AWS credentials last ${Math.floor(left / 60_000)} more minutes, less than the ${Math.round(validForMs / 60_000)} ` +
          "needed (test-timeout-minutes): raise role-duration-seconds (and the role's maximum session duration).",
      );
    }
    return fresh;
  };
}
