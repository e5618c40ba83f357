import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InMemoryEventPublisher } from '../../src/adapters/in-memory-event-publisher.js';
import { InMemoryInvoiceMetrics } from '../../src/adapters/in-memory-invoice-metrics.js';
import { InMemoryInvoiceRepository } from '../../src/adapters/in-memory-invoice-repository.js';
import { createInvoice } from '../../src/application/create-invoice.js';
import { VAT_RATES_BASIS_POINTS } from '../../src/domain/vat.js';
import { eventContract, type Json } from '../support/contract-validators.js';
import { fixedClock, newInvoice, sequentialIds } from '../support/invoice-fixtures.js';
import { breakingChanges } from '../support/schema-compatibility.js';

// InvoiceCreated v1 as first published: what every consumer was built against. Never edit it to make a
// test pass: a change this suite calls breaking goes out as v2, in a new contract file, beside v1.
const published = JSON.parse(
  readFileSync(new URL('published/invoice-created.v1.json', import.meta.url), 'utf8'),
) as Json;
const current = eventContract('invoice-created.v1.schema.json');

/** The events the producer raises today, through its real use case, one per VAT country. */
async function producerSamples(): Promise<unknown[]> {
  const events = new InMemoryEventPublisher();
  const create = createInvoice({
    invoices: new InMemoryInvoiceRepository(),
    events,
    clock: fixedClock(),
    ids: sequentialIds('inv'),
    metrics: new InMemoryInvoiceMetrics(),
  });
  for (const country of Object.keys(VAT_RATES_BASIS_POINTS)) {
    await create(
      newInvoice({
        country,
        currency: ({ GB: 'GBP', US: 'USD' } as Record<string, string>)[country] ?? 'EUR',
      }),
    );
  }
  return events.published;
}

describe('InvoiceCreated v1 stays compatible with what was published', () => {
  it('the contract file breaks nothing that v1 promised', () => {
    expect(breakingChanges(published, current.schema)).toEqual([]);
  });

  it('every event the producer raises is still a valid v1 event as published (consumers ignore new fields)', async () => {
    const asPublished = eventContract({ ...published, additionalProperties: true });
    const samples = await producerSamples();
    expect(samples.length).toBeGreaterThan(3);
    for (const sample of samples) expect(asPublished.violations(sample)).toEqual([]);
  });
});

describe('the compatibility rules', () => {
  const properties = published.properties as Record<string, Json>;
  const required = published.required as string[];
  const without = (name: string) => required.filter((field) => field !== name);
  const renamed = (from: string, to: string) => {
    const { [from]: moved, ...rest } = properties;
    return { ...published, required: [...without(from), to], properties: { ...rest, [to]: moved } };
  };

  it.each([
    ['a required field removed', { ...published, required: without('vatAmount') }, /vatAmount/],
    ['a field renamed', renamed('grossTotal', 'total'), /grossTotal/],
    [
      'a type changed',
      { ...published, properties: { ...properties, netTotal: { type: 'string' } } },
      /netTotal: changed/,
    ],
    [
      'a new required field',
      {
        ...published,
        required: [...required, 'dueDate'],
        properties: { ...properties, dueDate: { type: 'string' } },
      },
      /dueDate: newly required/,
    ],
  ])('report %s', (_change, candidate, problem) => {
    expect(breakingChanges(published, candidate).join('\n')).toMatch(problem);
  });

  it('accept a new optional field and a new description', () => {
    const candidate = {
      ...published,
      description: 'reworded',
      properties: { ...properties, purchaseOrder: { type: 'string' } },
    };
    expect(breakingChanges(published, candidate)).toEqual([]);
  });
});
