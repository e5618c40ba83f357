import { readFileSync } from 'node:fs';
import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { LambdaIntegration, RestApi } from 'aws-cdk-lib/aws-apigateway';
import { AttributeType, BillingMode, ProjectionType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { CfnRegistry, CfnSchema } from 'aws-cdk-lib/aws-eventschemas';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { EVENT_SOURCE, INVOICE_CREATED } from '../src/adapters/eventbridge-event-publisher.js';
import { INVOICE_TABLE } from '../src/adapters/invoice-table-layout.js';
import { ENV } from '../src/composition/composition-root.js';
import { type Release, ServiceFunction } from './service-function.js';

/** The InvoiceCreated v1 contract the registry publishes, read at synth: the registry is the contract file. */
export const INVOICE_CREATED_V1_CONTRACT = new URL(
  '../contracts/events/invoice-created.v1.schema.json',
  import.meta.url,
);

/**
 * CDK context switch for prenv's demo of its infrastructure diff and fail-on gate: set to `true`, it
 * grants the notifier `sqs:*` on `*`. Off by default: the sample app stays least-privilege.
 */
export const DEMO_BROAD_PERMISSION_CONTEXT = 'prenv:demo-broad-permission';

export interface InvoicesStackProps extends StackProps {
  /** The environment name (`prenv:name`, or `production`), prefix of every name. */
  readonly environmentName: string;
  /**
   * Production releases each function by canary and keeps the table when the stack goes; a throwaway
   * environment (a PR's, or local dev) releases all at once and deletes everything with the stack.
   * @default false
   */
  readonly production?: boolean;
  /**
   * The demo switch (DEMO_BROAD_PERMISSION_CONTEXT): the notifier may do anything to any queue.
   * @default false
   */
  readonly demoBroadPermission?: boolean;
}

/**
 * The invoicing service: a REST API over four functions, one table, one event bus, the InvoiceCreated v1
 * schema in the bus's schema registry, and a notifier that consumes InvoiceCreated.
 */
export class InvoicesStack extends Stack {
  constructor(scope: Construct, id: string, props: InvoicesStackProps) {
    super(scope, id, props);
    const production = props.production ?? false;
    const release: Release = production ? 'canary' : 'all-at-once';

    const table = new Table(this, 'Invoices', {
      partitionKey: { name: INVOICE_TABLE.partitionKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      removalPolicy: production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    const index = INVOICE_TABLE.customerIndex;
    table.addGlobalSecondaryIndex({
      indexName: index.name,
      partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
      sortKey: { name: index.sortKey, type: AttributeType.STRING },
      projectionType: ProjectionType.ALL,
    });
    // The bus name is fixed and passed as a literal rather than Ref'd: moto's Ref of an EventBus yields
    // its Python object's repr, which then breaks GetFunction. Same value on AWS, where Ref is the name.
    const busName = `${props.environmentName}-invoices`;
    const bus = new EventBus(this, 'Bus', { eventBusName: busName });

    const tableEnv = { [ENV.tableName]: table.tableName };
    const create = new ServiceFunction(this, 'CreateInvoice', {
      entry: 'create-invoice',
      environment: { ...tableEnv, [ENV.eventBusName]: busName },
      release,
    });
    const get = new ServiceFunction(this, 'GetInvoice', {
      entry: 'get-invoice',
      environment: tableEnv,
      release,
    });
    const list = new ServiceFunction(this, 'ListCustomerInvoices', {
      entry: 'list-customer-invoices',
      environment: tableEnv,
      release,
    });
    const pay = new ServiceFunction(this, 'MarkInvoicePaid', {
      entry: 'mark-invoice-paid',
      environment: tableEnv,
      release,
    });
    const notify = new ServiceFunction(this, 'NotifyInvoiceCreated', {
      entry: 'notify-invoice-created',
      environment: {},
      release,
    });

    // Least privilege: each function gets exactly the actions its repository calls make (plus, from
    // active tracing, sending its trace segments to X-Ray).
    table.grant(create.function, 'dynamodb:PutItem');
    bus.grantPutEventsTo(create.function);
    table.grant(get.function, 'dynamodb:GetItem');
    table.grant(list.function, 'dynamodb:Query');
    table.grant(pay.function, 'dynamodb:GetItem', 'dynamodb:PutItem');
    if (props.demoBroadPermission === true) {
      // The demo's deliberately broad grant: what prenv's fail-on: security stops until approved.
      notify.function.addToRolePolicy(new PolicyStatement({ actions: ['sqs:*'], resources: ['*'] }));
    }

    // The notifier subscribes to InvoiceCreated from this service on this bus (by name: see busName).
    // Named, and output as a literal: Ref of a rule on a custom bus is `<bus>|<rule>`, not the name.
    const ruleName = `${props.environmentName}-invoice-created-to-notifier`;
    const invoiceCreated = new Rule(this, 'InvoiceCreatedToNotifier', {
      ruleName,
      eventBus: EventBus.fromEventBusName(this, 'BusByName', busName),
      eventPattern: { source: [EVENT_SOURCE], detailType: [INVOICE_CREATED] },
      targets: [new LambdaFunction(notify.target, { retryAttempts: 2 })],
    });
    invoiceCreated.node.addDependency(bus);

    // The contract file, published as the registry's InvoiceCreated schema (named as EventBridge names
    // discovered schemas: `<source>@<detail-type>`). A new version of the file is a new schema version.
    const registry = new CfnRegistry(this, 'Schemas', {
      registryName: busName,
      description: `Events on the ${busName} bus`,
    });
    const schema = new CfnSchema(this, 'InvoiceCreatedSchema', {
      registryName: busName,
      schemaName: `${EVENT_SOURCE}@${INVOICE_CREATED}`,
      type: 'JSONSchemaDraft4',
      description: 'InvoiceCreated v1: contracts/events/invoice-created.v1.schema.json',
      content: readFileSync(INVOICE_CREATED_V1_CONTRACT, 'utf8'),
    });
    schema.node.addDependency(registry);

    // cloudWatchRole: false, or API Gateway's account-wide role would be created and retained per PR.
    const api = new RestApi(this, 'Api', {
      restApiName: `${props.environmentName}-invoices`,
      cloudWatchRole: false,
      deployOptions: { stageName: 'api' },
    });
    const invoices = api.root.addResource('invoices');
    // RestApi's own `Endpoint` output would duplicate ApiUrl in every PR comment and env.
    api.node.tryRemoveChild('Endpoint');
    invoices.addMethod('POST', new LambdaIntegration(create.target));
    const invoice = invoices.addResource('{invoiceId}');
    invoice.addMethod('GET', new LambdaIntegration(get.target));
    invoice.addResource('payment').addMethod('POST', new LambdaIntegration(pay.target));
    api.root
      .addResource('customers')
      .addResource('{customerId}')
      .addResource('invoices')
      .addMethod('GET', new LambdaIntegration(list.target));

    new CfnOutput(this, 'ApiUrl', { value: api.url });
    new CfnOutput(this, 'ApiId', { value: api.restApiId });
    new CfnOutput(this, 'TableName', { value: table.tableName });
    new CfnOutput(this, 'EventBusName', { value: busName });
    // A literal, like the bus: moto accepts the registry's resource types but creates nothing for them.
    new CfnOutput(this, 'SchemaRegistryName', { value: busName });
    new CfnOutput(this, 'InvoiceCreatedRuleName', { value: ruleName });
    new CfnOutput(this, 'CreateInvoiceFunctionName', { value: create.function.functionName });
    new CfnOutput(this, 'GetInvoiceFunctionName', { value: get.function.functionName });
    new CfnOutput(this, 'ListCustomerInvoicesFunctionName', { value: list.function.functionName });
    new CfnOutput(this, 'MarkInvoicePaidFunctionName', { value: pay.function.functionName });
    new CfnOutput(this, 'NotifyInvoiceCreatedFunctionName', { value: notify.function.functionName });
  }
}
