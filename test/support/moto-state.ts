import { GetTemplateCommand, UpdateStackCommand } from '@aws-sdk/client-cloudformation';
import { GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import { type EnvironmentState, parseState } from '../../src/domain/state.js';
import { MOTO_ENV, type Moto } from './moto.js';
import { cloudFormationOn } from './moto-stacks.js';

/** The environment's state document as prenv stored it on moto (SSM), or undefined. */
export async function storedState(
  moto: Moto,
  repository: string,
  environment: string,
): Promise<EnvironmentState | undefined> {
  const ssm = new SSMClient({
    region: MOTO_ENV.AWS_REGION,
    endpoint: moto.endpoint,
    credentials: { accessKeyId: MOTO_ENV.AWS_ACCESS_KEY_ID, secretAccessKey: MOTO_ENV.AWS_SECRET_ACCESS_KEY },
  });
  try {
    const { Parameter } = await ssm.send(
      new GetParameterCommand({ Name: `/prenv/${repository}/${environment}` }),
    );
    return parseState(Parameter?.Value ?? '');
  } catch (error) {
    if (error instanceof ParameterNotFound) return undefined;
    throw error;
  }
}

/** Updates a stack outside prenv (as someone in the console would): its template gets one more output. */
export async function addOutputOutOfBand(
  moto: Moto,
  stack: string,
  key: string,
  value: string,
): Promise<void> {
  const cfn = cloudFormationOn(moto);
  const { TemplateBody } = await cfn.send(new GetTemplateCommand({ StackName: stack }));
  const template = JSON.parse(TemplateBody ?? '{}') as { Outputs?: Record<string, unknown> };
  template.Outputs = { ...template.Outputs, [key]: { Value: value } };
  await cfn.send(
    new UpdateStackCommand({
      StackName: stack,
      TemplateBody: JSON.stringify(template),
      Capabilities: ['CAPABILITY_IAM'],
    }),
  );
}
