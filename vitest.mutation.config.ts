import { defineConfig } from 'vitest/config';

/**
 * The tests StrykerJS runs against each mutant of src/domain and src/workflows (`npm run mutate`):
 * the unit and workflow tests, which import the source. Not test/action (it runs the bundle in
 * dist/, which never holds the mutant) nor the moto-backed tests (slow, and they exercise adapters).
 */
export default defineConfig({
  test: {
    include: ['test/domain/**/*.test.ts', 'test/workflows/**/*.test.ts', 'test/inputs.test.ts'],
    exclude: ['test/workflows/destroy-realism.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
