import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { findLockFile } from './find-lock-file.js';

export interface ApiFunctionProps {
  /** File name under src/lambda/, without extension, e.g. `create-invoice`. */
  readonly entry: string;
  /** Environment variables the handler reads. */
  readonly environment: Record<string, string>;
}

/**
 * A handler bundled from source by esbuild (locally, no Docker), with everything it imports inside the
 * bundle (the AWS SDK too: the code that was tested is the code that runs), and its own log group so that
 * deleting the stack leaves nothing behind.
 */
export class ApiFunction extends Construct {
  readonly function: NodejsFunction;

  constructor(scope: Construct, id: string, props: ApiFunctionProps) {
    super(scope, id);
    const entry = fileURLToPath(new URL(`../src/lambda/${props.entry}.ts`, import.meta.url));
    const lockFile = findLockFile(entry);
    const logGroup = new LogGroup(this, 'Logs', {
      retention: RetentionDays.ONE_WEEK,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.function = new NodejsFunction(this, 'Function', {
      entry,
      handler: 'handler',
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: 512,
      timeout: Duration.seconds(10),
      environment: props.environment,
      logGroup,
      depsLockFilePath: lockFile,
      projectRoot: lockFile.replace(/[/\\][^/\\]+$/, ''),
      bundling: {
        format: OutputFormat.CJS,
        externalModules: [],
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        target: 'node24',
      },
    });
    this.function.addEnvironment('NODE_OPTIONS', '--enable-source-maps');
  }
}
