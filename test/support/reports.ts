import type { CleanupReport, EnvironmentReport } from '../../src/domain/report.js';

/** The reports several test files render: a ready environment, and a sweep that found nothing yet. */

export const CLEANUP_RUN_URL = 'https://github.com/acme/invoices/actions/runs/999';

/** A real (not dry) sweep of acme/invoices with no environments; spread it and add what a test needs. */
export const EMPTY_SWEEP: CleanupReport = {
  repository: 'acme/invoices',
  dryRun: false,
  kept: 0,
  updatedAt: '2025-03-10T03:17:00Z',
  runUrl: CLEANUP_RUN_URL,
  environments: [],
};

/** pr-42 of acme/invoices, ready, with nothing else to show. */
export const READY_REPORT: EnvironmentReport = {
  state: 'ready',
  environment: 'pr-42',
  repository: 'acme/invoices',
  pullRequest: 42,
  updatedAt: '2025-03-03T12:00:00Z',
};
