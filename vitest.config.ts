import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The machine has 2 cores; integration tests open real sockets and child processes.
    maxWorkers: 2,
    pool: 'forks',
    reporters: ['default'],
  },
});
