import { describe, expect, it } from 'vitest';
import type { InvoiceRepository } from '../../src/application/ports.js';
import { apiEvent } from '../support/api-event.js';
import { capturedLogs } from '../support/captured-logs.js';
import { inMemoryApi } from '../support/in-memory-api.js';
import { newInvoice } from '../support/invoice-fixtures.js';

const post = (body: unknown, headers: Record<string, string> = {}) =>
  apiEvent({ method: 'POST', resource: '/invoices', path: '/invoices', body, headers });
const getById = (invoiceId: string) =>
  apiEvent({
    method: 'GET',
    resource: '/invoices/{invoiceId}',
    path: `/invoices/${invoiceId}`,
    pathParameters: { invoiceId },
  });

describe('POST /invoices', () => {
  it('returns 201 with the VAT, a Location and the stored invoice', async () => {
    const api = inMemoryApi();
    const response = await api.create(post(newInvoice()));
    expect(response.statusCode).toBe(201);
    const body = JSON.parse(response.body);
    expect(body).toMatchObject({
      id: 'inv-1',
      netTotal: 100,
      vatAmount: 20,
      grossTotal: 120,
      status: 'issued',
    });
    expect(response.headers?.location).toBe('/invoices/inv-1');
  });

  it.each([
    ['not JSON', '{'],
    ['an array', '[]'],
    ['a wrong type', { ...newInvoice(), lines: [{ description: 'x', quantity: '1', unitPrice: 1 }] }],
    ['an unknown country', newInvoice({ country: 'XX' })],
    ['a fractional amount', newInvoice({ lines: [{ description: 'x', quantity: 1, unitPrice: 0.5 }] })],
  ])('returns 400 naming the problem for %s', async (_case, body) => {
    const response = await inMemoryApi().create(post(body));
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body)).toMatchObject({
      code: 'ValidationFailed',
      issues: [expect.any(Object)],
    });
  });

  it('returns 400 for a missing body', async () => {
    const response = await inMemoryApi().create(
      apiEvent({ method: 'POST', resource: '/invoices', path: '/invoices' }),
    );
    expect(response.statusCode).toBe(400);
  });
});

describe('GET /invoices/{invoiceId}', () => {
  it('returns 200 with an invoice created before', async () => {
    const api = inMemoryApi();
    await api.create(post(newInvoice()));
    const response = await api.get(getById('inv-1'));
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({ id: 'inv-1', vatAmount: 20 });
  });

  it('returns 404 for an unknown id', async () => {
    const response = await inMemoryApi().get(getById('missing'));
    expect(response.statusCode).toBe(404);
    expect(JSON.parse(response.body)).toMatchObject({ code: 'NotFound' });
  });
});

describe('GET /customers/{customerId}/invoices', () => {
  it("returns the customer's invoices", async () => {
    const api = inMemoryApi();
    await api.create(post(newInvoice({ customerId: 'acme' })));
    await api.create(post(newInvoice({ customerId: 'acme' })));
    await api.create(post(newInvoice({ customerId: 'other' })));
    const response = await api.list(
      apiEvent({
        method: 'GET',
        resource: '/customers/{customerId}/invoices',
        path: '/customers/acme/invoices',
        pathParameters: { customerId: 'acme' },
      }),
    );
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body).invoices.map((invoice: { id: string }) => invoice.id)).toEqual([
      'inv-1',
      'inv-2',
    ]);
  });
});

describe('POST /invoices/{invoiceId}/payment', () => {
  const pay = (invoiceId: string) =>
    apiEvent({
      method: 'POST',
      resource: '/invoices/{invoiceId}/payment',
      path: `/invoices/${invoiceId}/payment`,
      pathParameters: { invoiceId },
    });

  it('returns 200 the first time and 409 the second', async () => {
    const api = inMemoryApi();
    await api.create(post(newInvoice()));
    expect((await api.pay(pay('inv-1'))).statusCode).toBe(200);
    const again = await api.pay(pay('inv-1'));
    expect(again.statusCode).toBe(409);
    expect(JSON.parse(again.body)).toMatchObject({ code: 'Conflict' });
  });

  it('returns 404 for an unknown invoice', async () => {
    expect((await inMemoryApi().pay(pay('missing'))).statusCode).toBe(404);
  });
});

