import { InMemoryInvoiceRepository } from '../../src/adapters/in-memory-invoice-repository.js';
import { invoiceRepositoryContract } from './invoice-repository-contract.js';

invoiceRepositoryContract('in memory', async () => new InMemoryInvoiceRepository());
