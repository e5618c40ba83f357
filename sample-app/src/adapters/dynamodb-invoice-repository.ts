import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import type { InvoiceRepository } from '../application/ports.js';
import { InvoiceAlreadyExistsError, InvoiceConflictError } from '../domain/errors.js';
import type { Invoice } from '../domain/invoice.js';
import { INVOICE_TABLE } from './invoice-table-layout.js';

/** InvoiceRepository on a DynamoDB table; one item per invoice, a GSI for a customer's invoices. */
export class DynamoDbInvoiceRepository implements InvoiceRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async add(invoice: Invoice): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: invoice,
          ConditionExpression: 'attribute_not_exists(#id)',
          ExpressionAttributeNames: { '#id': INVOICE_TABLE.partitionKey },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new InvoiceAlreadyExistsError(invoice.id, { cause: error });
      }
      throw error;
    }
  }

  async update(invoice: Invoice): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: invoice,
          ConditionExpression: '#version = :previous',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':previous': invoice.version - 1 },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new InvoiceConflictError(invoice.id, 'stored version changed', { cause: error });
      }
      throw error;
    }
  }

  async get(id: string): Promise<Invoice | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { [INVOICE_TABLE.partitionKey]: id },
        ConsistentRead: true,
      }),
    );
    return Item === undefined ? undefined : toInvoice(Item);
  }

  async listByCustomer(customerId: string): Promise<Invoice[]> {
    const index = INVOICE_TABLE.customerIndex;
    const invoices: Invoice[] = [];
    let startKey: QueryCommandOutput['LastEvaluatedKey'];
    do {
      const page: QueryCommandOutput = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: index.name,
          KeyConditionExpression: '#customer = :customer',
          ExpressionAttributeNames: { '#customer': index.partitionKey },
          ExpressionAttributeValues: { ':customer': customerId },
          ExclusiveStartKey: startKey,
        }),
      );
      invoices.push(...(page.Items ?? []).map(toInvoice));
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    return invoices.sort((a, b) => a.issuedAt.localeCompare(b.issuedAt) || a.id.localeCompare(b.id));
  }
}

function toInvoice(item: Record<string, unknown>): Invoice {
  const invoice = item as unknown as Invoice;
  const { paidAt, ...rest } = invoice;
  return {
    id: rest.id,
    number: rest.number,
    customerId: rest.customerId,
    country: rest.country,
    currency: rest.currency,
    lines: rest.lines.map((line) => ({
      description: line.description,
      quantity: Number(line.quantity),
      unitPrice: Number(line.unitPrice),
    })),
    netTotal: Number(rest.netTotal),
    vatRateBasisPoints: Number(rest.vatRateBasisPoints),
    vatAmount: Number(rest.vatAmount),
    grossTotal: Number(rest.grossTotal),
    status: rest.status,
    issuedAt: rest.issuedAt,
    version: Number(rest.version),
    ...(paidAt === undefined ? {} : { paidAt }),
  };
}
