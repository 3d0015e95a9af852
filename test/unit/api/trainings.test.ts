import { filter, firstValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEmbedded } from '../../../src/app/embedded-run.js';
import { RelearnSystem } from '../../../src/app/relearn-system.js';
import { TrainingControl } from '../../../src/app/training-control.js';
import type { ModelUpdated, TrainingRequested } from '../../../src/domain/events.js';
import type { ModelKind } from '../../../src/domain/model-kind.js';
import type { Scope } from '../../../src/domain/scope.js';
import { RelearnMetrics } from '../../../src/metrics/relearn-metrics.js';
import { apiOverPorts, apiOverRun, documentedBody, path, SMALL_RUN, type ApiFixture } from './api-fixture.js';

interface Requests {
  requests: { scope: Scope; kind: ModelKind; decisionId: string | null; outcome: string; reason: string }[];
}

async function requestTrainings(api: ApiFixture, body: object): Promise<Requests> {
  const response = await api.post('/api/v1/trainings', body);
  expect(response.statusCode, response.body).toBe(202);
  return documentedBody(api.routes, 'requestTraining', response) as Requests;
}

// One finished run for the requests without a trainer: they add decisions, roll back and cancel, each on its own lineage or job.
let api: ApiFixture;
beforeAll(async () => {
  api = await apiOverRun();
}, 120_000);
afterAll(async () => {
  await api.close();
});

describe('POST /api/v1/trainings over a finished run', () => {

  it('records a manual decision in the outbox, with force and look-back, and hands it to the relay', async () => {
    const before = (await api.ports.counters.get('user:u-0001', 'categorizer'))?.decisions ?? 0;
    const { requests } = await requestTrainings(api, { scope: 'user:u-0001', kind: 'categorizer', force: true, lookbackDays: 14 });
    const expectedId = `user:u-0001/categorizer/${before + 1}`;
    expect(requests).toEqual([{ scope: 'user:u-0001', kind: 'categorizer', decisionId: expectedId, outcome: 'requested', reason: expect.stringMatching(/^manual full training decided/) as string }]);
    const decision = await api.ports.outbox.get(expectedId);
    expect(decision).toMatchObject({ reason: 'manual', force: true, lookbackDays: 14, priority: 100, publishedAt: null });
    expect(api.recorded.map((recorded) => recorded.decisionId)).toContain(expectedId);
    expect(await api.metrics.scrape()).toContain('relearn_decisions_total{reason="manual",kind="categorizer"} 1');
  });

  it('requests every kind of a scope when no kind is given', async () => {
    const { requests } = await requestTrainings(api, { scope: 'user:u-0002' });
    expect(requests.map((request) => [request.kind, request.outcome])).toEqual([
      ['categorizer', 'requested'],
      ['forecaster', 'requested'],
    ]);
  });

  it('requests every scope with data when all is true: one decision each, none where a training is in flight', async () => {
    const counters = await api.ports.counters.list();
    const inFlight = new Set(counters.filter((row) => row.openDecision !== null).map((row) => `${row.scope}|${row.kind}`));
    const { requests } = await requestTrainings(api, { all: true });
    expect(requests).toHaveLength(counters.length);
    for (const request of requests) {
      if (inFlight.has(`${request.scope}|${request.kind}`)) {
        expect(request).toMatchObject({ outcome: 'skipped', decisionId: null, reason: expect.stringContaining('queued or running') as string });
      } else {
        expect(await api.ports.outbox.get(request.decisionId ?? '')).toMatchObject({ scope: request.scope, kind: request.kind, reason: 'manual' });
      }
    }
    expect(requests.filter((request) => request.outcome === 'requested')).toHaveLength(counters.length - inFlight.size);
  });

  it('makes one decision and keeps one follow-up for ten forced requests in a row', async () => {
    await closeOpenDecision(api, 'user:u-0002', 'forecaster');
    const outcomes = [];
    for (let index = 0; index < 10; index += 1) outcomes.push((await requestTrainings(api, { scope: 'user:u-0002', kind: 'forecaster', force: true })).requests[0]?.outcome);
    expect(outcomes.filter((outcome) => outcome === 'requested')).toHaveLength(1);
    expect((await api.ports.counters.get('user:u-0002', 'forecaster'))?.followUp).toMatchObject({ source: 'manual', force: true });
  });

  it('skips scopes below minData as insufficient-data and decides nothing for them', async () => {
    const recorded = api.recorded.length;
    const { requests } = await requestTrainings(api, { all: true, kind: 'forecaster', minData: 1_000_000 });
    expect(requests).toHaveLength(3);
    for (const request of requests) expect(request).toMatchObject({ outcome: 'insufficient-data', decisionId: null, reason: expect.stringContaining('fewer than minData 1000000') as string });
    expect(api.recorded.length).toBe(recorded);
  });

  it('validates hyperparameters against the engine’s schema and records them in the decision', async () => {
    await closeOpenDecision(api, 'org:o-01', 'anomaly');
    const body = await requestTrainings(api, { scope: 'org:o-01', kind: 'anomaly', hyperparameters: { nTrees: 50, sampleSize: 128, contamination: 0.05 } });
    expect(body.requests[0]?.outcome).toBe('requested');
    const decision = await api.ports.outbox.get(body.requests[0]?.decisionId ?? '');
    expect(decision?.hyperparameters).toEqual({ nTrees: 50, sampleSize: 128, contamination: 0.05 });
    // The forecaster reads none: any name is refused, naming it.
    const forecaster = await api.post('/api/v1/trainings', { scope: 'user:u-0001', kind: 'forecaster', hyperparameters: { seasonLength: 4 } });
    expect(forecaster.statusCode).toBe(400);
    expect(forecaster.json()).toMatchObject({ error: { field: expect.stringMatching(/^hyperparameters/) as unknown } });
  });

  it('checks hyperparameters against the configured engine', async () => {
    // Both classifier engines take the same options; an isolation option is not one of them.
    const mlForest = apiOverPorts(api.ports, api.config, { engines: { categorizer: 'ml-random-forest', anomaly: 'relearn-isolation' } });
    expect((await mlForest.post('/api/v1/trainings', { all: true, kind: 'categorizer', hyperparameters: { nTrees: 10, maxDepth: 8 } })).statusCode).toBe(202);
    const wrong = await mlForest.post('/api/v1/trainings', { all: true, kind: 'categorizer', hyperparameters: { contamination: 0.1 } });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json()).toMatchObject({ error: { field: 'hyperparameters.contamination' } });
    await mlForest.close();
  });
});

