import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODEL_KINDS } from '../../../src/domain/model-kind.js';
import type { Scope } from '../../../src/domain/scope.js';
import { apiOverRun, documentedBody, path, type ApiFixture } from './api-fixture.js';

let api: ApiFixture;

beforeAll(async () => {
  api = await apiOverRun();
}, 120_000);

afterAll(async () => {
  await api.close();
});

async function ok(operationId: string, url: string): Promise<unknown> {
  const response = await api.get(url);
  expect(response.statusCode, response.body).toBe(200);
  return documentedBody(api.routes, operationId, response);
}

describe('operations routes', () => {
  it('answers /health without a token', async () => {
    const response = await api.get('/health', null);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('answers /ready with the checks, 503 when one fails or the probe throws', async () => {
    expect((await api.get('/ready', null)).json()).toEqual({ ready: true, checks: { kafka: { ok: true }, mongodb: { ok: true } } });
    api.readiness.report = { ready: false, checks: { kafka: { ok: true }, mongodb: { ok: false, error: 'connection refused' } } };
    const failing = await api.get('/ready', null);
    expect(failing.statusCode).toBe(503);
    expect(documentedBody(api.routes, 'ready', failing)).toEqual({ ready: false, checks: { kafka: { ok: true }, mongodb: { ok: false, error: 'connection refused' } } });
    // A report that says ready while a check failed is not trusted.
    api.readiness.report = { ready: true, checks: { kafka: { ok: false, error: 'no brokers' } } };
    expect((await api.get('/ready', null)).statusCode).toBe(503);
    api.readiness.report = { ready: true, checks: { kafka: { ok: true }, mongodb: { ok: true } } };
  });
});

describe('scopes', () => {
  it('lists every scope with its counters and champions, in name order', async () => {
    const body = (await ok('listScopes', '/api/v1/scopes')) as { scopes: { scope: Scope; counters: unknown[]; champions: { kind: string; version: number }[] }[]; events: unknown };
    const counters = await api.ports.counters.list();
    const scopes = [...new Set(counters.map((row) => row.scope))].sort();
    expect(body.scopes.map((entry) => entry.scope)).toEqual(scopes);
    expect(scopes).toHaveLength(4);
    for (const entry of body.scopes) {
      expect(entry.counters).toEqual(counters.filter((row) => row.scope === entry.scope));
      for (const champion of entry.champions) {
        expect((await api.ports.registry.champion(entry.scope, champion.kind as 'anomaly'))?.version).toBe(champion.version);
      }
    }
    expect(body.events).toEqual(await api.ports.store.stats());
  });

  it('filters by kind and limits', async () => {
    const anomaly = (await ok('listScopes', '/api/v1/scopes?kind=anomaly')) as { scopes: { scope: string; counters: { kind: string }[] }[] };
    expect(anomaly.scopes.map((entry) => entry.scope)).toEqual(['org:o-01']);
    expect(anomaly.scopes.flatMap((entry) => entry.counters.map((row) => row.kind))).toEqual(['anomaly']);
    const limited = (await ok('listScopes', '/api/v1/scopes?limit=2')) as { scopes: unknown[] };
    expect(limited.scopes).toHaveLength(2);
  });

  it('shows one scope with its counters per kind and its champion versions', async () => {
    const body = (await ok('getScope', `/api/v1/scopes/${path('user:u-0001')}`)) as { scope: string; counters: { kind: string }[]; champions: { kind: string; version: number }[] };
    expect(body.scope).toBe('user:u-0001');
    expect(body.counters.map((row) => row.kind).sort()).toEqual(['categorizer', 'forecaster']);
    const expected = [await api.ports.registry.champion('user:u-0001', 'categorizer'), await api.ports.registry.champion('user:u-0001', 'forecaster')];
    expect(body.champions).toEqual(expected);
  });
});

describe('models', () => {
  it('lists versions newest first, filtered by scope and kind', async () => {
    const all = (await ok('listModels', '/api/v1/models')) as { models: unknown[] };
    expect(all.models).toEqual(await api.ports.registry.list({ limit: 100 }));
    const filtered = (await ok('listModels', `/api/v1/models?scope=${path('user:u-0002')}&kind=categorizer&limit=3`)) as { models: { scope: string; kind: string }[] };
    expect(filtered.models).toHaveLength(3);
    expect(filtered.models.every((model) => model.scope === 'user:u-0002' && model.kind === 'categorizer')).toBe(true);
  });

  it('shows a model’s champion and versions', async () => {
    for (const kind of ['categorizer', 'forecaster'] as const) {
      const body = (await ok('getModel', `/api/v1/models/${path('user:u-0001', kind)}`)) as { champion: { version: number }; versions: { version: number }[] };
      expect(body.champion).toEqual(await api.ports.registry.champion('user:u-0001', kind));
      expect(body.versions).toEqual(await api.ports.registry.list({ scope: 'user:u-0001', kind }));
    }
  });

  it('shows one version with its metrics, validation result and whether it is champion', async () => {
    const champion = await api.ports.registry.champion('user:u-0001', 'categorizer');
    if (champion === null) throw new Error('the run made no categorizer champion');
    const body = (await ok('getModelVersion', `/api/v1/models/${path('user:u-0001', 'categorizer', champion.version)}`)) as Record<string, unknown>;
    expect(body).toEqual({ ...champion, isChampion: true });
    expect(Object.keys(body.metrics as object)).toContain('accuracy');
    const other = champion.version === 1 ? 2 : 1;
    const older = (await ok('getModelVersion', `/api/v1/models/${path('user:u-0001', 'categorizer', other)}`)) as { isChampion: boolean; version: number };
    expect(older).toMatchObject({ version: other, isChampion: false });
  });
});

describe('jobs, decisions and history', () => {
  it('lists jobs with their timings and filters by status, scope and kind', async () => {
    const body = (await ok('listJobs', '/api/v1/jobs?limit=1000')) as { jobs: { jobId: string; status: string; durationMs: number | null; startedAt: number; finishedAt: number }[] };
    expect(body.jobs.map((job) => job.jobId)).toEqual((await api.ports.jobs.list()).map((job) => job.jobId));
    for (const job of body.jobs) expect(job.durationMs).toBe(job.finishedAt - job.startedAt);
    const succeeded = (await ok('listJobs', `/api/v1/jobs?status=succeeded&scope=${path('org:o-01')}&kind=anomaly`)) as { jobs: { scope: string; status: string }[] };
    expect(succeeded.jobs.length).toBeGreaterThan(0);
    expect(succeeded.jobs.every((job) => job.scope === 'org:o-01' && job.status === 'succeeded')).toBe(true);
    expect(((await ok('listJobs', '/api/v1/jobs?status=failed')) as { jobs: unknown[] }).jobs).toEqual([]);
  });

  it('shows one job by id (its decision id, URL-encoded)', async () => {
    const [first] = await api.ports.jobs.list({ limit: 1 });
    if (first === undefined) throw new Error('the run made no jobs');
    const body = (await ok('getJob', `/api/v1/jobs/${path(first.jobId)}`)) as Record<string, unknown>;
    expect(body).toMatchObject({ jobId: first.jobId, status: first.status, stage: first.stage, progress: first.progress, attempts: first.attempts, error: null });
  });

  it('lists decisions with reasons and figures', async () => {
    const body = (await ok('listDecisions', '/api/v1/decisions?limit=1000')) as { decisions: { reason: string; counts: Record<string, number> }[] };
    expect(body.decisions).toEqual(await api.ports.outbox.list({ limit: 1000 }));
    expect(body.decisions.some((decision) => decision.reason === 'initial')).toBe(true);
    const scoped = (await ok('listDecisions', `/api/v1/decisions?scope=${path('user:u-0003')}&kind=forecaster`)) as { decisions: { scope: string; kind: string }[] };
    expect(scoped.decisions.every((decision) => decision.scope === 'user:u-0003' && decision.kind === 'forecaster')).toBe(true);
  });

  it('gives the training history: every stored version, trained or rejected, newest first, with its reason', async () => {
    const body = (await ok('listHistory', '/api/v1/history?limit=1000')) as { history: { status: string; version: number; at: number; reason: string | null; kind: string }[] };
    const versions = await api.ports.registry.list();
    expect(body.history).toHaveLength(versions.length);
    expect(body.history.filter((entry) => entry.status === 'rejected')).toHaveLength(versions.filter((version) => !version.promoted).length);
    for (let index = 1; index < body.history.length; index += 1) expect(body.history[index - 1]?.at).toBeGreaterThanOrEqual(body.history[index]?.at ?? 0);
    expect(body.history.every((entry) => entry.reason !== null)).toBe(true);
    const kinds = new Set(body.history.map((entry) => entry.kind));
    for (const kind of MODEL_KINDS) expect(kinds.has(kind), kind).toBe(true);
  });

  it('lists failed jobs in the history', async () => {
    const request = { requestId: 'user:u-0003/categorizer/900', scope: 'user:u-0003', modelKind: 'categorizer' as const, reason: 'manual' as const, counts: {}, metric: null, requestedAt: 1, priority: 100, mode: 'full' as const, lookbackDays: null, force: true };
    await api.ports.jobs.enqueue(request, { maxAttempts: 1, now: api.ports.clock.now() });
    const lease = await api.ports.jobs.lease('test', 60_000, api.ports.clock.now());
    if (lease === null) throw new Error('no lease');
    await api.ports.jobs.fail(lease, 'TRAINING_FAILED: the test said so', false, api.ports.clock.now());
    const body = (await ok('listHistory', `/api/v1/history?scope=${path('user:u-0003')}&kind=categorizer`)) as { history: { status: string; detail: string; version: number | null }[] };
    expect(body.history).toContainEqual(expect.objectContaining({ status: 'failed', version: null, detail: 'TRAINING_FAILED: the test said so', reason: 'manual' }));
  });
});
