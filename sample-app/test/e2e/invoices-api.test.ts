import { randomUUID } from 'node:crypto';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { eventContract, type ObservedResponse, openApiContract } from '../support/contract-validators.js';
import { type ApiUnderTest, apiUnderTest } from './support/api-under-test.js';
import { fetchDeployedBundle } from './support/deployed-bundle.js';
import { type Deployment, deploymentFromEnv } from './support/deployment.js';
import { startLambdaHost } from './support/lambda-host-process.js';

const contract = openApiContract();
let deployment: Deployment;
let api: ApiUnderTest;
const customerId = `e2e-${randomUUID()}`;

beforeAll(async () => {
  deployment = deploymentFromEnv();
  api = await apiUnderTest(deployment);
});

afterAll(async () => {
  await api?.close();
});

async function call(
  method: string,
  path: string,
  options: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<ObservedResponse> {
  const response = await fetch(`${api.baseUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...options.headers },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: Object.fromEntries(response.headers),
    body: text === '' ? undefined : JSON.parse(text),
  };
}

const invoice = (country: string, currency: string, unitPrice: number) => ({
  customerId,
  country,
  currency,
  lines: [{ description: 'e2e', quantity: 1, unitPrice }],
});

// In emulator mode the requests reach the deployed handler bundles through a local stand-in for API
// Gateway (see support/local-rest-api.ts): API Gateway itself is what that mode does not cover.
describe('invoicing HTTP API (emulator mode serves the deployed handlers locally: API Gateway is not covered there)', () => {
  let created: { id: string };

  it('POST /invoices → 201 with the VAT of the country', async () => {
    const response = await call('POST', '/invoices', { body: invoice('GB', 'GBP', 100) });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ netTotal: 100, vatAmount: 20, grossTotal: 120, status: 'issued' });
    expect(contract.violations('POST', '/invoices', response)).toEqual([]);
    created = response.body as { id: string };
  });

  it('rounds half a cent up (DE 19% of 150 = 28.5 → 29)', async () => {
    const response = await call('POST', '/invoices', { body: invoice('DE', 'EUR', 150) });
    expect(response.body).toMatchObject({ vatAmount: 29, grossTotal: 179 });
  });

  it('GET /invoices/{id} → 200 with the created invoice', async () => {
    const response = await call('GET', `/invoices/${created.id}`);
    expect(response.status).toBe(200);
    expect(response.body).toEqual(created);
    expect(contract.violations('GET', '/invoices/{invoiceId}', response)).toEqual([]);
  });

  it('GET /customers/{id}/invoices → 200 with both, oldest first', async () => {
    const response = await call('GET', `/customers/${customerId}/invoices`);
    expect(response.status).toBe(200);
    expect((response.body as { invoices: unknown[] }).invoices).toHaveLength(2);
    expect(contract.violations('GET', '/customers/{customerId}/invoices', response)).toEqual([]);
  });

  it('POST /invoices/{id}/payment → 200, then 409', async () => {
    const paid = await call('POST', `/invoices/${created.id}/payment`);
    expect(paid.status).toBe(200);
    expect(paid.body).toMatchObject({ status: 'paid' });
    const again = await call('POST', `/invoices/${created.id}/payment`);
    expect(again.status).toBe(409);
    expect(contract.violations('POST', '/invoices/{invoiceId}/payment', again)).toEqual([]);
  });

  it('bad input → 400 naming the field', async () => {
    const response = await call('POST', '/invoices', { body: invoice('XX', 'GBP', 100) });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ issues: [{ path: 'country' }] });
    expect(contract.violations('POST', '/invoices', response)).toEqual([]);
  });

  it('unknown invoice → 404', async () => {
    const response = await call('GET', `/invoices/${randomUUID()}`);
    expect(response.status).toBe(404);
    expect(contract.violations('GET', '/invoices/{invoiceId}', response)).toEqual([]);
  });

  it('echoes the correlation id, or gives one', async () => {
    const given = await call('GET', `/invoices/${created.id}`, {
      headers: { 'x-correlation-id': 'e2e-corr-1' },
    });
    expect(given.headers['x-correlation-id']).toBe('e2e-corr-1');
    const generated = await call('GET', `/invoices/${created.id}`);
    expect(generated.headers['x-correlation-id']).toMatch(/^[A-Za-z0-9._:-]{1,128}$/);
  });

  it('stored the invoice in the deployed table', async () => {
    const dynamo = new DynamoDBClient({});
    try {
      const { Item } = await dynamo.send(
        new GetItemCommand({ TableName: deployment.tableName, Key: { id: { S: created.id } } }),
      );
      expect(Item?.customerId?.S).toBe(customerId);
    } finally {
      dynamo.destroy();
    }
  });
});

// On AWS the rule invokes the notifier itself. On an emulator the e2e set-up points the deployed rule at a
// queue (moto cannot deliver to a Lambda target): the events the deployed create-invoice bundle put on the
// deployed bus, through the deployed rule, are checked against the contract and handed to the notifier's
// deployed bundle, run locally.
describe.runIf(inject('invoiceCreatedQueueUrl') !== undefined)('InvoiceCreated (emulator mode)', () => {
  it('the deployed rule delivers valid v1 events, and the deployed notifier reads them', async () => {
    const QueueUrl = inject('invoiceCreatedQueueUrl');
    const sqs = new SQSClient({});
    const envelopes: { source: string; 'detail-type': string; detail: { customerId: string } }[] = [];
    try {
      for (let round = 0; round < 5 && envelopes.length < 2; round += 1) {
        const { Messages = [] } = await sqs.send(
          new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
        );
        for (const message of Messages) {
          const envelope = JSON.parse(message.Body ?? '{}');
          if (envelope.detail?.customerId === customerId) envelopes.push(envelope);
          await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: message.ReceiptHandle }));
        }
      }
    } finally {
      sqs.destroy();
    }
    expect(envelopes).toHaveLength(2); // the two invoices created above
    const v1 = eventContract('invoice-created.v1.schema.json');
    for (const envelope of envelopes) {
      expect(envelope).toMatchObject({ source: 'sample.invoicing', 'detail-type': 'InvoiceCreated' });
      expect(v1.violations(envelope.detail)).toEqual([]);
    }
    const bundle = await fetchDeployedBundle(deployment.stackName, deployment.notifierFunctionName);
    const notifier = await startLambdaHost(bundle, process.env);
    try {
      for (const envelope of envelopes) await notifier.invoke(envelope);
      // The host answers before its log line has crossed the pipe: wait for the line, not a moment.
      await vi.waitFor(() => expect(notifier.output().match(/customer notified/g)).toHaveLength(2), {
        timeout: 10_000,
      });
    } finally {
      await notifier.stop();
    }
  });
});
