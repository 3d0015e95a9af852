import { defineConfig } from 'vitest/config';

// Projects: `unit` (pure code, memory adapters, contract suites on memory adapters,
// the embedded loop) and `integration` (real Kafka, schema registry and MongoDB-protocol
// server, started by the global setup unless KAFKA_BROKERS, SCHEMA_REGISTRY_URL and
// MONGODB_URI point at a running stack). Integration tests fail, never skip, without one.
// `browser` drives the dashboard in Debian's chromium (installed by scripts/chromium.sh).
// `faults` starts `relearn start` processes (from dist/) on the same real stack and kills
// them (test/faults/README.md); it runs after the other projects (groupOrder), one file
// at a time, so no other test competes for the two cores while it measures throughput.
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
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/contract/**/*.real.test.ts'],
          globalSetup: ['test/integration/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'browser',
          include: ['test/browser/**/*.browser.test.ts'],
          globalSetup: ['test/browser/global-setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'faults',
          include: ['test/faults/**/*.fault.test.ts'],
          globalSetup: ['test/faults/global-setup.ts'],
          testTimeout: 300_000,
          hookTimeout: 900_000,
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
