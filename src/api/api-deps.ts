import type { FastifyBaseLogger } from 'fastify';
import type { ChampionRollback } from '../app/champion-rollback.js';
import type { TrainingControl } from '../app/training-control.js';
import type { RelearnMetrics } from '../metrics/relearn-metrics.js';
import type { Clock } from '../ports/clock.js';
import type { CounterStore } from '../ports/counter-store.js';
import type { DecisionOutbox } from '../ports/decision-outbox.js';
import type { EventStore } from '../ports/event-store.js';
import type { JobQueue } from '../ports/job-queue.js';
import type { ModelRegistry } from '../ports/model-registry.js';
import type { ApiToken } from './bearer-auth.js';
import type { EngineChoice } from '../training/hyperparameter-schemas.js';

export interface ReadinessCheck {
  ok: boolean;
  error?: string;
}

/** What /ready answers: ready only when every check is ok (the caller probes Kafka and MongoDB). */
export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, ReadinessCheck>;
}

export interface DashboardFile {
  contentType: string;
  body: Buffer | string;
}

export interface ApiDeps {
  counters: CounterStore;
  outbox: DecisionOutbox;
  jobs: JobQueue;
  registry: ModelRegistry;
  store: EventStore;
  clock: Clock;
  control: TrainingControl;
  /** Moves the champion back and announces it (ModelUpdated). */
  rollback: Pick<ChampionRollback, 'rollback'>;
  readiness: () => Promise<ReadinessReport>;
  tokens: readonly ApiToken[];
  metrics: RelearnMetrics;
  /** A pino logger (child loggers per request carry the request id), or false for none. Default false. */
  logger?: FastifyBaseLogger | false;
  /**
   * The dashboard's static files, keyed by path relative to the dashboard root
   * (`index.html`, `assets/app.js`; a leading `/` is ignored): `/` serves index.html,
   * `/assets/<name>` serves `assets/<name>`. No auth: the page asks for a token itself.
   */
  dashboard?: { files: ReadonlyMap<string, DashboardFile> };
  /** Which engine trains each kind (RelearnConfig.engines): picks the hyperparameter schema. Default: the default engines. */
  engines?: EngineChoice;
  /** Readiness probes slower than this answer not-ready. Default 5000 ms. */
  readinessTimeoutMs?: number;
}

/** The stores the API reads, picked from a process's ports. */
export type ApiStores = Pick<ApiDeps, 'counters' | 'outbox' | 'jobs' | 'registry' | 'store' | 'clock'>;

export function apiStores(ports: ApiStores): ApiStores {
  const { counters, outbox, jobs, registry, store, clock } = ports;
  return { counters, outbox, jobs, registry, store, clock };
}
