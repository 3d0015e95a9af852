import { describe, expect, it } from 'vitest';

import { ManualClock } from '../../../src/adapters/memory/manual-clock.js';
import { ChampionCache } from '../../../src/app/champion-cache.js';
import { embeddedPorts } from '../../../src/app/composition-root.js';
import { Decider } from '../../../src/app/decider.js';
import { IngestRole } from '../../../src/app/ingest-role.js';
import { defaultConfig } from '../../../src/config/relearn-config.js';
import { SimulatedProducer } from '../../../src/app/simulated-producer.js';
import { topicDefinitions } from '../../../src/contract/topic-definitions.js';
import { RelearnError } from '../../../src/domain/errors.js';
import type { CounterStore } from '../../../src/ports/counter-store.js';
import type { IncomingRecord } from '../../../src/ports/event-bus.js';
import { transaction } from '../../contract/contract-fixtures.js';

const config = defaultConfig();

/** Counts the counter store's batch updates, so a test can see how many round trips a batch cost. */
function countingCounters(inner: CounterStore): { store: CounterStore; updates: () => number } {
  let updates = 0;
  const store: CounterStore = Object.create(inner) as CounterStore;
  store.update = (...args) => {
    updates += 1;
    return inner.update(...args);
  };
  return { store, updates: () => updates };
}

async function setUp(count = 30) {
  const clock = new ManualClock(1_000_000);
  const ports = embeddedPorts(clock, config.topics);
  const producer = new SimulatedProducer(ports.sink, ports.codec, config.topics, topicDefinitions());
  await producer.registerSchemas();
  const counters = countingCounters(ports.counters);
  const decider = new Decider({ counters: counters.store, outbox: ports.outbox, registry: ports.registry, clock, config, onRecorded: () => undefined });
  const warnings: string[] = [];
  const role = new IngestRole({
    ...ports,
    counters: counters.store,
    champions: new ChampionCache(ports.registry),
    decider,
    topics: config.topics,
    policies: config.policies,
    groupId: 'ingest-test',
    now: () => clock.now(),
    onSheetsStored: () => undefined,
    forecastLookbackMs: 20 * 7 * 86_400_000,
    maxApplyAttempts: 3,
    warn: (_fields, message) => warnings.push(message),
  });
  const records: IncomingRecord[] = [];
  for (let index = 0; index < count; index += 1) {
    const userId = `u${index % 3}`;
    const event = transaction({ eventId: `e${index}`, userId, transactionId: `t${index}`, occurredAt: index * 1000, category: 'groceries', amount: -10 });
    records.push(await recordOf(ports, index, userId, event));
  }
  return { ports, role, counters, records, warnings };
}

async function recordOf(ports: ReturnType<typeof embeddedPorts>, offset: number, key: string, event: object): Promise<IncomingRecord> {
  return { topic: config.topics.transactions, partition: 0, offset: String(offset), key, value: await ports.codec.encode(config.topics.transactions, event), headers: {}, timestamp: 0 };
}

const batchOf = (records: IncomingRecord[]) => ({ topic: config.topics.transactions, partition: 0, records });

