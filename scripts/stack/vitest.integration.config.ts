import { defineConfig } from 'vitest/config';

// The integration project on its own, for running the real-stack tests without the unit
// suite: `npx vitest run --config scripts/stack/vitest.integration.config.ts`. The same
// block belongs in vitest.config.ts's `projects`.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/contract/**/*.real.test.ts'],
          globalSetup: ['test/integration/global-setup.ts'],
          // Starting the stack is the global setup's job (minutes on a cold machine); these
          // bound single tests and hooks on a running stack, where a fresh broker still pays
          // seconds for its first consumer group or transaction coordinator.
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // One broker, one registry and one database on two cores: files in parallel would
          // measure contention, not relearn.
          fileParallelism: false,
        },
      },
    ],
  },
});
