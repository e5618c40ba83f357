import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'local',
          include: ['test/**/*.test.ts'],
          globalSetup: ['test/support/moto-global-setup.ts'],
          // Test files share module instances per worker: nothing here keeps module state between tests,
          // and re-importing aws-cdk-lib and the SDK per file doubled the suite's time.
          isolate: false,
          hookTimeout: 30_000,
          exclude: ['test/e2e/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/e2e/support/emulator-event-delivery.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
