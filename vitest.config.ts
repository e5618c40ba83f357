import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Action tests synthesize and deploy CDK apps on moto: seconds alone, far longer on a busy machine.
    testTimeout: 180_000,
    hookTimeout: 60_000,
    // Integration tests each start their own moto and GitHub stand-in; two cores.
    maxWorkers: 2,
    fileParallelism: true,
  },
});
