import { defineConfig } from 'vitest/config';

// Two projects: `unit` (pure code, memory adapters, contract suites on memory adapters)
// and `integration` (real Kafka, schema registry and MongoDB-protocol server, started by
// the global setup unless the environment points at a running stack).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'test/contract/**/*.memory.test.ts'],
          testTimeout: 30_000,
        },
      },
    ],
  },
});
