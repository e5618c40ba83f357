import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  CloudFormationClient,
  DescribeStackResourcesCommand,
  GetTemplateCommand,
} from '@aws-sdk/client-cloudformation';
import { GetFunctionCommand, type GetFunctionCommandOutput, LambdaClient } from '@aws-sdk/client-lambda';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { unzipSync } from 'fflate';

/** A deployed function's code, unpacked on disk, with the configuration Lambda would run it with. */
export interface DeployedBundle {
  readonly functionName: string;
  readonly directory: string;
  readonly handler: string;
  readonly environment: Record<string, string>;
  readonly codeSha256: string;
}

/**
 * Fetches the very code package a deployed function runs, as Lambda reports it now (GetFunction's
 * Code.Location), not as the stack's template last named it: a hotswap (prenv's fast path for code-only
 * pushes) updates the code without touching the template. The zip's SHA-256 must equal the CodeSha256
 * Lambda reports, or this throws. Nothing comes from the local cdk.out.
 */
export async function fetchDeployedBundle(stackName: string, functionName: string): Promise<DeployedBundle> {
  const lambda = new LambdaClient({});
  const cloudFormation = new CloudFormationClient({});
  try {
    const deployed = await lambda.send(new GetFunctionCommand({ FunctionName: functionName }));
    const { zip, source } = await currentCode(deployed, () =>
      assetBucket(cloudFormation, stackName, functionName, deployed),
    );
    const sha = createHash('sha256').update(zip).digest('base64');
    const configuration = deployed.Configuration;
    if (sha !== configuration?.CodeSha256) {
      throw new Error(
        `${source} (sha ${sha}) is not what ${functionName} runs (${configuration?.CodeSha256})`,
      );
    }
    return {
      functionName,
      directory: unpack(zip),
      handler: configuration.Handler ?? 'index.handler',
      environment: configuration.Environment?.Variables ?? {},
      codeSha256: sha,
    };
  } finally {
    lambda.destroy();
    cloudFormation.destroy();
  }
}

/**
 * The zip at GetFunction's Code.Location. On AWS that is a presigned URL. moto answers with
 * `https://awslambda-<region>-tasks.s3.<region>.amazonaws.com/<S3Key>`, the key Lambda was last given
 * (by CloudFormation or by a hotswap's UpdateFunctionCode), which it does not serve itself: the zip is read
 * from that key in the stack's asset bucket, where both put it.
 */
async function currentCode(
  deployed: GetFunctionCommandOutput,
  bucketOf: () => Promise<string>,
): Promise<{ zip: Uint8Array; source: string }> {
  const location = deployed.Code?.Location;
  if (location === undefined) throw new Error(`${deployed.Configuration?.FunctionName} has no Code.Location`);
  const url = new URL(location);
  if (process.env.AWS_ENDPOINT_URL === undefined || url.searchParams.has('X-Amz-Signature')) {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`Code.Location answered ${response.status}`);
    return { zip: new Uint8Array(await response.arrayBuffer()), source: 'Code.Location' };
  }
  const bucket = await bucketOf();
  const key = decodeURIComponent(url.pathname.slice(1));
  const s3 = new S3Client({ forcePathStyle: true });
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const zip = await object.Body?.transformToByteArray();
    if (zip === undefined) throw new Error(`s3://${bucket}/${key} is empty`);
    return { zip, source: `s3://${bucket}/${key}` };
  } finally {
    s3.destroy();
  }
}

/** The asset bucket the stack's template deploys the function's code from. */
async function assetBucket(
  cloudFormation: CloudFormationClient,
  stackName: string,
  functionName: string,
  deployed: GetFunctionCommandOutput,
): Promise<string> {
  const { StackResources = [] } = await cloudFormation.send(
    new DescribeStackResourcesCommand({ StackName: stackName }),
  );
  const logicalId = StackResources.find(
    (resource) =>
      resource.ResourceType === 'AWS::Lambda::Function' && resource.PhysicalResourceId === functionName,
  )?.LogicalResourceId;
  if (logicalId === undefined) throw new Error(`${functionName} is not a resource of ${stackName}`);
  const { TemplateBody = '{}' } = await cloudFormation.send(new GetTemplateCommand({ StackName: stackName }));
  const template = JSON.parse(TemplateBody) as {
    Resources: Record<string, { Properties: { Code: { S3Bucket: unknown } } }>;
  };
  const code = template.Resources[logicalId]?.Properties.Code;
  if (code === undefined) throw new Error(`${logicalId} in ${stackName} has no Code`);
  const [, , , region = '', account = ''] = deployed.Configuration?.FunctionArn?.split(':') ?? [];
  const resolve = (value: unknown): string => {
    const text = typeof value === 'object' && value !== null && 'Fn::Sub' in value ? value['Fn::Sub'] : value;
    if (typeof text !== 'string') throw new Error(`cannot resolve ${JSON.stringify(value)}`);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub placeholders, not JS templates
    return text.replaceAll('${AWS::AccountId}', account).replaceAll('${AWS::Region}', region);
  };
  return resolve(code.S3Bucket);
}

function unpack(zip: Uint8Array): string {
  const directory = mkdtempSync(join(tmpdir(), 'deployed-bundle-'));
  for (const [name, content] of Object.entries(unzipSync(zip))) {
    if (name.endsWith('/')) continue;
    const path = join(directory, name);
    if (!path.startsWith(directory)) throw new Error(`zip entry escapes the folder: ${name}`);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
  }
  return directory;
}
