import { beforeEach, describe, expect, it } from 'vitest';
import type { InvoiceRepository } from '../../src/application/ports.js';
import { InvoiceAlreadyExistsError, InvoiceConflictError } from '../../src/domain/errors.js';
import { markPaid } from '../../src/domain/invoice.js';
import { issued } from '../support/invoice-fixtures.js';

/**
 * The behaviour every InvoiceRepository must have. Run against the in-memory adapter and the DynamoDB
 * adapter on moto: if both pass, tests that use the in-memory one are telling the truth.
 */
export function invoiceRepositoryContract(name: string, create: () => Promise<InvoiceRepository>): void {
  describe(`InvoiceRepository contract: ${name}`, () => {
    let repository: InvoiceRepository;

    beforeEach(async () => {
      repository = await create();
    });

    it('returns what was added, unchanged', async () => {
      const invoice = issued('a', {
        lines: [
          { description: 'Line one', quantity: 2, unitPrice: 1999 },
          { description: 'Line two', quantity: 1, unitPrice: 1 },
        ],
      });
      await repository.add(invoice);
      expect(await repository.get('a')).toEqual(invoice);
    });

    it('returns undefined for an unknown id', async () => {
      expect(await repository.get('missing')).toBeUndefined();
    });

    it('refuses to add the same id twice, keeping the first', async () => {
      await repository.add(issued('a', { customerId: 'first' }));
      await expect(repository.add(issued('a', { customerId: 'second' }))).rejects.toThrow(
        InvoiceAlreadyExistsError,
      );
      expect((await repository.get('a'))?.customerId).toBe('first');
    });

    it('updates when the stored version is the previous one', async () => {
      const invoice = issued('a');
      await repository.add(invoice);
      const paid = markPaid(invoice, new Date('2025-04-01T00:00:00Z'));
      await repository.update(paid);
      expect(await repository.get('a')).toEqual(paid);
    });

    it('refuses a stale update (lost-update protection) and an update of nothing', async () => {
      const invoice = issued('a');
      await repository.add(invoice);
      const paid = markPaid(invoice, new Date('2025-04-01T00:00:00Z'));
      await repository.update(paid);
      await expect(repository.update(paid)).rejects.toThrow(InvoiceConflictError);
      await expect(repository.update(markPaid(issued('ghost'), new Date()))).rejects.toThrow(
        InvoiceConflictError,
      );
    });

    it("lists only one customer's invoices, oldest first", async () => {
      await repository.add(issued('b', { customerId: 'c1' }, new Date('2025-02-01T00:00:00Z')));
      await repository.add(issued('x', { customerId: 'c2' }, new Date('2025-01-15T00:00:00Z')));
      await repository.add(issued('a', { customerId: 'c1' }, new Date('2025-01-01T00:00:00Z')));
      expect((await repository.listByCustomer('c1')).map((invoice) => invoice.id)).toEqual(['a', 'b']);
      expect(await repository.listByCustomer('nobody')).toEqual([]);
    });
  });
}
