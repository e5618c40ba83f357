import { roleSessionName } from '../domain/naming.js';
import { CredentialsError, messageOf } from '../errors.js';
import type { Inputs } from '../inputs.js';
import type {
  AwsCredentials,
  AwsSession,
  Clock,
  CredentialsPort,
  CredentialsRequest,
  Log,
  OidcPort,
} from '../ports.js';
import { renewingCredentials } from './credential-refresh.js';

/** What opening a session needs. */
export interface SessionPorts {
  readonly credentials: CredentialsPort;
  readonly oidc: OidcPort;
  readonly log: Log;
  readonly clock: Clock;
}

/**
 * Obtains the sandbox session: OIDC → AssumeRoleWithWebIdentity, AssumeRole, or ambient credentials;
 * masks the secrets; refuses an account that is not on the allow-list before anything is written.
 */
export async function openSession(
  inputs: Inputs,
  context: { repository: string; pullRequest?: number },
  ports: SessionPorts,
): Promise<AwsSession> {
  const sessionName = inputs.roleSessionName ?? roleSessionName(context.repository, context.pullRequest);
  const useOidc = inputs.roleToAssume !== undefined && ports.oidc.available();
  const webIdentityToken = useOidc ? await oidcToken(inputs.audience, ports) : undefined;
  const request: CredentialsRequest = {
    region: inputs.awsRegion,
    sessionName,
    durationSeconds: inputs.roleDurationSeconds,
    ...(inputs.roleToAssume === undefined ? {} : { roleArn: inputs.roleToAssume }),
  };
  let session: AwsSession;
  try {
    session = await ports.credentials.resolve({
      ...request,
      ...(webIdentityToken === undefined ? {} : { webIdentityToken }),
    });
  } catch (error) {
    if (inputs.roleToAssume !== undefined && webIdentityToken === undefined) {
      throw new CredentialsError(
        `${messageOf(error)}. No GitHub OIDC token was available (ACTIONS_ID_TOKEN_REQUEST_URL is not set), so prenv ` +
          'tried AssumeRole with the ambient credentials. To use OIDC, give the job `permissions: id-token: write`.',
        { cause: error },
      );
    }
    throw error;
  }
  ports.log.mask(session.credentials.secretAccessKey);
  if (session.credentials.sessionToken !== undefined) ports.log.mask(session.credentials.sessionToken);
  ports.log.mask(session.credentials.accessKeyId);
  if (inputs.allowedAccountIds.length > 0 && !inputs.allowedAccountIds.includes(session.account)) {
    throw new CredentialsError(
      `The credentials are for AWS account ${session.account}, which is not in allowed-account-ids ` +
        `(${inputs.allowedAccountIds.join(', ')}). prenv refuses to touch it. Fix role-to-assume, or add the ` +
        'account to allowed-account-ids if it really is a sandbox.',
    );
  }
  ports.log.info(`AWS session: ${session.arn} in ${session.region}`);
  const account = session.account;
  // Long runs outlive a session: the same way again (a new OIDC token, or AssumeRole) before it expires.
  const renew = async (): Promise<AwsCredentials> => {
    const token = useOidc ? await oidcToken(inputs.audience, ports) : undefined;
    const renewed = await ports.credentials.resolve({
      ...request,
      ...(token === undefined ? {} : { webIdentityToken: token }),
    });
    if (renewed.account !== account) {
      throw new CredentialsError(
        `The renewed credentials are for account ${renewed.account}, not ${account}`,
      );
    }
    return renewed.credentials;
  };
  return {
    ...session,
    current: renewingCredentials({ initial: session.credentials, renew, clock: ports.clock, log: ports.log }),
  };
}

/** A GitHub OIDC token for the audience, masked. */
async function oidcToken(audience: string, ports: SessionPorts): Promise<string> {
  let token: string;
  try {
    token = await ports.oidc.token(audience);
  } catch (error) {
    throw new CredentialsError(
      `Could not get a GitHub OIDC token for audience ${audience}: ${messageOf(error)}. ` +
        'The job needs `permissions: id-token: write`.',
      { cause: error },
    );
  }
  ports.log.mask(token);
  return token;
}

/** The session's credentials (or these, fresher ones) as the standard AWS environment variables. */
export function credentialVariables(
  session: AwsSession,
  credentials: AwsCredentials = session.credentials,
): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    ...(credentials.sessionToken === undefined ? {} : { AWS_SESSION_TOKEN: credentials.sessionToken }),
    AWS_REGION: session.region,
    AWS_DEFAULT_REGION: session.region,
  };
}
