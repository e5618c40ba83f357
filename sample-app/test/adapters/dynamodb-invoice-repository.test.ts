import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DynamoDbInvoiceRepository } from '../../src/adapters/dynamodb-invoice-repository.js';
import { InvoiceAlreadyExistsError } from '../../src/domain/errors.js';
import { issued } from '../support/invoice-fixtures.js';
import { createInvoiceTable } from '../support/invoice-table.js';
import { motoClientConfig, waitForMoto } from '../support/moto-server.js';
import { invoiceRepositoryContract } from './invoice-repository-contract.js';

let client: DynamoDBClient;
let tables = 0;

beforeAll(async () => {
  await waitForMoto(inject('motoEndpoint'));
  client = new DynamoDBClient(motoClientConfig(inject('motoEndpoint')));
});

afterAll(() => {
  client?.destroy();
});

async function freshRepository(): Promise<DynamoDbInvoiceRepository> {
  tables += 1;
  const tableName = `invoices-${process.pid}-${tables}`;
  await createInvoiceTable(client, tableName);
  return new DynamoDbInvoiceRepository(
    DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } }),
    tableName,
  );
}

invoiceRepositoryContract('DynamoDB on moto', freshRepository);

describe('DynamoDB repository error translation', () => {
  it('keeps the SDK error as the cause of the domain error', async () => {
    const repository = await freshRepository();
    await repository.add(issued('a'));
    const error = await repository.add(issued('a')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvoiceAlreadyExistsError);
    expect((error as Error).cause).toMatchObject({ name: 'ConditionalCheckFailedException' });
  });

  it('lets infrastructure failures through untranslated', async () => {
    const repository = new DynamoDbInvoiceRepository(DynamoDBDocumentClient.from(client), 'no-such-table');
    await expect(repository.get('a')).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});
