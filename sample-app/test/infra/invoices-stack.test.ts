import { readFileSync } from 'node:fs';
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { INVOICE_CREATED_V1_CONTRACT } from '../../infra/invoices-stack.js';
import { synthStack } from './synth-stack.js';

type Resource = {
  Type: string;
  Properties: Record<string, unknown>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
};
let synthesized: ReturnType<typeof synthStack>;
let resources: Record<string, Resource>;

beforeAll(() => {
  synthesized = synthStack();
  resources = synthesized.template.toJSON().Resources as Record<string, Resource>;
});

const ofType = (type: string) => Object.entries(resources).filter(([, resource]) => resource.Type === type);
const named = (type: string, prefix: string): [string, Resource] => {
  const found = ofType(type).find(([id]) => id.startsWith(prefix));
  if (found === undefined) throw new Error(`no ${type} named ${prefix}*`);
  return found;
};
const logicalId = (type: string, prefix: string) => named(type, prefix)[0];

describe('the invoices stack', () => {
  it('is named from the prenv:name context, with a default for local synth', () => {
    expect(synthesized.stack.stackName).toBe('pr-7-invoices');
    expect(synthStack({}).stack.stackName).toBe('dev-invoices');
  });

  it('refuses an environment name that would make invalid resource names', () => {
    expect(() => synthStack({ 'prenv:name': 'PR 7!' })).toThrow(/prenv:name/);
  });

  it('is production-invoices only with -c stage=production, which a PR environment cannot claim', () => {
    expect(synthStack({ stage: 'production' }).stack.stackName).toBe('production-invoices');
    expect(() => synthStack({ stage: 'production', 'prenv:name': 'pr-7' })).toThrow(/exclude each other/);
    expect(() => synthStack({ 'prenv:name': 'production' })).toThrow(/stage=production/);
    expect(() => synthStack({ stage: 'staging' })).toThrow(/stage must be production/);
  });

  it('has an on-demand table keyed by id with a customer index', () => {
    synthesized.template.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [
        Match.objectLike({
          IndexName: 'byCustomer',
          KeySchema: [
            { AttributeName: 'customerId', KeyType: 'HASH' },
            { AttributeName: 'issuedAt', KeyType: 'RANGE' },
          ],
        }),
      ],
    });
  });

  it('retains nothing when the stack is deleted', () => {
    const retained = Object.entries(resources).filter(
      ([, resource]) => resource.DeletionPolicy === 'Retain' || resource.UpdateReplacePolicy === 'Retain',
    );
    expect(retained).toEqual([]);
    expect(resources[logicalId('AWS::DynamoDB::Table', 'Invoices')]?.DeletionPolicy).toBe('Delete');
    for (const [, group] of ofType('AWS::Logs::LogGroup')) expect(group.DeletionPolicy).toBe('Delete');
  });

  it('creates no account-wide API Gateway CloudWatch role', () => {
    expect(ofType('AWS::ApiGateway::Account')).toEqual([]);
  });

  it('runs five Node.js 24 functions, each traced by X-Ray and with its own log group', () => {
    const functions = ofType('AWS::Lambda::Function');
    expect(functions).toHaveLength(5);
    for (const [, fn] of functions) {
      expect(fn.Properties.Runtime).toBe('nodejs24.x');
      expect(fn.Properties.TracingConfig).toEqual({ Mode: 'Active' });
      expect(fn.Properties.LoggingConfig).toMatchObject({ LogGroup: { Ref: expect.any(String) } });
    }
    expect(ofType('AWS::Logs::LogGroup')).toHaveLength(5);
  });

  it('publishes the InvoiceCreated v1 contract file, byte for byte, in a schema registry', () => {
    const [, registry] = named('AWS::EventSchemas::Registry', 'Schemas');
    expect(registry.Properties.RegistryName).toBe('pr-7-invoices');
    const [, schema] = named('AWS::EventSchemas::Schema', 'InvoiceCreatedSchema');
    expect(schema.Properties).toMatchObject({
      RegistryName: 'pr-7-invoices',
      SchemaName: 'sample.invoicing@InvoiceCreated',
      Type: 'JSONSchemaDraft4',
    });
    expect(schema.Properties.Content).toBe(readFileSync(INVOICE_CREATED_V1_CONTRACT, 'utf8'));
    expect((schema as { DependsOn?: string[] }).DependsOn).toContain(
      logicalId('AWS::EventSchemas::Registry', 'Schemas'),
    );
  });

  it('sends InvoiceCreated from this service on this bus to the notifier, retrying twice', () => {
    const [, rule] = named('AWS::Events::Rule', 'InvoiceCreatedToNotifier');
    expect(rule.Properties).toMatchObject({
      EventBusName: 'pr-7-invoices',
      EventPattern: { source: ['sample.invoicing'], 'detail-type': ['InvoiceCreated'] },
      Targets: [
        {
          Arn: { 'Fn::GetAtt': [logicalId('AWS::Lambda::Function', 'NotifyInvoiceCreated'), 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 2 },
        },
      ],
    });
    synthesized.template.hasResourceProperties('AWS::Lambda::Permission', {
      Principal: 'events.amazonaws.com',
      FunctionName: { 'Fn::GetAtt': [logicalId('AWS::Lambda::Function', 'NotifyInvoiceCreated'), 'Arn'] },
    });
  });

  it('releases every function all at once: no alias, no CodeDeploy, no alarm to wait on', () => {
    expect(ofType('AWS::Lambda::Alias')).toEqual([]);
    expect(ofType('AWS::CodeDeploy::DeploymentGroup')).toEqual([]);
    expect(ofType('AWS::CloudWatch::Alarm')).toEqual([]);
  });

  it('tells each function only the names it needs', () => {
    const env = (prefix: string) =>
      (named('AWS::Lambda::Function', prefix)[1].Properties.Environment as { Variables: object }).Variables;
    expect(Object.keys(env('CreateInvoice')).sort()).toEqual([
      'EVENT_BUS_NAME',
      'NODE_OPTIONS',
      'TABLE_NAME',
    ]);
    expect(Object.keys(env('GetInvoice')).sort()).toEqual(['NODE_OPTIONS', 'TABLE_NAME']);
    expect(Object.keys(env('NotifyInvoiceCreated'))).toEqual(['NODE_OPTIONS']);
  });

  it('serves the four routes through a REST API with Lambda proxy integrations', () => {
    const methods = ofType('AWS::ApiGateway::Method').map(([, method]) => method.Properties.HttpMethod);
    expect(methods.sort()).toEqual(['GET', 'GET', 'POST', 'POST']);
    for (const [, method] of ofType('AWS::ApiGateway::Method')) {
      expect(method.Properties.Integration).toMatchObject({ Type: 'AWS_PROXY' });
    }
  });

  it('outputs what prenv and the e2e suite read', () => {
    const outputs = Object.keys(synthesized.template.toJSON().Outputs as object);
    expect(outputs).toEqual(
      expect.arrayContaining([
        'ApiUrl',
        'TableName',
        'EventBusName',
        'ApiId',
        'SchemaRegistryName',
        'InvoiceCreatedRuleName',
        'NotifyInvoiceCreatedFunctionName',
      ]),
    );
  });
});

