import {
  DeleteParameterCommand,
  GetParameterCommand,
  ParameterNotFound,
  PutParameterCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { type EnvironmentState, parseState, serializeState, stateParameterName } from '../domain/state.js';
import { messageOf, StateStoreError } from '../errors.js';
import type { AwsSession, StateStore } from '../ports.js';
import { clientConfig } from './aws-config.js';

/**
 * The state store as one SSM parameter per environment, /prenv/<owner>/<repo>/<environment>: a
 * String (the document holds hashes and commits, no secrets), in the Intelligent-Tiering tier so
 * that an app with many stacks moves to the advanced tier (8 KB) instead of failing at 4 KB.
 */
export class SsmStateStore implements StateStore {
  private readonly client: SSMClient;

  constructor(
    session: Pick<AwsSession, 'region' | 'credentials'>,
    private readonly repository: string,
  ) {
    this.client = new SSMClient(clientConfig(session.region, session.credentials));
  }

  async read(environment: string): Promise<EnvironmentState | undefined> {
    const name = stateParameterName(this.repository, environment);
    try {
      const response = await this.client.send(new GetParameterCommand({ Name: name }));
      const value = response.Parameter?.Value;
      return value === undefined ? undefined : parseState(value);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw new StateStoreError(`Could not read ${name}: ${messageOf(error)}`, { cause: error });
    }
  }

  async write(environment: string, state: EnvironmentState): Promise<void> {
    const name = stateParameterName(this.repository, environment);
    try {
      await this.client.send(
        new PutParameterCommand({
          Name: name,
          Value: serializeState(state),
          Type: 'String',
          Tier: 'Intelligent-Tiering',
          Overwrite: true,
          Description: `prenv state of ${environment} (${this.repository}); deleted with the environment`,
        }),
      );
    } catch (error) {
      throw new StateStoreError(`Could not write ${name}: ${messageOf(error)}`, { cause: error });
    }
  }

  async delete(environment: string): Promise<void> {
    const name = stateParameterName(this.repository, environment);
    try {
      await this.client.send(new DeleteParameterCommand({ Name: name }));
    } catch (error) {
      if (isNotFound(error)) return;
      throw new StateStoreError(`Could not delete ${name}: ${messageOf(error)}`, { cause: error });
    }
  }
}

function isNotFound(error: unknown): boolean {
  return error instanceof ParameterNotFound || (error instanceof Error && error.name === 'ParameterNotFound');
}
