import { describe, expect, it } from 'vitest';

import { ManualClock } from '../../../src/adapters/memory/manual-clock.js';
import { ChampionCache } from '../../../src/app/champion-cache.js';
import { embeddedPorts } from '../../../src/app/composition-root.js';
import { IngestRole } from '../../../src/app/ingest-role.js';
import { defaultConfig } from '../../../src/config/relearn-config.js';
import { SimulatedProducer } from '../../../src/app/simulated-producer.js';
import { topicDefinitions } from '../../../src/contract/topic-definitions.js';
import type { CounterDelta } from '../../../src/domain/counters.js';
import { RelearnError } from '../../../src/domain/errors.js';
import type { ModelKind } from '../../../src/domain/model-kind.js';
import type { Scope } from '../../../src/domain/scope.js';
import type { CounterGuard, CounterStore } from '../../../src/ports/counter-store.js';
import type { IncomingRecord } from '../../../src/ports/event-bus.js';
import { transaction } from '../../contract/contract-fixtures.js';

const config = defaultConfig();

/** Counts how many counter updates are in flight at once and the order each scope saw its offsets in. */
function observedCounters(inner: CounterStore): { store: CounterStore; maxInFlight: () => number; offsetsByScope: Map<string, number[]> } {
  let inFlight = 0;
  let max = 0;
  const offsetsByScope = new Map<string, number[]>();
  const store: CounterStore = Object.create(inner) as CounterStore;
  store.apply = async (scope: Scope, kind: ModelKind, delta: CounterDelta, guard: CounterGuard) => {
    inFlight += 1;
    max = Math.max(max, inFlight);
    offsetsByScope.set(`${scope}|${kind}`, [...(offsetsByScope.get(`${scope}|${kind}`) ?? []), guard.offset]);
    await new Promise((resolve) => setTimeout(resolve, 2));
    try {
      return await inner.apply(scope, kind, delta, guard);
    } finally {
      inFlight -= 1;
    }
  };
  return { store, maxInFlight: () => max, offsetsByScope };
}

async function setUp(laneConcurrency: number) {
  const ports = embeddedPorts(new ManualClock(0), config.topics);
  const producer = new SimulatedProducer(ports.sink, ports.codec, config.topics, topicDefinitions());
  await producer.registerSchemas();
  const counters = observedCounters(ports.counters);
  const role = new IngestRole({
    ...ports,
    counters: counters.store,
    champions: new ChampionCache(ports.registry),
    topics: config.topics,
    policies: config.policies,
    groupId: 'ingest-test',
    emit: () => undefined,
    laneConcurrency,
  });
  const records: IncomingRecord[] = [];
  for (let index = 0; index < 30; index += 1) {
    const userId = `u${index % 3}`;
    const event = transaction({ eventId: `e${index}`, userId, transactionId: `t${index}`, occurredAt: index * 1000, category: 'groceries' });
    records.push({ topic: config.topics.transactions, partition: 0, offset: String(index), key: userId, value: await ports.codec.encode(config.topics.transactions, event), headers: {}, timestamp: 0 });
  }
  return { ports, role, counters, records };
}

describe('IngestRole lanes', () => {
  it('applies different scopes side by side and each scope in offset order', async () => {
    const { ports, role, counters, records } = await setUp(4);
    await role.handleBatch({ topic: config.topics.transactions, partition: 0, records });
    expect(counters.maxInFlight()).toBeGreaterThan(1);
    for (const [key, offsets] of counters.offsetsByScope) expect(offsets, key).toEqual([...offsets].sort((a, b) => a - b));
    for (const userId of ['u0', 'u1', 'u2']) expect((await ports.counters.get(`user:${userId}`, 'categorizer'))?.total).toBe(10);
    expect(role.stats.ingested).toBe(30);
  });

  it('applies one record at a time with one lane', async () => {
    const { role, counters, records } = await setUp(1);
    await role.handleBatch({ topic: config.topics.transactions, partition: 0, records });
    expect(counters.maxInFlight()).toBe(1);
  });

  it('fails the batch instead of dead-lettering when decoding fails for a retriable reason (registry unreachable)', async () => {
    const { ports, role, records } = await setUp(4);
    ports.codec.decode = () => Promise.reject(new RelearnError('UNAVAILABLE', 'registry unreachable', { retriable: true }));
    await expect(role.handleBatch({ topic: config.topics.transactions, partition: 0, records })).rejects.toThrow(/registry unreachable/);
    expect(ports.bus.read(config.topics.dlq)).toHaveLength(0);
  });
});
