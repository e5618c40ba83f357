import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { LambdaIntegration, RestApi } from 'aws-cdk-lib/aws-apigateway';
import { AttributeType, BillingMode, ProjectionType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus } from 'aws-cdk-lib/aws-events';
import type { Construct } from 'constructs';
import { INVOICE_TABLE } from '../src/adapters/invoice-table-layout.js';
import { ENV } from '../src/composition/composition-root.js';
import { ApiFunction } from './api-function.js';

export interface InvoicesStackProps extends StackProps {
  /** The environment name (`prenv:name`), prefix of every name. */
  readonly environmentName: string;
}

/** The invoicing service: a REST API over four functions, one table and one event bus. */
export class InvoicesStack extends Stack {
  constructor(scope: Construct, id: string, props: InvoicesStackProps) {
    super(scope, id, props);

    const table = new Table(this, 'Invoices', {
      partitionKey: { name: INVOICE_TABLE.partitionKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      removalPolicy: RemovalPolicy.DESTROY,
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
    const create = new ApiFunction(this, 'CreateInvoice', {
      entry: 'create-invoice',
      environment: { ...tableEnv, [ENV.eventBusName]: busName },
    }).function;
    const get = new ApiFunction(this, 'GetInvoice', { entry: 'get-invoice', environment: tableEnv }).function;
    const list = new ApiFunction(this, 'ListCustomerInvoices', {
      entry: 'list-customer-invoices',
      environment: tableEnv,
    }).function;
    const pay = new ApiFunction(this, 'MarkInvoicePaid', {
      entry: 'mark-invoice-paid',
      environment: tableEnv,
    }).function;

    // Least privilege: each function gets exactly the actions its repository calls make.
    table.grant(create, 'dynamodb:PutItem');
    bus.grantPutEventsTo(create);
    table.grant(get, 'dynamodb:GetItem');
    table.grant(list, 'dynamodb:Query');
    table.grant(pay, 'dynamodb:GetItem', 'dynamodb:PutItem');

    // cloudWatchRole: false, or API Gateway's account-wide role would be created and retained per PR.
    const api = new RestApi(this, 'Api', {
      restApiName: `${props.environmentName}-invoices`,
      cloudWatchRole: false,
      deployOptions: { stageName: 'api' },
    });
    const invoices = api.root.addResource('invoices');
    // RestApi's own `Endpoint` output would duplicate ApiUrl in every PR comment and env.
    api.node.tryRemoveChild('Endpoint');
    invoices.addMethod('POST', new LambdaIntegration(create));
    const invoice = invoices.addResource('{invoiceId}');
    invoice.addMethod('GET', new LambdaIntegration(get));
    invoice.addResource('payment').addMethod('POST', new LambdaIntegration(pay));
    api.root
      .addResource('customers')
      .addResource('{customerId}')
      .addResource('invoices')
      .addMethod('GET', new LambdaIntegration(list));

    new CfnOutput(this, 'ApiUrl', { value: api.url });
    new CfnOutput(this, 'ApiId', { value: api.restApiId });
    new CfnOutput(this, 'TableName', { value: table.tableName });
    new CfnOutput(this, 'EventBusName', { value: busName });
    new CfnOutput(this, 'CreateInvoiceFunctionName', { value: create.functionName });
    new CfnOutput(this, 'GetInvoiceFunctionName', { value: get.functionName });
    new CfnOutput(this, 'ListCustomerInvoicesFunctionName', { value: list.functionName });
    new CfnOutput(this, 'MarkInvoicePaidFunctionName', { value: pay.functionName });
  }
}
