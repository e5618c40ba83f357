import { App, type StackProps } from 'aws-cdk-lib';
import { NAME_CONTEXT, STAGE_CONTEXT, stackName, stageFrom } from './environment-name.js';
import { DEMO_BROAD_PERMISSION_CONTEXT, InvoicesStack } from './invoices-stack.js';

/** Builds the CDK app: one stack, `<prenv:name>-invoices`, or `production-invoices` with `-c stage=production`. */
export function buildApp(app = new App()): App {
  const stage = stageFrom(app.node.tryGetContext(STAGE_CONTEXT), app.node.tryGetContext(NAME_CONTEXT));
  new InvoicesStack(app, stackName(stage.name), {
    environmentName: stage.name,
    production: stage.production,
    demoBroadPermission: [true, 'true'].includes(app.node.tryGetContext(DEMO_BROAD_PERMISSION_CONTEXT)),
    ...deploymentEnvironment(process.env),
  });
  return app;
}

/** Pins account and region when the CDK CLI or toolkit resolved them; otherwise the stack stays agnostic. */
function deploymentEnvironment(env: NodeJS.ProcessEnv): Pick<StackProps, 'env'> {
  const account = env.CDK_DEFAULT_ACCOUNT;
  const region = env.CDK_DEFAULT_REGION;
  return account !== undefined && region !== undefined ? { env: { account, region } } : {};
}
