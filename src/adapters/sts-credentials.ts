import {
  AssumeRoleCommand,
  AssumeRoleWithWebIdentityCommand,
  type Credentials,
  GetCallerIdentityCommand,
  STSClient,
} from '@aws-sdk/client-sts';
import { CredentialsError, messageOf } from '../errors.js';
import type { AwsCredentials, AwsSession, CredentialsPort, CredentialsRequest } from '../ports.js';
import { clientConfig } from './aws-config.js';

/** STS: AssumeRoleWithWebIdentity with an OIDC token, AssumeRole otherwise, or the ambient credentials. */
export class StsCredentials implements CredentialsPort {
  async resolve(request: CredentialsRequest): Promise<AwsSession> {
    const credentials = await this.credentials(request);
    // A copy: the SDK marks the credentials it is given ($source), and the session hands them on.
    const sts = new STSClient(clientConfig(request.region, { ...credentials }));
    try {
      const identity = await sts.send(new GetCallerIdentityCommand({}));
      if (identity.Account === undefined || identity.Arn === undefined) {
        throw new CredentialsError('STS GetCallerIdentity returned no account');
      }
      return { credentials, region: request.region, account: identity.Account, arn: identity.Arn };
    } catch (error) {
      if (error instanceof CredentialsError) throw error;
      throw new CredentialsError(`STS GetCallerIdentity failed: ${messageOf(error)}`, { cause: error });
    } finally {
      sts.destroy();
    }
  }

  private async credentials(request: CredentialsRequest): Promise<AwsCredentials> {
    const ambient = new STSClient(clientConfig(request.region));
    try {
      if (request.roleArn === undefined) {
        return withoutExtras(await ambient.config.credentials());
      }
      if (request.webIdentityToken !== undefined) {
        const response = await ambient.send(
          new AssumeRoleWithWebIdentityCommand({
            RoleArn: request.roleArn,
            RoleSessionName: request.sessionName,
            WebIdentityToken: request.webIdentityToken,
            DurationSeconds: request.durationSeconds,
          }),
        );
        return fromSts(response.Credentials, request.roleArn);
      }
      const response = await ambient.send(
        new AssumeRoleCommand({
          RoleArn: request.roleArn,
          RoleSessionName: request.sessionName,
          DurationSeconds: request.durationSeconds,
        }),
      );
      return fromSts(response.Credentials, request.roleArn);
    } catch (error) {
      if (error instanceof CredentialsError) throw error;
      // The SDK's chain reports only "Could not load credentials from any providers": say where it looked.
      const profile = process.env.AWS_PROFILE;
      const how =
        request.roleArn === undefined
          ? profile
            ? `No AWS credentials could be loaded for profile ${profile} (AWS_PROFILE)`
            : 'No AWS credentials were found (set role-to-assume, or provide credentials in the environment)'
          : `Could not assume ${request.roleArn} with ${request.webIdentityToken === undefined ? 'AssumeRole' : 'the GitHub OIDC token (AssumeRoleWithWebIdentity)'}`;
      throw new CredentialsError(`${how}: ${messageOf(error)}`, { cause: error });
    } finally {
      ambient.destroy();
    }
  }
}

function fromSts(credentials: Credentials | undefined, roleArn: string): AwsCredentials {
  if (credentials?.AccessKeyId === undefined || credentials.SecretAccessKey === undefined) {
    throw new CredentialsError(`STS returned no credentials for ${roleArn}`);
  }
  return {
    accessKeyId: credentials.AccessKeyId,
    secretAccessKey: credentials.SecretAccessKey,
    ...(credentials.SessionToken === undefined ? {} : { sessionToken: credentials.SessionToken }),
    ...(credentials.Expiration === undefined ? {} : { expiration: credentials.Expiration }),
  };
}

function withoutExtras(credentials: AwsCredentials): AwsCredentials {
  return {
    accessKeyId: credentials.accessKeyId,
    secretAccessKey: credentials.secretAccessKey,
    ...(credentials.sessionToken === undefined ? {} : { sessionToken: credentials.sessionToken }),
    ...(credentials.expiration === undefined ? {} : { expiration: credentials.expiration }),
  };
}
