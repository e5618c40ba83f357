import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeEventBusCommand,
  DescribeRuleCommand,
  EventBridgeClient,
  ListTargetsByRuleCommand,
} from '@aws-sdk/client-eventbridge';
import {
  GetRolePolicyCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
} from '@aws-sdk/client-iam';
import {
  GetFunctionConfigurationCommand,
  type GetFunctionConfigurationCommandOutput,
  LambdaClient,
} from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type Deployment, deploymentFromEnv, FUNCTIONS, type FunctionKey } from './support/deployment.js';

let deployment: Deployment;
const dynamo = () => new DynamoDBClient({});
let lambda: LambdaClient;
let iam: IAMClient;
let tableArn: string;
let busArn: string;

beforeAll(async () => {
  deployment = deploymentFromEnv();
  lambda = new LambdaClient({});
  iam = new IAMClient({});
  const client = dynamo();
  const events = new EventBridgeClient({});
  try {
    tableArn =
      (await client.send(new DescribeTableCommand({ TableName: deployment.tableName }))).Table?.TableArn ??
      '';
    busArn = (await events.send(new DescribeEventBusCommand({ Name: deployment.eventBusName }))).Arn ?? '';
  } finally {
    client.destroy();
    events.destroy();
  }
});

afterAll(() => {
  lambda?.destroy();
  iam?.destroy();
});

const configurationOf = (
  key: FunctionKey | 'NotifyInvoiceCreated',
): Promise<GetFunctionConfigurationCommandOutput> =>
  lambda.send(
    new GetFunctionConfigurationCommand({
      FunctionName:
        key === 'NotifyInvoiceCreated' ? deployment.notifierFunctionName : deployment.functionNames[key],
    }),
  );
const XRAY = ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'];

describe('deployed infrastructure', () => {
  it('the table is keyed by id, on demand, with the customer index', async () => {
    const client = dynamo();
    try {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: deployment.tableName }));
      expect(Table?.KeySchema).toEqual([{ AttributeName: 'id', KeyType: 'HASH' }]);
      expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
      expect(Table?.GlobalSecondaryIndexes?.map((index) => [index.IndexName, index.KeySchema])).toEqual([
        [
          'byCustomer',
          [
            { AttributeName: 'customerId', KeyType: 'HASH' },
            { AttributeName: 'issuedAt', KeyType: 'RANGE' },
          ],
        ],
      ]);
    } finally {
      client.destroy();
    }
  });

  it.each(FUNCTIONS)('%s runs on Node.js 24 and is pointed at this deployment’s table', async (key) => {
    const configuration = await configurationOf(key);
    expect(configuration.Runtime).toBe('nodejs24.x');
    expect(configuration.Environment?.Variables?.TABLE_NAME).toBe(deployment.tableName);
  });

  it('only CreateInvoice is told the bus, and it is this deployment’s bus', async () => {
    expect((await configurationOf('CreateInvoice')).Environment?.Variables?.EVENT_BUS_NAME).toBe(
      deployment.eventBusName,
    );
    expect((await configurationOf('GetInvoice')).Environment?.Variables?.EVENT_BUS_NAME).toBeUndefined();
  });

  it('InvoiceCreated from this service on this bus goes to the notifier', async () => {
    const events = new EventBridgeClient({});
    try {
      const Name = deployment.invoiceCreatedRuleName;
      const rule = await events.send(
        new DescribeRuleCommand({ Name, EventBusName: deployment.eventBusName }),
      );
      expect(JSON.parse(rule.EventPattern ?? '{}')).toEqual({
        source: ['sample.invoicing'],
        'detail-type': ['InvoiceCreated'],
      });
      // On an emulator the e2e set-up has already pointed the rule at its own queue: it read the deployed
      // targets first (support/emulator-event-delivery.ts).
      const targets =
        inject('invoiceCreatedDeployedTargets') ??
        (
          (
            await events.send(
              new ListTargetsByRuleCommand({ Rule: Name, EventBusName: deployment.eventBusName }),
            )
          ).Targets ?? []
        ).map((target) => target.Arn);
      const notifier = await configurationOf('NotifyInvoiceCreated');
      expect(notifier.Runtime).toBe('nodejs24.x');
      expect(targets).toEqual([notifier.FunctionArn]);
    } finally {
      events.destroy();
    }
  });

  type Statement = { Effect: string; Action: string | string[]; Resource: string | string[] };

  it.each([
    ['CreateInvoice', ['dynamodb:PutItem', 'events:PutEvents']],
    ['GetInvoice', ['dynamodb:GetItem']],
    ['ListCustomerInvoices', ['dynamodb:Query']],
    ['MarkInvoicePaid', ['dynamodb:GetItem', 'dynamodb:PutItem']],
    ['NotifyInvoiceCreated', []],
  ] as const)(
    '%s’s role may do only %j, only on this table and bus, and send traces',
    async (key, expected) => {
      const roleName = (await configurationOf(key)).Role?.split('/').pop() ?? '';
      const { PolicyNames = [] } = await iam.send(new ListRolePoliciesCommand({ RoleName: roleName }));
      const statements: Statement[] = [];
      for (const PolicyName of PolicyNames) {
        const { PolicyDocument = '{}' } = await iam.send(
          new GetRolePolicyCommand({ RoleName: roleName, PolicyName }),
        );
        statements.push(
          ...(JSON.parse(decodeURIComponent(PolicyDocument)) as { Statement: Statement[] }).Statement,
        );
      }
      const isXray = (statement: Statement) =>
        [statement.Action].flat().every((action) => XRAY.includes(action));
      const tracing = statements.filter(isXray);
      expect(tracing.flatMap((statement) => [statement.Action].flat()).sort()).toEqual(XRAY);
      for (const statement of tracing) expect(statement.Resource).toBe('*'); // X-Ray has no resource-level permissions
      const data = statements.filter((statement) => !isXray(statement));
      expect(data.flatMap((statement) => [statement.Action].flat()).sort()).toEqual([...expected].sort());
      for (const statement of data) {
        expect(statement.Effect).toBe('Allow');
        for (const resource of [statement.Resource].flat()) {
          expect([tableArn, `${tableArn}/index/*`, busArn]).toContain(resource);
        }
      }
      const { AttachedPolicies = [] } = await iam.send(
        new ListAttachedRolePoliciesCommand({ RoleName: roleName }),
      );
      for (const policy of AttachedPolicies) {
        expect(policy.PolicyArn).toMatch(/:policy\/service-role\/AWSLambdaBasicExecutionRole$/);
      }
    },
  );
});