describe('rollback, cancel and retry', () => {

  it('rolls back to the previous champion, then forward to a named version', async () => {
    const versions = await api.ports.registry.list({ kind: 'categorizer' });
    const scope = versions.find((version) => versions.filter((other) => other.scope === version.scope && other.promoted).length >= 2)?.scope;
    if (scope === undefined) throw new Error('no categorizer lineage with two champions in the run');
    const current = await api.ports.registry.champion(scope, 'categorizer');
    if (current === null) throw new Error('no champion');
    const url = `/api/v1/models/${path(scope, 'categorizer')}/rollback`;

    const back = await api.post(url);
    expect(back.statusCode, back.body).toBe(200);
    const { from, to, changed } = documentedBody(api.routes, 'rollbackModel', back) as { from: number; to: number; changed: boolean };
    expect(changed).toBe(true);
    // A client's retry changes nothing: the same answer, no toggle back.
    expect((await api.post(url)).json()).toEqual({ from, to, changed: false });
    expect(from).toBe(current.version);
    expect(to).toBeLessThan(from);
    expect((await api.ports.registry.champion(scope, 'categorizer'))?.version).toBe(to);
    expect((await api.get(`/api/v1/models/${path(scope, 'categorizer')}`)).json()).toMatchObject({ champion: { version: to } });

    const forward = await api.post(url, { toVersion: current.version });
    expect(forward.json()).toEqual({ from: to, to: current.version, changed: true });
    expect((await api.ports.registry.champion(scope, 'categorizer'))?.version).toBe(current.version);
    // The relay publishes the recorded announcements after the answer.
    for (let waited = 0; (await api.ports.announcements.unannounced(1)).length > 0 && waited < 5_000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));

    // Downstream services learn of both moves: one ModelUpdated each, naming the version that serves now.
    const announced = await Promise.all(
      api.ports.bus.read(api.config.topics['model-updates']).map(async (record) => ({ ...((await api.ports.codec.decode(record.value ?? Buffer.alloc(0))) as ModelUpdated) })),
    );
    const rollbacks = announced.filter((event) => event.scope === scope && event.decision.startsWith('rolled back'));
    expect(rollbacks.map((event) => [event.version, event.previousVersion, event.promoted, event.decision])).toEqual([
      [to, from, true, `rolled back from v${from}`],
      [current.version, to, true, `rolled back from v${to}`],
    ]);
  });

  it('cancels a queued job, then retries it', async () => {
    const request: TrainingRequested = {
      requestId: 'org:o-01/anomaly/500',
      scope: 'org:o-01',
      modelKind: 'anomaly',
      reason: 'manual',
      counts: { total: 1 },
      metric: null,
      requestedAt: api.ports.clock.now(),
      priority: 100,
      mode: 'full',
      lookbackDays: null,
      force: true,
    };
    await api.ports.jobs.enqueue(request, { maxAttempts: 3, now: api.ports.clock.now() });
    const url = `/api/v1/jobs/${path(request.requestId)}`;

    const cancelled = await api.post(`${url}/cancel`);
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    expect(documentedBody(api.routes, 'cancelJob', cancelled)).toEqual({ cancelled: true });
    expect((await api.get(url)).json()).toMatchObject({ status: 'cancelled', stage: 'cancelled' });

    const retried = await api.post(`${url}/retry`);
    expect(documentedBody(api.routes, 'retryJob', retried)).toEqual({ retried: true });
    expect((await api.get(url)).json()).toMatchObject({ status: 'queued', attempts: 0, error: null });
  });
});

