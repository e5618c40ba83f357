import { awsError, type RealismSwitch, withBody } from './switch.js';

/** How long the sessions STS hands out last here. */
export interface StsExpiryOptions {
  /** Lifetime of every AssumeRole / AssumeRoleWithWebIdentity session, in real ms. */
  readonly lifetimeMs: number;
  /** @default Date.now */
  readonly now?: () => number;
}

/** The switch, and what it saw. */
export interface StsExpiry extends RealismSwitch {
  /** Sessions issued: access key id → expiry (epoch ms). */
  readonly sessions: ReadonlyMap<string, number>;
  /** Calls refused because their session had expired. */
  readonly expired: { service: string; action: string }[];
}

/**
 * Sessions expire: STS answers carry an `Expiration` lifetimeMs from now (moto's is hours away and
 * never checked), and any later call signed with that session's access key is answered `ExpiredToken`
 * (HTTP 400 with the service's error body), as AWS does.
 */
export function stsExpiry(options: StsExpiryOptions): StsExpiry {
  const now = options.now ?? Date.now;
  const sessions = new Map<string, number>();
  const expired: { service: string; action: string }[] = [];
  return {
    name: 'sts-expiry',
    sessions,
    expired,
    async handle(request, next) {
      const key = accessKeyOf(request.headers.authorization, request.url);
      const expiry = key === undefined ? undefined : sessions.get(key);
      if (expiry !== undefined && now() >= expiry) {
        expired.push({ service: request.service, action: request.action });
        return awsError(
          request.service,
          {
            status: 400,
            code: 'ExpiredToken',
            jsonCode: 'ExpiredTokenException',
            message:
              request.service === 's3'
                ? 'The provided token has expired.'
                : 'The security token included in the request is expired',
          },
          'sts-expiry',
        );
      }
      const response = await next();
      // AssumeRoleWithWebIdentity is unsigned: no credential scope names the service.
      if (!/^AssumeRole/.test(request.action) || response.status !== 200) return response;
      const xml = response.body.toString();
      const issued = xml.match(/<AccessKeyId>([^<]+)<\/AccessKeyId>/)?.[1];
      if (issued === undefined) return response;
      const expiresAt = now() + options.lifetimeMs;
      sessions.set(issued, expiresAt);
      const expiration = new Date(expiresAt).toISOString();
      return withBody(
        response,
        xml.replace(/<Expiration>[^<]*<\/Expiration>/, `<Expiration>${expiration}</Expiration>`),
      );
    },
  };
}

/** The access key id a call is signed with (Authorization header, or a presigned URL's X-Amz-Credential). */
function accessKeyOf(authorization: string | undefined, url: string): string | undefined {
  const fromHeader = authorization?.match(/Credential=([^/]+)\//)?.[1];
  if (fromHeader !== undefined) return fromHeader;
  const credential = new URLSearchParams(url.split('?')[1] ?? '').get('X-Amz-Credential');
  return credential?.split('/')[0] ?? undefined;
}
