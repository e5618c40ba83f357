import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
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

  it('runs four Node.js 24 functions, each with its own log group', () => {
    const functions = ofType('AWS::Lambda::Function');
    expect(functions).toHaveLength(4);
    for (const [, fn] of functions) {
      expect(fn.Properties.Runtime).toBe('nodejs24.x');
      expect(fn.Properties.LoggingConfig).toMatchObject({ LogGroup: { Ref: expect.any(String) } });
    }
    expect(ofType('AWS::Logs::LogGroup')).toHaveLength(4);
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
    expect(outputs).toEqual(expect.arrayContaining(['ApiUrl', 'TableName', 'EventBusName', 'ApiId']));
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
  ])('%s may do only %j, only on its table and bus', (prefix, expected) => {
    const statements = statementsOf(prefix);
    expect(actions(statements)).toEqual(expected);
    for (const statement of statements) {
      expect(statement.Effect).toBe('Allow');
      expect(JSON.stringify(statement.Resource)).not.toContain('"*"');
      expect(targets(statement).every((id) => id === table() || id === bus())).toBe(true);
      expect(targets(statement).length).toBeGreaterThan(0);
    }
  });
});
