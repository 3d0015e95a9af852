import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/adapters/memory/manual-clock.js';
import { embeddedPorts, type EmbeddedPorts } from '../../../src/app/composition-root.js';
import { defaultConfig } from '../../../src/config/relearn-config.js';
import { RelearnSystem } from '../../../src/app/relearn-system.js';
import { SimulatedProducer } from '../../../src/app/simulated-producer.js';
import { topicDefinitions } from '../../../src/contract/topic-definitions.js';
import { MODEL_KINDS } from '../../../src/domain/model-kind.js';
import { RelearnMetrics } from '../../../src/metrics/relearn-metrics.js';
import { generateEvents, resolveSimulationOptions } from '../../../src/simulate/index.js';
import { parsePrometheusText, samplesOf, valueOf, type Sample } from './prometheus-text.js';

const DAY = 86_400_000;
const simulation = resolveSimulationOptions({ users: 2, orgs: 1, days: 63, seed: 2, invalidRate: 0.03, resendRate: 0.05 });
const config = defaultConfig();

let ports: EmbeddedPorts;
let system: RelearnSystem;
let metrics: RelearnMetrics;
let beforeStart: Sample[];
let afterRun: Sample[];

function pause(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 5));
}

/** Polls until every record is ingested and every training it caused has finished. */
async function settled(): Promise<void> {
  const ingestTopics = system.ingest?.topics ?? [];
  for (;;) {
    const idle =
      ports.bus.lag(config.groups.ingest, ingestTopics) === 0 &&
      ports.bus.lag(config.groups.trainer, [config.topics['training-requests']]) === 0 &&
      system.activeSteps === 0 &&
      system.pendingWork === 0 &&
      system.relay.idle &&
      system.trainer?.busy === 0 &&
      (await ports.jobs.list({ status: 'queued', limit: 1 })).length === 0 &&
      (await ports.jobs.list({ status: 'running', limit: 1 })).length === 0;
    if (idle) return;
    await pause();
  }
}

beforeAll(async () => {
  const records = generateEvents(simulation);
  ports = embeddedPorts(new ManualClock(simulation.start + simulation.days * DAY), config.topics);
  const producer = new SimulatedProducer(ports.sink, ports.codec, config.topics, topicDefinitions());
  await producer.registerSchemas();
  system = new RelearnSystem(ports, config, { roles: new Set(['ingest', 'trainer']), owner: 'metrics-test', trainingWaitMs: 600_000, jobPollMs: 0 });
  metrics = new RelearnMetrics({ jobs: ports.jobs, registry: ports.registry, lagProbe: ports.bus });
  metrics.observe(system);
  await producer.send(records);
  beforeStart = parsePrometheusText(await metrics.scrape());
  await system.start();
  await settled();
  afterRun = parsePrometheusText(await metrics.scrape());
}, 120_000);

afterAll(async () => {
  metrics.close();
  await system.stop();
});

