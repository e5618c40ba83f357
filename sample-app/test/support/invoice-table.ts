import { CreateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { INVOICE_TABLE } from '../../src/adapters/invoice-table-layout.js';

/** Creates a table with the stack's key layout (same constants), for adapter tests on moto. */
export async function createInvoiceTable(client: DynamoDBClient, tableName: string): Promise<void> {
  const index = INVOICE_TABLE.customerIndex;
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: INVOICE_TABLE.partitionKey, AttributeType: 'S' },
        { AttributeName: index.partitionKey, AttributeType: 'S' },
        { AttributeName: index.sortKey, AttributeType: 'S' },
      ],
      KeySchema: [{ AttributeName: INVOICE_TABLE.partitionKey, KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [
        {
          IndexName: index.name,
          KeySchema: [
            { AttributeName: index.partitionKey, KeyType: 'HASH' },
            { AttributeName: index.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    }),
  );
}
