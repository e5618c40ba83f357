import type { InvoiceRepository } from '../application/ports.js';
import { InvoiceAlreadyExistsError, InvoiceConflictError } from '../domain/errors.js';
import type { Invoice } from '../domain/invoice.js';

/** InvoiceRepository in a Map: for tests and local runs. Behaves like the DynamoDB one (same contract suite). */
export class InMemoryInvoiceRepository implements InvoiceRepository {
  readonly #invoices = new Map<string, Invoice>();
  /** How many times add() or update() stored something: lets tests assert "saved exactly once". */
  writes = 0;

  async add(invoice: Invoice): Promise<void> {
    if (this.#invoices.has(invoice.id)) throw new InvoiceAlreadyExistsError(invoice.id);
    this.#store(invoice);
  }

  async update(invoice: Invoice): Promise<void> {
    const stored = this.#invoices.get(invoice.id);
    if (stored?.version !== invoice.version - 1) {
      throw new InvoiceConflictError(invoice.id, 'stored version changed');
    }
    this.#store(invoice);
  }

  async get(id: string): Promise<Invoice | undefined> {
    return this.#invoices.get(id);
  }

  async listByCustomer(customerId: string): Promise<Invoice[]> {
    return [...this.#invoices.values()]
      .filter((invoice) => invoice.customerId === customerId)
      .sort((a, b) => a.issuedAt.localeCompare(b.issuedAt) || a.id.localeCompare(b.id));
  }

  #store(invoice: Invoice): void {
    this.#invoices.set(invoice.id, structuredClone(invoice));
    this.writes += 1;
  }
}
