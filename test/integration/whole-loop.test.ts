// The whole loop on the real stack: simulated apps produce to Kafka through the schema
// registry, relearn ingests into MongoDB, decides, publishes training requests, trains
// and publishes model updates and sheet analyses; bad records land in the DLQ.
import { mkdirSync, writeFileSync } from 'node:fs';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DLQ_HEADERS } from '../../src/app/dead-letter.js';
import type { RelearnService } from '../../src/app/relearn-service.js';
import { SimulatedProducer } from '../../src/app/simulated-producer.js';
import { INPUT_ROLES, topicDefinitions } from '../../src/contract/topic-definitions.js';
import type { ModelUpdated, SheetAnalysed, TrainingRequested, TransactionRecorded } from '../../src/domain/events.js';
import { userScope } from '../../src/domain/scope.js';
import type { IncomingRecord } from '../../src/ports/event-bus.js';
import { generateEvents, summarizeGeneration, type GenerationSummary } from '../../src/simulate/index.js';
import { realStackRun, readWholeTopic, waitFor, type RealStackRun } from './real-service-harness.js';

const SIMULATION = { users: 12, orgs: 2, days: 70, seed: 11, invalidRate: 0.02, resendRate: 0.05, drift: false, start: Date.UTC(2026, 0, 5) };

let run: RealStackRun;
let service: RelearnService;
let summary: GenerationSummary;
let produceStarted = 0;
let ingestSettledAt = 0;
/** What the last settle check found still busy: printed when a wait runs long. */
let lastBusy: Record<string, number> = {};

