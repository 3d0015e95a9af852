import { apiStores } from '../../../src/api/api-deps.js';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildApiServer } from '../../../src/api/build-api-server.js';
import type { EmbeddedPorts } from '../../../src/app/composition-root.js';
import { runEmbedded } from '../../../src/app/embedded-run.js';
import { RelearnSystem } from '../../../src/app/relearn-system.js';
import { TrainingControl } from '../../../src/app/training-control.js';
import { RelearnMetrics } from '../../../src/metrics/relearn-metrics.js';
import { resolveSimulationOptions } from '../../../src/simulate/simulation-options.js';

export const READ_TOKEN = 'cli-test-read-token';
export const WRITE_TOKEN = 'cli-test-write-token';

export interface ApiHarness {
  url: string;
  ports: EmbeddedPorts;
  /** What /ready answers; tests flip it. */
  readiness: { ready: boolean };
  close(): Promise<void>;
}

/**
 * The real API server on a real port, over the memory stores a short embedded run
 * filled, with a live ingest+trainer system on the same stores so trainings requested
 * through the API are decided, published, queued and trained for real. The live
 * system's anomaly engine is ml-isolation-forest, whose models cannot be stored: an
 * anomaly training requested through the API fails, for real.
 */
export async function startApiHarness(): Promise<ApiHarness> {
  const result = await runEmbedded(resolveSimulationOptions({ users: 3, orgs: 1, days: 63, seed: 11 }));
  const { ports } = result;
  const config = { ...result.config, engines: { ...result.config.engines, anomaly: 'ml-isolation-forest' } };
  const system = new RelearnSystem(ports, config, { roles: new Set(['ingest', 'trainer']), owner: 'cli-test', trainingWaitMs: 60_000, jobPollMs: 0 });
  await system.start({ trainerPollMs: 20 });
  const readiness = { ready: true };
  const metrics = new RelearnMetrics({ jobs: ports.jobs, registry: ports.registry, defaultMetrics: false });
  const app: FastifyInstance = buildApiServer({
    ...apiStores(ports),
    control: new TrainingControl({ decider: system.decider, counters: ports.counters, registry: ports.registry, clock: ports.clock }),
    rollback: system.rollback,
    readiness: () =>
      Promise.resolve(
        readiness.ready
          ? { ready: true, checks: { kafka: { ok: true }, mongodb: { ok: true } } }
          : { ready: false, checks: { kafka: { ok: true }, mongodb: { ok: false, error: 'connection refused' } } },
      ),
    tokens: [
      { token: READ_TOKEN, access: 'read' },
      { token: WRITE_TOKEN, access: 'read-write' },
    ],
    metrics,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    ports,
    readiness,
    close: async () => {
      await app.close();
      await system.stop();
    },
  };
}
