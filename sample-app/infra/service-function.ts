import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { LambdaDeploymentConfig, LambdaDeploymentGroup } from 'aws-cdk-lib/aws-codedeploy';
import { Alias, Architecture, type IFunction, type IVersion, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { esbuildBatch } from './esbuild-batch.js';
import { esbuildCode } from './esbuild-code.js';
import { findLockFile } from './find-lock-file.js';

/** How a new version of a function reaches its callers. */
export type Release = 'all-at-once' | 'canary';

export interface ServiceFunctionProps {
  /** File name under src/lambda/, without extension, e.g. `create-invoice`. */
  readonly entry: string;
  /** Environment variables the handler reads. */
  readonly environment: Record<string, string>;
  /**
   * `canary`: callers invoke a `live` alias that CodeDeploy shifts to each new version, 10% for five
   * minutes and then the rest, rolling back if the function's error or p99 latency alarm fires.
   * `all-at-once`: callers invoke the function itself and a new version takes every request at once.
   */
  readonly release: Release;
}

/** The p99 duration above which a canary is rolled back; the functions time out at 10 s. */
export const P99_LATENCY_ALARM_MS = 3_000;

/**
 * A handler bundled from source by esbuild (locally, no Docker), with everything it imports inside the
 * bundle (the AWS SDK too: the code that was tested is the code that runs), active X-Ray tracing, and its
 * own log group so that deleting the stack leaves nothing behind.
 */
export class ServiceFunction extends Construct {
  readonly function: NodejsFunction;
  /** What callers (API Gateway, EventBridge) invoke: the `live` alias under canary, else the function. */
  readonly target: IFunction;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    super(scope, id);
    const entry = handlerPath(`${props.entry}.ts`);
    const lockFile = findLockFile(entry);
    const projectRoot = lockFile.replace(/[/\\][^/\\]+$/, '');
    const logGroup = new LogGroup(this, 'Logs', {
      retention: RetentionDays.ONE_WEEK,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.function = new NodejsFunction(this, 'Function', {
      code: esbuildCode(entry, projectRoot, esbuildBatch(this, projectRoot, handlers())),
      handler: 'index.handler',
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: 512,
      timeout: Duration.seconds(10),
      environment: props.environment,
      logGroup,
      tracing: Tracing.ACTIVE,
    });
    this.function.addEnvironment('NODE_OPTIONS', '--enable-source-maps');
    this.target = props.release === 'canary' ? this.canary() : this.function;
  }

  /** The `live` alias, its two rollback alarms and the CodeDeploy group that shifts it. */
  private canary(): IFunction {
    // The casts here and on return: Version's and Alias's optional `role` is declared `IRole | undefined`,
    // IFunction's `role?: IRole`: a declaration gap exactOptionalPropertyTypes reports, not a type mismatch.
    const version = this.function.currentVersion as IVersion;
    const alias = new Alias(this, 'Live', { aliasName: 'live', version });
    const period = Duration.minutes(1);
    const errors = new Alarm(this, 'Errors', {
      alarmDescription: 'Any error in the live alias: roll the deployment back',
      metric: alias.metricErrors({ period }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    const latency = new Alarm(this, 'LatencyP99', {
      alarmDescription: `p99 duration of the live alias above ${P99_LATENCY_ALARM_MS} ms: roll the deployment back`,
      metric: alias.metricDuration({ period, statistic: 'p99' }),
      threshold: P99_LATENCY_ALARM_MS,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    new LambdaDeploymentGroup(this, 'Deployment', {
      alias,
      deploymentConfig: LambdaDeploymentConfig.CANARY_10PERCENT_5MINUTES,
      alarms: [errors, latency],
      autoRollback: { failedDeployment: true, stoppedDeployment: true, deploymentInAlarm: true },
    });
    return alias as IFunction;
  }
}

/** The absolute path of a file under src/lambda/. */
function handlerPath(file: string): string {
  return fileURLToPath(new URL(`../src/lambda/${file}`, import.meta.url));
}

/** Every handler under src/lambda/: the app's functions, bundled together by one esbuild build. */
function handlers(): string[] {
  return readdirSync(handlerPath(''))
    .filter((file) => file.endsWith('.ts'))
    .map(handlerPath);
}
