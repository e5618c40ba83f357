import {
  CloudWatchLogsClient,
  DeleteLogGroupCommand,
  paginateDescribeLogGroups,
} from '@aws-sdk/client-cloudwatch-logs';
import { DeleteTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import {
  paginateGetResources,
  ResourceGroupsTaggingAPIClient,
} from '@aws-sdk/client-resource-groups-tagging-api';
import { DeleteBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { DeleteTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { DeleteQueueCommand, GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { canonicalArn, resourceType } from '../domain/leftovers.js';
import { LeftoverRefusedError } from '../errors.js';
import type { AwsSession, FoundResource, ResourcesPort } from '../ports.js';
import { clientConfig, credentialProvider } from './aws-config.js';
import { forcePathStyle, S3Buckets } from './s3-buckets.js';

type Session = Pick<AwsSession, 'region' | 'credentials' | 'current'>;

/** The tagging API, CloudWatch Logs and the deletes of the leftover audit, in one region. */
export class TaggedResources implements ResourcesPort {
  private readonly config: ReturnType<typeof clientConfig>;
  private readonly clients = new Map<string, unknown>();

  constructor(
    private readonly session: Session,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    // A provider, not fixed keys: a sweep of many regions can outlast the first credentials.
    this.config = clientConfig(session.region, credentialProvider(session));
  }

  async tagged(filters: Readonly<Record<string, string | undefined>>): Promise<FoundResource[]> {
    const client = this.client('tag', () => new ResourceGroupsTaggingAPIClient(this.config));
    const TagFilters = Object.entries(filters).map(([Key, value]) => ({
      Key,
      ...(value === undefined ? {} : { Values: [value] }),
    }));
    const found: FoundResource[] = [];
    for await (const page of paginateGetResources({ client }, { TagFilters, ResourcesPerPage: 100 })) {
      for (const mapping of page.ResourceTagMappingList ?? []) {
        if (mapping.ResourceARN === undefined) continue;
        const tags = Object.fromEntries((mapping.Tags ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? '']));
        found.push({ arn: mapping.ResourceARN, tags });
      }
    }
    return found;
  }

  async logGroups(prefix: string): Promise<FoundResource[]> {
    const client = this.client('logs', () => new CloudWatchLogsClient(this.config));
    const found: FoundResource[] = [];
    for await (const page of paginateDescribeLogGroups({ client }, { logGroupNamePrefix: prefix })) {
      for (const group of page.logGroups ?? []) {
        const arn = group.logGroupArn ?? group.arn;
        if (arn === undefined) continue;
        found.push({
          arn: canonicalArn(arn),
          tags: {},
          ...(group.creationTime === undefined ? {} : { createdAt: new Date(group.creationTime) }),
        });
      }
    }
    return found;
  }

  /** Nothing left to load: the SDK clients came with this module (the lazy port loads it on this call). */
  async prepare(): Promise<void> {}

  async delete(arn: string): Promise<void> {
    const type = resourceType(arn);
    const [, , , , account = '', resource = ''] = arn.split(':');
    const rest = arn.split(':').slice(5).join(':');
    switch (type) {
      case 'AWS::S3::Bucket': {
        // A bucket must be empty, every version and delete marker, before S3 deletes it.
        await new S3Buckets(this.session, this.env).empty(resource);
        const s3 = this.client(
          's3',
          () =>
            new S3Client({ ...this.config, ...(forcePathStyle(this.env) ? { forcePathStyle: true } : {}) }),
        );
        await s3.send(new DeleteBucketCommand({ Bucket: resource }));
        return;
      }
      case 'AWS::Logs::LogGroup': {
        const logs = this.client('logs', () => new CloudWatchLogsClient(this.config));
        await logs.send(new DeleteLogGroupCommand({ logGroupName: rest.replace(/^log-group:/, '') }));
        return;
      }
      case 'AWS::SQS::Queue': {
        const sqs = this.client('sqs', () => new SQSClient(this.config));
        const { QueueUrl } = await sqs.send(
          new GetQueueUrlCommand({ QueueName: resource, QueueOwnerAWSAccountId: account }),
        );
        await sqs.send(new DeleteQueueCommand({ QueueUrl }));
        return;
      }
      case 'AWS::SNS::Topic': {
        const sns = this.client('sns', () => new SNSClient(this.config));
        await sns.send(new DeleteTopicCommand({ TopicArn: arn }));
        return;
      }
      case 'AWS::DynamoDB::Table': {
        const tableName = rest.replace(/^table\//, '');
        const dynamodb = this.client('dynamodb', () => new DynamoDBClient(this.config));
        const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: tableName }));
        if (Table?.DeletionProtectionEnabled === true) {
          throw new LeftoverRefusedError(`${arn} has deletion protection on: prenv leaves it to you`);
        }
        await dynamodb.send(new DeleteTableCommand({ TableName: tableName }));
        return;
      }
      case 'AWS::Lambda::Function': {
        const lambda = this.client('lambda', () => new LambdaClient(this.config));
        await lambda.send(new DeleteFunctionCommand({ FunctionName: rest.replace(/^function:/, '') }));
        return;
      }
      default:
        throw new LeftoverRefusedError(`prenv does not delete ${type} resources: ${arn}`);
    }
  }

  /** One client per service, made on first use. */
  private client<T>(service: string, make: () => T): T {
    const existing = this.clients.get(service) as T | undefined;
    if (existing !== undefined) return existing;
    const made = make();
    this.clients.set(service, made);
    return made;
  }
}
