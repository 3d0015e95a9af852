import { hostname } from 'node:os';

import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';

import { apiStores } from '../api/api-deps.js';
import { buildApiServer } from '../api/build-api-server.js';
import type { ServicePorts } from '../app/composition-root.js';
import { DEFAULT_SERVICE_OPTIONS, RelearnService } from '../app/relearn-service.js';
import type { Role } from '../app/relearn-system.js';
import { logServiceActivity } from '../app/service-activity-log.js';
import { TrainingControl } from '../app/training-control.js';
import type { RelearnSettings, ServiceRole } from '../config/relearn-settings.js';
import { INPUT_ROLES, topicDefinitions } from '../contract/topic-definitions.js';
import { dashboardAssets } from '../dashboard/dashboard-assets.js';
import { componentLogger } from '../logging/component-logger.js';
import { RelearnMetrics } from '../metrics/relearn-metrics.js';

/** The topics relearn itself writes: it registers their schemas at start (as serializers with auto-registration would). */
const OUTPUT_ROLES = ['training-requests', 'model-updates', 'sheet-analyses'] as const;

export interface RunningServiceProcess {
  readonly service: RelearnService;
  /** Where the API listens, when the api role runs. */
  readonly apiUrl: string | null;
  /** Stops fetching, finishes or releases in-flight work, commits, closes servers and clients. */
  stop(): Promise<void>;
}

/**
 * One `relearn start` process: the roles it was given on the ports the composition root
 * made. The api role serves the HTTP API, /metrics and the dashboard; ingest and trainer
 * are consumer groups, so more processes with the same roles share the work.
 */
export async function startServiceProcess(settings: RelearnSettings, ports: ServicePorts, roles: readonly ServiceRole[], logger: Logger): Promise<RunningServiceProcess> {
  const definitions = topicDefinitions();
  for (const role of OUTPUT_ROLES) {
    const schema = definitions.get(role)?.valueSchema;
    if (schema !== undefined && schema !== null) await ports.codec.register(settings.core.topics[role], schema);
  }
  const pipelineRoles = new Set(roles.filter((role): role is Role => role === 'ingest' || role === 'trainer'));
  const service = new RelearnService(ports, settings.core, { ...DEFAULT_SERVICE_OPTIONS, roles: pipelineRoles, owner: `${hostname()}:${process.pid}` });

  let server: FastifyInstance | null = null;
  let metrics: RelearnMetrics | null = null;
  if (roles.includes('api')) {
    metrics = new RelearnMetrics({
      jobs: ports.jobs,
      registry: ports.registry,
      lagProbe: ports.lag,
      lagTargets: [
        { groupId: settings.core.groups.ingest, topics: INPUT_ROLES.map((role) => settings.core.topics[role]) },
        { groupId: settings.core.groups.trainer, topics: [settings.core.topics['training-requests']] },
      ],
    });
    metrics.observe(service.system);
    server = buildApiServer({
      ...apiStores(ports),
      control: new TrainingControl({ decider: service.system.decider, counters: ports.counters, registry: ports.registry, clock: ports.clock }),
      rollback: service.system.rollback,
      readiness: async () => {
        const checks = await ports.probe();
        return { ready: Object.values(checks).every((check) => check.ok), checks };
      },
      tokens: settings.api.tokens,
      metrics,
      logger: componentLogger(logger, 'api'),
      dashboard: { files: dashboardAssets() },
      engines: settings.core.engines,
    });
  }

  const activityLog = logServiceActivity(service.system, logger);
  await service.start();
  let apiUrl: string | null = null;
  if (server !== null) apiUrl = await server.listen({ host: settings.api.host, port: settings.api.port });
  logger.info({ component: 'service', roles, apiUrl, owner: service.options.owner }, 'relearn started');

  return {
    service,
    apiUrl,
    async stop() {
      // The API first, so no request lands on a closing service; then the roles, which
      // finish their batch in hand and commit; then the connections.
      await server?.close();
      // Half the shutdown budget for running trainings; the rest hands their jobs back and closes.
      await service.stop({ trainingGraceMs: settings.shutdownTimeoutMs / 2 });
      activityLog.unsubscribe();
      metrics?.close();
      await ports.close();
      logger.info({ component: 'service' }, 'relearn stopped');
    },
  };
}