describe('RelearnMetrics after a small run', () => {
  it('counts events consumed by topic and outcome, as the ingest role counted them', async () => {
    const stats = system.ingest?.stats;
    if (stats === undefined) throw new Error('no ingest role');
    const consumed = samplesOf(afterRun, 'relearn_events_consumed_total');
    const sum = (outcome: string) => consumed.filter((sample) => sample.labels.outcome === outcome).reduce((total, sample) => total + sample.value, 0);
    expect(sum('duplicate')).toBe(stats.duplicates);
    expect(stats.duplicates).toBeGreaterThan(0);
    expect(sum('inserted') + sum('redelivered')).toBe(stats.ingested);
    expect(sum('dead-lettered')).toBe(Object.values(stats.deadLettered).reduce((total, count) => total + count, 0));
    const stored = await ports.store.stats();
    expect(valueOf(afterRun, 'relearn_events_consumed_total', { topic: config.topics.transactions, outcome: 'inserted' })).toBe(stored.transactions);
    expect(valueOf(afterRun, 'relearn_events_consumed_total', { topic: config.topics['expense-sheets'], outcome: 'inserted' })).toBe(stored.sheets);
  });

  it('counts dead letters by reason', () => {
    const deadLettered = system.ingest?.stats.deadLettered ?? {};
    expect(Object.keys(deadLettered).length).toBeGreaterThan(0);
    for (const [reason, count] of Object.entries(deadLettered)) expect(valueOf(afterRun, 'relearn_dead_letters_total', { reason }), reason).toBe(count);
  });

  it('counts batches whose bad records the DLQ did not take, by input topic', async () => {
    const stats = system.ingest?.stats;
    if (stats === undefined) throw new Error('no ingest role');
    expect(samplesOf(afterRun, 'relearn_dead_letter_failures_total')).toEqual([]);
    stats.deadLetterFailures[config.topics.labels] = 3;
    try {
      expect(valueOf(parsePrometheusText(await metrics.scrape()), 'relearn_dead_letter_failures_total', { topic: config.topics.labels })).toBe(3);
    } finally {
      stats.deadLetterFailures = {};
    }
  });

  it('reports consumer lag per partition: the backlog before the start, none once consumed', () => {
    const before = samplesOf(beforeStart, 'relearn_consumer_lag', { group: config.groups.ingest });
    expect(before.reduce((total, sample) => total + sample.value, 0)).toBe(ports.bus.read(config.topics.transactions).length + ports.bus.read(config.topics.expenses).length + ports.bus.read(config.topics['expense-sheets']).length + ports.bus.read(config.topics.labels).length);
    expect(new Set(before.map((sample) => sample.labels.partition)).size).toBeGreaterThan(1);
    const after = samplesOf(afterRun, 'relearn_consumer_lag');
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((sample) => sample.value === 0)).toBe(true);
    expect(new Set(after.map((sample) => sample.labels.group))).toEqual(new Set([config.groups.ingest, config.groups.trainer]));
  });

  it('counts decisions by reason and kind', async () => {
    const decisions = await ports.outbox.list({ limit: 10_000 });
    expect(decisions.length).toBeGreaterThan(0);
    for (const kind of MODEL_KINDS) {
      for (const reason of new Set(decisions.map((decision) => decision.reason))) {
        const expected = decisions.filter((decision) => decision.kind === kind && decision.reason === reason).length;
        expect(valueOf(afterRun, 'relearn_decisions_total', { kind, reason }) ?? 0, `${kind} ${reason}`).toBe(expected);
      }
    }
  });

  it('reports jobs by status and kind, trainings and their duration', async () => {
    for (const kind of MODEL_KINDS) {
      const succeeded = (await ports.jobs.list({ status: 'succeeded', kind })).length;
      expect(succeeded, kind).toBeGreaterThan(0);
      expect(valueOf(afterRun, 'relearn_jobs', { status: 'succeeded', kind })).toBe(succeeded);
      expect(valueOf(afterRun, 'relearn_jobs', { status: 'queued', kind })).toBe(0);
      expect(valueOf(afterRun, 'relearn_trainings_total', { kind, status: 'succeeded' })).toBe(succeeded);
      expect(valueOf(afterRun, 'relearn_training_duration_seconds_count', { kind })).toBe(succeeded);
      expect(valueOf(afterRun, 'relearn_training_duration_seconds_sum', { kind })).toBeGreaterThan(0);
    }
  });

  it('reports champions and their mean metrics per kind', async () => {
    const pointers = await ports.registry.champions();
    for (const kind of MODEL_KINDS) {
      const champions = pointers.filter((pointer) => pointer.kind === kind);
      expect(valueOf(afterRun, 'relearn_champions', { kind })).toBe(champions.length);
    }
    const categorizers = await Promise.all(pointers.filter((pointer) => pointer.kind === 'categorizer').map((pointer) => ports.registry.get(pointer.scope, pointer.kind, pointer.version)));
    const accuracies = categorizers.map((version) => version?.metrics.accuracy ?? Number.NaN);
    const mean = accuracies.reduce((total, value) => total + value, 0) / accuracies.length;
    expect(valueOf(afterRun, 'relearn_champion_metric', { kind: 'categorizer', metric: 'accuracy' })).toBeCloseTo(mean, 9);
    expect(samplesOf(afterRun, 'relearn_champion_metric', { kind: 'anomaly' }).length).toBeGreaterThan(0);
  });

  it('includes event-loop lag and the other process metrics, prefixed relearn_', () => {
    expect(valueOf(afterRun, 'relearn_nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
    expect(samplesOf(afterRun, 'relearn_process_resident_memory_bytes').length).toBe(1);
  });

  it('records API requests by route pattern and status', async () => {
    metrics.observeHttp('GET', '/api/v1/jobs/:jobId', 404, 0.002);
    const samples = parsePrometheusText(await metrics.scrape());
    expect(valueOf(samples, 'relearn_http_request_duration_seconds_count', { method: 'GET', route: '/api/v1/jobs/:jobId', status: '404' })).toBe(1);
  });
});

describe('RelearnMetrics when a store does not answer', () => {
  it('leaves the failing collector out, counts the failure and still answers', async () => {
    const failing = new RelearnMetrics({
      jobs: Object.assign(Object.create(ports.jobs) as typeof ports.jobs, { list: () => Promise.reject(new Error('mongodb down')) }),
      registry: ports.registry,
      defaultMetrics: false,
    });
    const samples = parsePrometheusText(await failing.scrape());
    expect(valueOf(samples, 'relearn_metrics_collect_failures_total', { collector: 'jobs' })).toBe(1);
    expect(samplesOf(samples, 'relearn_jobs')).toEqual([]);
    expect(valueOf(samples, 'relearn_champions', { kind: 'anomaly' })).toBe(1);
  });

  it('keeps each instance’s metrics on its own registry', async () => {
    const first = new RelearnMetrics({ jobs: ports.jobs, registry: ports.registry, defaultMetrics: false });
    const second = new RelearnMetrics({ jobs: ports.jobs, registry: ports.registry, defaultMetrics: false });
    first.countDecision({ reason: 'manual', kind: 'anomaly' });
    expect(valueOf(parsePrometheusText(await first.scrape()), 'relearn_decisions_total', { reason: 'manual', kind: 'anomaly' })).toBe(1);
    expect(valueOf(parsePrometheusText(await second.scrape()), 'relearn_decisions_total', { reason: 'manual', kind: 'anomaly' })).toBeUndefined();
  });
});