/** No lag on any of the service's groups, nothing pending in the outbox, the job queue or the pipeline, three polls in a row. */
async function settled(services: readonly RelearnService[]): Promise<boolean> {
  const { config, bus, ports } = run;
  const inputTopics = INPUT_ROLES.map((role) => config.topics[role]);
  for (let check = 0; check < 3; check += 1) {
    const ingestLag = await bus.consumerLag(config.groups.ingest, inputTopics);
    const trainerLag = await bus.consumerLag(config.groups.trainer, [config.topics['training-requests']]);
    const busy = {
      ingestLag: ingestLag.reduce((sum, row) => sum + row.lag, 0),
      trainerLag: trainerLag.reduce((sum, row) => sum + row.lag, 0),
      pendingDecisions: (await ports.outbox.pending(1)).length,
      queuedJobs: (await ports.jobs.list({ status: 'queued', limit: 1 })).length,
      runningJobs: (await ports.jobs.list({ status: 'running', limit: 1 })).length,
      pipeline: services.reduce((sum, each) => sum + each.system.pendingWork + each.system.activeSteps + (each.system.relay.idle ? 0 : 1) + (each.system.trainer?.busy ?? 0), 0),
    };
    lastBusy = busy;
    if (Object.values(busy).some((count) => count > 0)) return false;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  return true;
}

async function decodeAll<T>(records: readonly IncomingRecord[]): Promise<T[]> {
  const values: T[] = [];
  for (const record of records) values.push({ ...((await run.ports.codec.decode(record.value ?? Buffer.alloc(0))) as T) });
  return values;
}

beforeAll(async () => {
  run = await realStackRun();
  const records = generateEvents(SIMULATION);
  summary = summarizeGeneration(records);
  const producer = new SimulatedProducer(run.bus, run.ports.codec, run.topics, topicDefinitions());
  await producer.registerSchemas();
  service = await run.startService(['ingest', 'trainer']);
  produceStarted = performance.now();
  for (let index = 0; index < records.length; index += 500) await producer.send(records.slice(index, index + 500));
  const inputTopics = INPUT_ROLES.map((role) => run.topics[role]);
  await waitFor(async () => (await run.bus.consumerLag(run.config.groups.ingest, inputTopics)).every((row) => row.lag === 0));
  ingestSettledAt = performance.now();
  await waitFor(() => settled([service]), { describe: () => JSON.stringify(lastBusy) });
}, 600_000);

afterAll(async () => {
  await run?.close();
});

describe('the whole loop on the real stack', () => {
  it('stores every distinct valid event once, however often it was sent', async () => {
    const stats = await run.ports.store.stats();
    expect(summary.resends).toBeGreaterThan(0);
    expect(stats.transactions).toBe(summary.distinctByRole.transactions);
    expect(stats.expenses).toBe(summary.distinctByRole.expenses);
    expect(stats.sheets).toBe(summary.distinctByRole['expense-sheets']);
    expect(stats.labels).toBe(summary.distinctByRole.labels);
    const events = Object.values(summary.distinctByRole).reduce((sum, count) => sum + count, 0);
    const records = Object.values(summary.byRole).reduce((sum, count) => sum + count, 0);
    figures.ingest = { records, distinctEvents: events, seconds: (ingestSettledAt - produceStarted) / 1000, recordsPerSecond: Math.round(records / ((ingestSettledAt - produceStarted) / 1000)) };
  });

  it('sends every invalid record to the DLQ with its origin and reason, and nothing else', async () => {
    const dlq = await readWholeTopic(run.bus, run.topics.dlq);
    const invalid = Object.values(summary.invalid).reduce((sum, count) => sum + count, 0);
    expect(invalid).toBeGreaterThan(0);
    expect(dlq).toHaveLength(invalid);
    const inputTopics = new Set(INPUT_ROLES.map((role) => run.topics[role]));
    for (const record of dlq) {
      expect(inputTopics.has(record.headers[DLQ_HEADERS.sourceTopic] ?? '')).toBe(true);
      expect(record.headers[DLQ_HEADERS.sourcePartition]).toMatch(/^\d+$/);
      expect(record.headers[DLQ_HEADERS.sourceOffset]).toMatch(/^\d+$/);
      expect(record.headers[DLQ_HEADERS.errorClass]).toMatch(/^[A-Z_]+$/);
      expect(record.headers[DLQ_HEADERS.errorMessage]?.length ?? 0).toBeGreaterThan(0);
    }
    const undecodable = dlq.filter((record) => record.headers[DLQ_HEADERS.errorClass] === 'DECODE_FAILED').length;
    expect(undecodable).toBe(summary.invalid['undecodable-bytes']);
  });

  it('publishes exactly one training request per recorded decision, with its reason', async () => {
    const decisions = await run.ports.outbox.list({ limit: 100_000 });
    const requests = await decodeAll<TrainingRequested>(await readWholeTopic(run.bus, run.topics['training-requests']));
    expect(decisions.length).toBeGreaterThan(0);
    expect(decisions.every((decision) => decision.publishedAt !== null)).toBe(true);
    const byId = new Map(requests.map((request) => [request.requestId, request]));
    expect(byId.size).toBe(requests.length);
    expect(requests).toHaveLength(decisions.length);
    for (const decision of decisions) {
      const request = byId.get(decision.decisionId);
      expect(request?.reason).toBe(decision.reason);
      expect(request?.scope).toBe(decision.scope);
      expect(request?.modelKind).toBe(decision.kind);
    }
    const kinds = new Set(decisions.map((decision) => decision.kind));
    expect([...kinds].sort()).toEqual(['anomaly', 'categorizer', 'forecaster']);
    expect(decisions.some((decision) => decision.reason === 'initial')).toBe(true);
    // Retrains after the first models: whether new data or the interval is named first depends on when each training ended.
    expect(decisions.some((decision) => decision.reason === 'new-data' || decision.reason === 'interval')).toBe(true);
  });

  it('publishes one model-updated event per stored version, versions increasing per scope and kind', async () => {
    const updates = await decodeAll<ModelUpdated>(await readWholeTopic(run.bus, run.topics['model-updates']));
    const versions = await run.ports.registry.list({ limit: 100_000 });
    expect(versions.length).toBeGreaterThan(0);
    expect(updates).toHaveLength(versions.length);
    const stored = new Set(versions.map((version) => `${version.scope}|${version.kind}|${version.version}`));
    const lastVersion = new Map<string, number>();
    for (const update of updates) {
      expect(stored.has(`${update.scope}|${update.modelKind}|${update.version}`)).toBe(true);
      const key = `${update.scope}|${update.modelKind}`;
      expect(update.version).toBeGreaterThan(lastVersion.get(key) ?? 0);
      lastVersion.set(key, update.version);
    }
    const jobs = await run.ports.jobs.list({ limit: 100_000 });
    expect(jobs.filter((job) => job.status === 'succeeded')).toHaveLength(versions.length);
    expect(new Set(updates.map((update) => update.modelKind))).toEqual(new Set(['categorizer', 'forecaster', 'anomaly']));
  });

  it('analyses every submitted sheet once', async () => {
    const analyses = await decodeAll<SheetAnalysed>(await readWholeTopic(run.bus, run.topics['sheet-analyses']));
    expect(analyses).toHaveLength(summary.distinctByRole['expense-sheets']);
    expect(new Set(analyses.map((analysis) => analysis.sheetId)).size).toBe(analyses.length);
    expect(analyses.some((analysis) => analysis.modelVersion !== null)).toBe(true);
  });

  it('turns a threshold-crossing event into a training request quickly (figures recorded, not asserted)', async () => {
    const users = 40;
    const threshold = run.config.policies.categorizer.minInitialRows;
    const DAY = 86_400_000;
    const transaction = (user: number, index: number): TransactionRecorded => ({
      eventId: `latency-${user}-${index}`,
      userId: `latency-user-${user}`,
      transactionId: `latency-${user}-${index}`,
      occurredAt: SIMULATION.start + index * DAY,
      amount: -(10 + (index % 7) * 3),
      currency: 'EUR',
      merchant: `merchant-${index % 5}`,
      description: `purchase ${index % 5}`,
      category: `category-${index % 3}`,
    });
    const topic = run.topics.transactions;
    // Everything up to one short of the threshold, then wait until the loop is quiet.
    for (let user = 0; user < users; user += 1) {
      const below = [];
      for (let index = 0; index < threshold - 1; index += 1) below.push({ key: `latency-user-${user}`, value: await run.ports.codec.encode(topic, transaction(user, index)) });
      await run.bus.send(topic, below);
    }
    await waitFor(() => settled([service]), { describe: () => JSON.stringify(lastBusy) });
    const before = new Set((await run.ports.outbox.list({ limit: 100_000 })).map((decision) => decision.decisionId));
    // Then the crossing events, one at a time, each stamped with its send time.
    const sentAt = new Map<string, number>();
    for (let user = 0; user < users; user += 1) {
      const crossing = { key: `latency-user-${user}`, value: await run.ports.codec.encode(topic, transaction(user, threshold - 1)) };
      sentAt.set(userScope(`latency-user-${user}`), Date.now());
      await run.bus.send(topic, [crossing]);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await waitFor(() => settled([service]), { describe: () => JSON.stringify(lastBusy) });
    const requests = (await readWholeTopic(run.bus, run.topics['training-requests'])).filter((record) => record.key !== null && sentAt.has(record.key));
    const fresh = [];
    for (const record of requests) {
      const request = { ...((await run.ports.codec.decode(record.value ?? Buffer.alloc(0))) as TrainingRequested) };
      if (!before.has(request.requestId) && request.modelKind === 'categorizer' && request.reason === 'initial') fresh.push({ request, record });
    }
    expect(fresh).toHaveLength(users);
    const delays = fresh.map(({ record, request }) => record.timestamp - (sentAt.get(request.scope) ?? Number.NaN)).sort((a, b) => a - b);
    expect(delays.every((delay) => Number.isFinite(delay) && delay >= 0)).toBe(true);
    const percentile = (p: number) => delays[Math.min(delays.length - 1, Math.ceil((p / 100) * delays.length) - 1)] ?? Number.NaN;
    figures.thresholdToRequestMs = { samples: delays.length, p50: percentile(50), p99: percentile(99), max: delays[delays.length - 1] ?? Number.NaN };
  });
});

const figures: Record<string, unknown> = {};

afterAll(() => {
  // Figures of this run for the closing note and CHANGELOG; timing is never asserted.
  const folder = new URL('./output/', import.meta.url);
  mkdirSync(folder, { recursive: true });
  writeFileSync(new URL('whole-loop-figures.json', folder), `${JSON.stringify({ at: new Date().toISOString(), simulation: SIMULATION, ...figures }, null, 2)}\n`);
  process.stderr.write(`whole-loop figures: ${JSON.stringify(figures)}\n`);
});
