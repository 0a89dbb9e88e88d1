import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Scenario suites and property runs are CPU-bound; two workers fit the 2-core CI machine.
    pool: 'threads',
    maxWorkers: 2,
    testTimeout: 60_000,
  },
});