describe('faults', () => {
  it('returns 500 with a generic body that reveals no internals', async () => {
    const broken: InvoiceRepository = {
      add: () => Promise.reject(new Error('ProvisionedThroughputExceeded on table secret-table')),
      update: () => Promise.reject(new Error('boom')),
      get: () => Promise.reject(new Error('boom')),
      listByCustomer: () => Promise.reject(new Error('boom')),
    };
    const { result: response, lines } = await capturedLogs(() =>
      inMemoryApi(broken, 'INFO').create(post(newInvoice(), { 'X-Correlation-Id': 'c-500' })),
    );
    expect(response.statusCode).toBe(500);
    expect(JSON.parse(response.body)).toEqual({
      code: 'InternalError',
      message: 'Something went wrong.',
      correlationId: 'c-500',
    });
    expect(response.body).not.toMatch(/secret-table|Provisioned|stack/i);
    expect(
      lines.some((line) => line.level === 'ERROR' && JSON.stringify(line).includes('secret-table')),
    ).toBe(true);
  });
});

describe('correlation id', () => {
  it('echoes the caller’s header and puts it on every log line', async () => {
    const { result: response, lines } = await capturedLogs(() =>
      inMemoryApi(undefined, 'INFO').create(post(newInvoice(), { 'X-Correlation-ID': 'req-42' })),
    );
    expect(response.headers?.['x-correlation-id']).toBe('req-42');
    const logLines = lines.filter((line) => 'level' in line); // the rest are EMF metric lines
    expect(logLines.length).toBeGreaterThanOrEqual(2);
    for (const line of logLines) expect(line.correlationId).toBe('req-42');
  });

  it('generates one when absent or malformed, and uses it in error bodies too', async () => {
    const api = inMemoryApi();
    const absent = await api.get(getById('missing'));
    expect(absent.headers?.['x-correlation-id']).toBe('generated-1');
    expect(JSON.parse(absent.body).correlationId).toBe('generated-1');
    const malformed = await api.create(post(newInvoice(), { 'x-correlation-id': 'bad id\n<script>' }));
    expect(malformed.headers?.['x-correlation-id']).toBe('generated-2');
  });

  it('does not leak one request’s id into the next request’s logs', async () => {
    const api = inMemoryApi(undefined, 'INFO');
    await capturedLogs(() => api.create(post(newInvoice(), { 'x-correlation-id': 'first' })));
    const { lines } = await capturedLogs(() => api.get(getById('inv-1')));
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line.correlationId).toBe('generated-1');
  });
});

describe('metrics (CloudWatch EMF on stdout)', () => {
  type Emf = Record<string, unknown> & {
    _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] };
  };
  const emf = (lines: Record<string, unknown>[]) => lines.filter((line): line is Emf => '_aws' in line);
  const metricNames = (line: Emf) =>
    line._aws.CloudWatchMetrics.flatMap((set) => set.Metrics.map((m) => m.Name));

  it('counts each invoice created, and the VAT it charged per country and currency', async () => {
    const api = inMemoryApi();
    const { lines } = await capturedLogs(async () => {
      await api.create(
        post(
          newInvoice({
            country: 'DE',
            currency: 'EUR',
            lines: [{ description: 'x', quantity: 1, unitPrice: 150 }],
          }),
        ),
      );
      await api.create(post(newInvoice({ country: 'GB' })));
    });
    const created = emf(lines).filter((line) => metricNames(line).includes('InvoicesCreated'));
    expect(created).toHaveLength(2);
    for (const line of created) {
      expect(line).toMatchObject({ InvoicesCreated: 1, service: 'invoicing-test' });
      expect(line._aws.CloudWatchMetrics[0]?.Namespace).toBe('Test/Invoicing');
    }
    const vat = emf(lines).filter((line) => metricNames(line).includes('VatCharged'));
    expect(vat.map(({ country, currency, VatCharged }) => ({ country, currency, VatCharged }))).toEqual([
      { country: 'DE', currency: 'EUR', VatCharged: 29 },
      { country: 'GB', currency: 'GBP', VatCharged: 20 },
    ]);
    expect(vat[0]?._aws.CloudWatchMetrics[0]?.Dimensions[0]).toEqual(
      expect.arrayContaining(['service', 'country', 'currency']),
    );
  });

  it('emits no metric for a rejected invoice or a read', async () => {
    const api = inMemoryApi();
    const { lines } = await capturedLogs(async () => {
      await api.create(post(newInvoice({ country: 'XX' })));
      await api.get(getById('missing'));
    });
    expect(emf(lines)).toEqual([]);
  });
});