describe('IngestRole, a batch at a time', () => {
  it('counts a whole batch with one counter update, and a redelivery of it adds nothing', async () => {
    const { ports, role, counters, records } = await setUp();
    await role.handleBatch(batchOf(records));
    // One update counts and decides for every (scope, kind) of the batch.
    expect(counters.updates()).toBe(1);
    for (const userId of ['u0', 'u1', 'u2']) {
      expect((await ports.counters.get(`user:${userId}`, 'categorizer'))?.total).toBe(10);
      expect((await ports.counters.get(`user:${userId}`, 'forecaster'))?.total).toBe(10);
    }
    await role.handleBatch(batchOf(records));
    expect(counters.updates()).toBe(2);
    expect((await ports.counters.get('user:u0', 'categorizer'))?.total).toBe(10);
    expect(role.stats).toMatchObject({ ingested: 60, redelivered: 30, duplicates: 0 });
  });

  it('counts toward the forecaster only the spending its trainer learns from: all-income users are never decided a forecaster', async () => {
    const { ports, role } = await setUp(0);
    const records: IncomingRecord[] = [];
    for (let index = 0; index < 200; index += 1) {
      const amount = index % 2 === 0 ? 25 : -25;
      // u-income is paid 200 times and never spends; u-mixed spends every second time.
      records.push(await recordOf(ports, index, 'u-income', transaction({ eventId: `i${index}`, userId: 'u-income', transactionId: `i${index}`, occurredAt: index * 86_400_000, amount: 25 })));
      records.push(await recordOf(ports, 200 + index, 'u-mixed', transaction({ eventId: `m${index}`, userId: 'u-mixed', transactionId: `m${index}`, occurredAt: index * 86_400_000, amount })));
    }
    await role.handleBatch(batchOf(records));
    expect((await ports.counters.get('user:u-income', 'forecaster'))?.total ?? 0).toBe(0);
    expect((await ports.counters.get('user:u-mixed', 'forecaster'))?.total).toBe(100);
    const forecasters = (await ports.outbox.list()).filter((decision) => decision.kind === 'forecaster');
    expect(forecasters.map((decision) => decision.scope)).toEqual(['user:u-mixed']);
  });

  it('records the decision of a threshold crossing in the outbox before the batch resolves, once', async () => {
    const { ports, role, records } = await setUp(150);
    await role.handleBatch(batchOf(records));
    const decisions = await ports.outbox.list();
    // 50 labeled transactions per user: each user's categorizer crosses the first-model threshold once.
    expect(decisions.filter((decision) => decision.kind === 'categorizer').map((decision) => decision.scope).sort()).toEqual(['user:u0', 'user:u1', 'user:u2']);
    expect((await ports.counters.get('user:u0', 'categorizer'))?.openDecision?.reason).toBe('initial');
    await role.handleBatch(batchOf(records));
    expect(await ports.outbox.list()).toHaveLength(decisions.length);
  });

  it('sends a bad record to the DLQ once however often its batch is retried', async () => {
    const { ports, role, records } = await setUp(3);
    const bad = { ...(records[1] as IncomingRecord), value: Buffer.from([9, 9, 9]) };
    const batch = batchOf([records[0] as IncomingRecord, bad, records[2] as IncomingRecord]);
    await role.handleBatch(batch);
    await role.handleBatch(batch);
    expect(ports.bus.read(config.topics.dlq)).toHaveLength(1);
    expect(role.stats.ingested).toBe(4);
  });

  it('fails the batch instead of dead-lettering when decoding fails for a retriable reason (registry unreachable)', async () => {
    const { ports, role, records } = await setUp();
    ports.codec.decode = () => Promise.reject(new RelearnError('UNAVAILABLE', 'registry unreachable', { retriable: true }));
    await expect(role.handleBatch(batchOf(records))).rejects.toThrow(/registry unreachable/);
    expect(ports.bus.read(config.topics.dlq)).toHaveLength(0);
  });

  it('retries a batch whose apply keeps failing a bounded number of times, then dead-letters only the record that fails', async () => {
    const { ports, role, records, warnings } = await setUp(3);
    const appendBatch = ports.store.appendBatch.bind(ports.store);
    ports.store.appendBatch = (events) => (events.some(({ input }) => input.event.eventId === 'e1') ? Promise.reject(new Error('cannot apply e1')) : appendBatch(events));
    const batch = batchOf(records);
    await expect(role.handleBatch(batch)).rejects.toThrow(/cannot apply e1/);
    await expect(role.handleBatch(batch)).rejects.toThrow(/cannot apply e1/);
    await role.handleBatch(batch);
    const dead = ports.bus.read(config.topics.dlq);
    expect(dead.map((record) => record.headers['relearn.source.offset'])).toEqual(['1']);
    expect(await ports.store.stats()).toMatchObject({ transactions: 2 });
    expect(warnings).toHaveLength(1);
  });

  it('stops the partition, loudly, when the DLQ cannot be written', async () => {
    const { ports, role, records } = await setUp(1);
    ports.sink.send = () => Promise.reject(new Error('topic missing'));
    const bad = { ...(records[0] as IncomingRecord), value: Buffer.from([1]) };
    await expect(role.handleBatch(batchOf([bad]))).rejects.toMatchObject({ code: 'UNAVAILABLE', retriable: true });
    await expect(role.handleBatch(batchOf([bad]))).rejects.toMatchObject({ code: 'UNAVAILABLE', retriable: true });
    // Counted per input topic for relearn_dead_letter_failures_total; nothing was stored or dead-lettered.
    expect(role.stats.deadLetterFailures).toEqual({ [config.topics.transactions]: 2 });
    expect(role.stats.deadLettered).toEqual({});
  });
});
