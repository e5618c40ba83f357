import type { APIGatewayProxyResult } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { InvoiceRepository } from '../../src/application/ports.js';
import { synthStack } from '../infra/synth-stack.js';
import { apiEvent } from '../support/api-event.js';
import { type ObservedResponse, openApiContract } from '../support/contract-validators.js';
import { inMemoryApi } from '../support/in-memory-api.js';
import { newInvoice } from '../support/invoice-fixtures.js';

const contract = openApiContract();

function observed(result: APIGatewayProxyResult): ObservedResponse {
  const headers = Object.fromEntries(
    Object.entries(result.headers ?? {}).map(([name, value]) => [name.toLowerCase(), String(value)]),
  );
  return { status: result.statusCode, headers, body: JSON.parse(result.body) };
}

const createEvent = (body: unknown) =>
  apiEvent({ method: 'POST', resource: '/invoices', path: '/invoices', body });
const byId = (method: string, resource: string, invoiceId: string) =>
  apiEvent({
    method,
    resource,
    path: resource.replace('{invoiceId}', invoiceId),
    pathParameters: { invoiceId },
  });

describe('handler responses honour contracts/openapi.yaml', () => {
  it('POST /invoices: 201, 400', async () => {
    const api = inMemoryApi();
    const body = newInvoice({ country: 'IE', currency: 'EUR' });
    expect(contract.requestViolations('POST', '/invoices', body)).toEqual([]);
    expect(contract.violations('POST', '/invoices', observed(await api.create(createEvent(body))))).toEqual(
      [],
    );
    const bad = observed(await api.create(createEvent({ customerId: 7 })));
    expect(bad.status).toBe(400);
    expect(contract.violations('POST', '/invoices', bad)).toEqual([]);
  });

  it('GET /invoices/{invoiceId}: 200, 404', async () => {
    const api = inMemoryApi();
    await api.create(createEvent(newInvoice()));
    for (const id of ['inv-1', 'missing']) {
      const response = observed(await api.get(byId('GET', '/invoices/{invoiceId}', id)));
      expect(contract.violations('GET', '/invoices/{invoiceId}', response)).toEqual([]);
    }
  });

  it('POST /invoices/{invoiceId}/payment: 200, 409, 404', async () => {
    const api = inMemoryApi();
    await api.create(createEvent(newInvoice()));
    const statuses: number[] = [];
    for (const id of ['inv-1', 'inv-1', 'missing']) {
      const response = observed(await api.pay(byId('POST', '/invoices/{invoiceId}/payment', id)));
      statuses.push(response.status);
      expect(contract.violations('POST', '/invoices/{invoiceId}/payment', response)).toEqual([]);
    }
    expect(statuses).toEqual([200, 409, 404]);
  });

  it('GET /customers/{customerId}/invoices: 200', async () => {
    const api = inMemoryApi();
    await api.create(createEvent(newInvoice({ customerId: 'acme' })));
    const response = observed(
      await api.list(
        apiEvent({
          method: 'GET',
          resource: '/customers/{customerId}/invoices',
          path: '/customers/acme/invoices',
          pathParameters: { customerId: 'acme' },
        }),
      ),
    );
    expect(contract.violations('GET', '/customers/{customerId}/invoices', response)).toEqual([]);
  });

  it('500: the generic error body', async () => {
    const failing = () => Promise.reject(new Error('boom'));
    const broken: InvoiceRepository = {
      add: failing,
      update: failing,
      get: failing,
      listByCustomer: failing,
    };
    const response = observed(await inMemoryApi(broken).create(createEvent(newInvoice())));
    expect(response.status).toBe(500);
    expect(contract.violations('POST', '/invoices', response)).toEqual([]);
  });

  it('the validator really rejects what breaks the contract', () => {
    const response: ObservedResponse = {
      status: 200,
      headers: { 'x-correlation-id': 'ok' },
      body: { id: 'x', netTotal: 1.5 },
    };
    expect(contract.violations('GET', '/invoices/{invoiceId}', response).length).toBeGreaterThan(1);
    expect(contract.violations('GET', '/invoices/{invoiceId}', { ...response, status: 418 })).toEqual([
      'status 418 is not documented for GET /invoices/{invoiceId}',
    ]);
  });
});

describe('the deployed API matches the contract', () => {
  it('the stack exposes exactly the operations openapi.yaml documents', () => {
    const { template } = synthStack();
    const resources = template.toJSON().Resources as Record<
      string,
      { Type: string; Properties: Record<string, unknown> }
    >;
    const pathOf = (id: string): string => {
      const resource = resources[id];
      if (resource?.Type !== 'AWS::ApiGateway::Resource') return '';
      const parent = resource.Properties.ParentId as { Ref?: string };
      return `${parent.Ref === undefined ? '' : pathOf(parent.Ref)}/${resource.Properties.PathPart as string}`;
    };
    const deployed = Object.values(resources)
      .filter((resource) => resource.Type === 'AWS::ApiGateway::Method')
      .map(
        (method) =>
          `${method.Properties.HttpMethod as string} ${pathOf((method.Properties.ResourceId as { Ref: string }).Ref)}`,
      )
      .sort();
    const documented = Object.entries(contract.document.paths as Record<string, object>)
      .flatMap(([path, operations]) =>
        Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
      )
      .sort();
    expect(deployed).toEqual(documented);
  });
});
