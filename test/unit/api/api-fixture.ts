import { apiStores } from '../../../src/api/api-deps.js';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { Decider } from '../../../src/app/decider.js';
import { runEmbedded } from '../../../src/app/embedded-run.js';
import type { EmbeddedPorts } from '../../../src/app/composition-root.js';
import type { RelearnConfig } from '../../../src/config/relearn-config.js';
import { AnnouncementRelay } from '../../../src/app/announcement-relay.js';
import { ChampionRollback } from '../../../src/app/champion-rollback.js';
import { OutputCodecs } from '../../../src/app/event-codecs.js';
import { TrainingControl } from '../../../src/app/training-control.js';
import type { ApiDeps, ReadinessReport } from '../../../src/api/api-deps.js';
import type { ApiRoute } from '../../../src/api/api-route.js';
import { apiRoutes, buildApiServer } from '../../../src/api/build-api-server.js';
import type { Decision } from '../../../src/domain/decision.js';
import { RelearnMetrics } from '../../../src/metrics/relearn-metrics.js';
import { resolveSimulationOptions } from '../../../src/simulate/index.js';

export const READ_TOKEN = 'read-token-0123456789';
export const WRITE_TOKEN = 'write-token-0123456789';

/** A small embedded run: 3 users, 1 organisation, 9 weeks: every kind has champions and several versions. */
export const SMALL_RUN = resolveSimulationOptions({ users: 3, orgs: 1, days: 63, seed: 1 });

export interface ApiFixture {
  app: FastifyInstance;
  deps: ApiDeps;
  /** The route descriptions, for their response schemas. */
  routes: ApiRoute[];
  ports: EmbeddedPorts;
  config: RelearnConfig;
  metrics: RelearnMetrics;
  /** Decisions the API's decider recorded, in order (its onRecorded hook). */
  recorded: Decision[];
  readiness: { report: ReadinessReport };
  get(url: string, token?: string | null): Promise<LightMyRequestResponse>;
  post(url: string, body?: unknown, token?: string | null): Promise<LightMyRequestResponse>;
  inject(options: InjectOptions): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/** The API over the stores a finished embedded run left behind, with a decider of its own (no pipeline, no trainer). */
export async function apiOverRun(overrides: Partial<ApiDeps> = {}): Promise<ApiFixture> {
  const run = await runEmbedded(SMALL_RUN);
  return apiOverPorts(run.ports, run.config, overrides);
}

export function apiOverPorts(ports: EmbeddedPorts, config: RelearnConfig, overrides: Partial<ApiDeps> = {}): ApiFixture {
  const recorded: Decision[] = [];
  const decider = new Decider({ counters: ports.counters, outbox: ports.outbox, registry: ports.registry, clock: ports.clock, config, onRecorded: (decisions) => recorded.push(...decisions) });
  const metrics = overrides.metrics ?? new RelearnMetrics({ jobs: ports.jobs, registry: ports.registry, lagProbe: ports.bus, defaultMetrics: false });
  const relay = new AnnouncementRelay({ outbox: ports.announcements, registry: ports.registry, sink: ports.sink, log: ports.log, codecs: new OutputCodecs(ports.codec, config.topics), topics: config.topics, clock: ports.clock });
  const readiness = { report: { ready: true, checks: { kafka: { ok: true }, mongodb: { ok: true } } } as ReadinessReport };
  const deps: ApiDeps = {
    ...apiStores(ports),
    control: new TrainingControl({ decider, counters: ports.counters, registry: ports.registry, clock: ports.clock }),
    rollback: new ChampionRollback({ registry: ports.registry, clock: ports.clock, announce: () => relay.kick() }),
    readiness: () => Promise.resolve(readiness.report),
    tokens: [
      { token: READ_TOKEN, access: 'read' },
      { token: WRITE_TOKEN, access: 'read-write' },
    ],
    metrics,
    ...overrides,
  };
  const app = buildApiServer(deps);
  const routes = apiRoutes(deps, () => {
    throw new Error('the fixture reads schemas only');
  });
  const auth = (token: string | null | undefined, fallback: string): Record<string, string> => {
    const chosen = token === undefined ? fallback : token;
    return chosen === null ? {} : { authorization: `Bearer ${chosen}` };
  };
  return {
    app,
    deps,
    routes,
    ports,
    config,
    metrics,
    recorded,
    readiness,
    get: (url, token) => app.inject({ method: 'GET', url, headers: auth(token, READ_TOKEN) }),
    post: (url, body, token) =>
      app.inject({ method: 'POST', url, headers: auth(token, WRITE_TOKEN), ...(body === undefined ? {} : { payload: body as object }) }),
    inject: (options) => app.inject(options),
    close: async () => {
      metrics.close();
      await app.close();
    },
  };
}

export function path(...segments: (string | number)[]): string {
  return segments.map((segment) => encodeURIComponent(String(segment))).join('/');
}

/** Parses a success answer with the schema the route documents: the OpenAPI document cannot drift from the answers. */
export function documentedBody(routes: readonly ApiRoute[], operationId: string, response: LightMyRequestResponse): unknown {
  const route = routes.find((candidate) => candidate.operationId === operationId);
  if (route === undefined) throw new Error(`no route ${operationId}`);
  const documented = route.responses[response.statusCode as 200 | 202 | 503];
  if (documented?.schema === undefined) throw new Error(`${operationId} documents no JSON answer for ${response.statusCode}: ${response.body}`);
  return documented.schema.parse(response.json());
}