describe('POST /api/v1/trainings with a running trainer', () => {
  it('publishes the decision, the trainer takes the job and trains a new version', async () => {
    const run = await runEmbedded(SMALL_RUN);
    const system = new RelearnSystem(run.ports, run.config, { roles: new Set(['trainer']), owner: 'api-test', trainingWaitMs: 600_000, jobPollMs: 0 });
    const metrics = new RelearnMetrics({ jobs: run.ports.jobs, registry: run.ports.registry, lagProbe: run.ports.bus, defaultMetrics: false });
    metrics.observe(system);
    const api = apiOverPorts(run.ports, run.config, {
      control: new TrainingControl({ decider: system.decider, counters: run.ports.counters, registry: run.ports.registry, clock: run.ports.clock }),
      metrics,
    });
    await system.start();
    try {
      const versionsBefore = await run.ports.registry.list({ scope: 'org:o-01', kind: 'anomaly' });
      const { requests } = await requestTrainings(api, { scope: 'org:o-01', kind: 'anomaly', force: true, hyperparameters: { nTrees: 37 } });
      const decisionId = requests[0]?.decisionId;
      if (decisionId == null) throw new Error(`nothing requested: ${JSON.stringify(requests)}`);
      const finished = await firstValueFrom(system.finished$.pipe(filter((entry) => entry.requestId === decisionId)));
      expect(finished.status).toBe('succeeded');
      // The request's hyperparameters reach the trainer: the stored version was trained with them.
      expect((await run.ports.registry.get('org:o-01', 'anomaly', finished.version ?? 0))?.hyperparameters).toMatchObject({ nTrees: 37 });

      const job = documentedBody(api.routes, 'getJob', await api.get(`/api/v1/jobs/${path(decisionId)}`)) as { status: string; request: { reason: string }; result: { version: number } };
      expect(job).toMatchObject({ status: 'succeeded', request: { reason: 'manual' }, result: { version: (versionsBefore[0]?.version ?? 0) + 1 } });
      const listed = (await api.get(`/api/v1/jobs?scope=${path('org:o-01')}&limit=1`)).json<{ jobs: { jobId: string }[] }>();
      expect(listed.jobs[0]?.jobId).toBe(decisionId);
      expect((await api.ports.outbox.get(decisionId))?.publishedAt).not.toBeNull();

      const text = await metrics.scrape();
      expect(text).toContain('relearn_trainings_total{kind="anomaly",status="succeeded"} 1');
      expect(text).toContain('relearn_training_duration_seconds_count{kind="anomaly"} 1');
    } finally {
      await system.stop();
      await api.close();
    }
  }, 120_000);
});

/** As a trainer would when the job ends: frees the (scope, kind) for a new decision. */
async function closeOpenDecision(fixture: ApiFixture, scope: Scope, kind: ModelKind): Promise<void> {
  const open = (await fixture.ports.counters.get(scope, kind))?.openDecision;
  if (open != null) await fixture.ports.counters.closeDecision(scope, kind, open.decisionId, fixture.ports.clock.now());
}