describe('least privilege', () => {
  type Statement = { Action: string | string[]; Resource: unknown; Effect: string };

  /** Every IAM statement granted to the role of the function whose logical id starts with `prefix`. */
  function statementsOf(prefix: string): Statement[] {
    const [, fn] = named('AWS::Lambda::Function', prefix);
    const roleRef = (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    return ofType('AWS::IAM::Policy')
      .filter(([, policy]) =>
        (policy.Properties.Roles as { Ref: string }[]).some((role) => role.Ref === roleRef),
      )
      .flatMap(([, policy]) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
  }

  const actions = (statements: Statement[]) => statements.flatMap((s) => [s.Action].flat()).sort();
  const XRAY = ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'];
  const isXray = (statement: Statement) => [statement.Action].flat().every((action) => XRAY.includes(action));
  const table = () => logicalId('AWS::DynamoDB::Table', 'Invoices');
  const bus = () => logicalId('AWS::Events::EventBus', 'Bus');

  /** The logical ids a statement's resources point at: only the table (and its indexes) or the bus. */
  function targets(statement: Statement): string[] {
    return [...JSON.stringify(statement.Resource).matchAll(/"Fn::GetAtt":\["([A-Za-z0-9]+)"/g)].map(
      (match) => match[1] ?? '',
    );
  }

  it.each([
    ['CreateInvoice', ['dynamodb:PutItem', 'events:PutEvents']],
    ['GetInvoice', ['dynamodb:GetItem']],
    ['ListCustomerInvoices', ['dynamodb:Query']],
    ['MarkInvoicePaid', ['dynamodb:GetItem', 'dynamodb:PutItem']],
    ['NotifyInvoiceCreated', []],
  ])('%s may do only %j, only on its table and bus (and send its traces)', (prefix, expected) => {
    const all = statementsOf(prefix);
    const tracing = all.filter(isXray);
    expect(actions(tracing)).toEqual(XRAY);
    for (const statement of tracing) expect(statement.Resource).toBe('*'); // X-Ray has no resource-level permissions
    const statements = all.filter((statement) => !isXray(statement));
    expect(actions(statements)).toEqual(expected);
    for (const statement of statements) {
      expect(statement.Effect).toBe('Allow');
      expect(JSON.stringify(statement.Resource)).not.toContain('"*"');
      expect(targets(statement).every((id) => id === table() || id === bus())).toBe(true);
      expect(targets(statement).length).toBeGreaterThan(0);
    }
  });
});

describe('the demo switch prenv:demo-broad-permission', () => {
  type Statement = { Action: unknown; Resource: unknown; Effect: string };
  const statements = (template: Record<string, Resource>) =>
    Object.values(template)
      .filter((resource) => resource.Type === 'AWS::IAM::Policy')
      .flatMap((policy) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
  const broad = (statement: Statement) => statement.Action === 'sqs:*' && statement.Resource === '*';

  it('is off by default: no statement grants sqs:*', () => {
    expect(statements(resources).some(broad)).toBe(false);
  });

  it('set to true, grants sqs:* on * (for prenv to flag)', () => {
    const demo = synthStack({ 'prenv:name': 'pr-7', 'prenv:demo-broad-permission': 'true' });
    const all = statements(demo.template.toJSON().Resources as Record<string, Resource>);
    expect(all.filter(broad)).toEqual([{ Action: 'sqs:*', Resource: '*', Effect: 'Allow' }]);
  });
});

describe('the production stage (-c stage=production)', () => {
  let production: ReturnType<typeof synthStack>;
  let prodResources: Record<string, Resource>;
  beforeAll(() => {
    production = synthStack({ stage: 'production' });
    prodResources = production.template.toJSON().Resources as Record<string, Resource>;
  });
  const prodOfType = (type: string) =>
    Object.entries(prodResources).filter(([, resource]) => resource.Type === type);

  it('gives each of the five functions a live alias on its current version', () => {
    const aliases = prodOfType('AWS::Lambda::Alias');
    expect(aliases).toHaveLength(5);
    for (const [, alias] of aliases) {
      expect(alias.Properties).toMatchObject({
        Name: 'live',
        FunctionVersion: { 'Fn::GetAtt': [expect.any(String), 'Version'] },
      });
    }
  });

  it('shifts each alias by CodeDeploy, 10% for five minutes, rolling back on either alarm', () => {
    const groups = prodOfType('AWS::CodeDeploy::DeploymentGroup');
    expect(groups).toHaveLength(5);
    for (const [, group] of groups) {
      expect(group.Properties).toMatchObject({
        DeploymentConfigName: 'CodeDeployDefault.LambdaCanary10Percent5Minutes',
        DeploymentStyle: { DeploymentType: 'BLUE_GREEN', DeploymentOption: 'WITH_TRAFFIC_CONTROL' },
        AutoRollbackConfiguration: {
          Enabled: true,
          Events: expect.arrayContaining(['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM']),
        },
      });
      const alarms = group.Properties.AlarmConfiguration as {
        Enabled: boolean;
        Alarms: { Name: { Ref: string } }[];
      };
      expect(alarms.Enabled).toBe(true);
      const watched = alarms.Alarms.map((alarm) => prodResources[alarm.Name.Ref]?.Properties);
      expect(
        watched.map((alarm) => [alarm?.MetricName, alarm?.ExtendedStatistic ?? alarm?.Statistic]).sort(),
      ).toEqual([
        ['Duration', 'p99'],
        ['Errors', 'Sum'],
      ]);
      for (const alarm of watched) {
        expect(alarm?.Dimensions).toEqual(
          expect.arrayContaining([expect.objectContaining({ Name: 'Resource' })]),
        ); // the alias's own metrics
      }
    }
    expect(prodOfType('AWS::CloudWatch::Alarm')).toHaveLength(10);
  });

  it('routes the API and the InvoiceCreated rule through the live aliases', () => {
    const aliasIds = prodOfType('AWS::Lambda::Alias').map(([id]) => id);
    const permissions = prodOfType('AWS::Lambda::Permission');
    expect(permissions.length).toBeGreaterThan(0);
    for (const [, permission] of permissions) {
      expect(aliasIds).toContain((permission.Properties.FunctionName as { Ref: string }).Ref);
    }
    const [, rule] = prodOfType('AWS::Events::Rule')[0] ?? [];
    const targets = (rule?.Properties.Targets ?? []) as { Arn: { Ref: string } }[];
    expect(aliasIds).toContain(targets[0]?.Arn.Ref);
  });

  it('keeps the invoices table when the stack is deleted; still publishes the contract', () => {
    const [, table] = prodOfType('AWS::DynamoDB::Table')[0] ?? [];
    expect(table?.DeletionPolicy).toBe('Retain');
    production.template.hasResourceProperties('AWS::EventSchemas::Schema', {
      RegistryName: 'production-invoices',
      Content: readFileSync(INVOICE_CREATED_V1_CONTRACT, 'utf8'),
    });
  });
});
