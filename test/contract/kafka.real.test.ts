// The event bus contract and the Kafka adapter's own guarantees, on the real test stack's
// broker. Every test uses its own topics and groups; the topics are deleted when the file
// ends. Without a stack, stackEnv() throws and the tests fail.
import { randomUUID } from 'node:crypto';

import kafkajs from 'kafkajs';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';

import { applyTopics } from '../../src/adapters/kafka/apply-topics.js';
import type { KafkaBusEvent } from '../../src/adapters/kafka/kafka-bus-events.js';
import { KafkaEventBus, type KafkaEventBusOptions } from '../../src/adapters/kafka/kafka-event-bus.js';
import type { TopicToApply } from '../../src/adapters/kafka/plan-topic-changes.js';
import type { IncomingBatch, IncomingRecord } from '../../src/ports/event-bus.js';
import { stackEnv } from '../integration/stack-env.js';
import { describeEventBusContract, type EventBus } from './event-bus.contract.js';

const { ConfigResourceTypes } = kafkajs;
const HOUR_MS = 3_600_000;
const createdTopics = new Set<string>();
const buses: KafkaEventBus[] = [];

function newBus(options: Partial<KafkaEventBusOptions> = {}): KafkaEventBus {
  const bus = new KafkaEventBus({
    brokers: stackEnv().kafkaBrokers,
    clientId: `relearn-kafka-real-${process.pid}`,
    ...options,
  });
  buses.push(bus);
  return bus;
}

let sharedBus: KafkaEventBus | undefined;

function adminBus(): KafkaEventBus {
  sharedBus ??= newBus();
  return sharedBus;
}

function uniqueName(prefix: string): string {
  return `kafka-real-${prefix}-${randomUUID().slice(0, 8)}`;
}

async function createTopic(name: string, partitions: number): Promise<string> {
  createdTopics.add(name);
  await applyTopics(adminBus(), [{ name, partitions, retentionMs: HOUR_MS, cleanupPolicy: 'delete' }], { replicationFactor: 1 });
  return name;
}

afterAll(async () => {
  await adminBus().deleteTopics([...createdTopics]);
  for (const bus of buses) await bus.close();
});

/**
 * Auto-creation is off on the broker, as in production, where `relearn topics apply` makes
 * the topics: the contract's topics are created with 3 partitions on first use.
 */
function topicCreatingBus(bus: KafkaEventBus): EventBus {
  const ready = new Map<string, Promise<string>>();
  const ensure = (topics: readonly string[]) =>
    Promise.all(
      topics.map((topic) => {
        let creating = ready.get(topic);
        if (creating === undefined) {
          creating = createTopic(topic, 3);
          ready.set(topic, creating);
        }
        return creating;
      }),
    );
  return {
    send: async (topic, records) => {
      await ensure([topic]);
      await bus.send(topic, records);
    },
    subscribe: async (options, handler) => {
      await ensure(options.topics);
      return bus.subscribe(options, handler);
    },
    markFor: async (topic, key) => {
      await ensure([topic]);
      return bus.markFor(topic, key);
    },
    published: (topic, records) => bus.published(topic, records),
  };
}

describeEventBusContract('kafka', () => Promise.resolve(topicCreatingBus(adminBus())));

/** A promise with its resolver, for waiting on what handlers and events report. */
function signal<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((settle) => {
    resolve = settle;
  });
  return { promise, resolve };
}

function keyed(count: number, from = 0): { key: string; value: Buffer }[] {
  return Array.from({ length: count }, (_, index) => ({ key: `key-${(from + index) % 13}`, value: Buffer.from(String(from + index)) }));
}

async function highWatermarks(topic: string): Promise<Map<number, number>> {
  const offsets = await (await adminBus().admin()).fetchTopicOffsets(topic);
  return new Map(offsets.map((row) => [row.partition, Number(row.high)]));
}

describe('KafkaEventBus on a real broker', () => {
  it('reports the records past the committed offset as lag, and the whole log for a group that never committed', async () => {
    const bus = adminBus();
    const topic = await createTopic(uniqueName('lag'), 2);
    const groupId = uniqueName('group');
    await bus.send(topic, keyed(5).map((record) => ({ ...record, key: 'one-key' })));
    const consumed = signal();
    let received = 0;
    const subscription = await bus.subscribe({ groupId, topics: [topic], fromBeginning: true }, (batch) => {
      received += batch.records.length;
      if (received >= 5) consumed.resolve();
      return Promise.resolve();
    });
    await consumed.promise;
    await subscription.stop();
    await bus.send(topic, keyed(3).map((record) => ({ ...record, key: 'one-key' })));

    const lag = await bus.consumerLag(groupId, [topic]);
    expect(lag.map((row) => row.partition)).toEqual([0, 1]);
    expect(lag.every((row) => row.topic === topic)).toBe(true);
    expect(lag.reduce((sum, row) => sum + row.lag, 0)).toBe(3);
    expect((await bus.consumerLag(uniqueName('never-joined'), [topic])).reduce((sum, row) => sum + row.lag, 0)).toBe(8);
  });

  it('carries keys, headers, values and decimal offsets as the port describes them', async () => {
    const bus = adminBus();
    const topic = await createTopic(uniqueName('shape'), 1);
    await bus.send(topic, [
      { key: 'user-1', value: Buffer.from([0, 1, 2, 255]), headers: { 'source-topic': 'transactions.v1', partition: '3' } },
      { key: null, value: Buffer.from('no key') },
    ]);
    const got = signal<IncomingRecord[]>();
    const rows: IncomingRecord[] = [];
    const subscription = await bus.subscribe({ groupId: uniqueName('group'), topics: [topic], fromBeginning: true }, (batch) => {
      rows.push(...batch.records);
      if (rows.length >= 2) got.resolve(rows);
      return Promise.resolve();
    });
    const [first, second] = await got.promise;
    await subscription.stop();
    expect(first).toMatchObject({ topic, partition: 0, offset: '0', key: 'user-1', headers: { 'source-topic': 'transactions.v1', partition: '3' } });
    expect(first?.value?.equals(Buffer.from([0, 1, 2, 255]))).toBe(true);
    expect(typeof first?.timestamp).toBe('number');
    expect(first?.timestamp).toBeGreaterThan(0);
    expect(second).toMatchObject({ offset: '1', key: null, headers: {} });
  });

  it('retries a failing partition from its first uncommitted offset while the other partition keeps flowing', async () => {
    const events: KafkaBusEvent[] = [];
    const bus = newBus({ onEvent: (event) => events.push(event), handlerRetry: { initialMs: 50, maxMs: 400 } });
    const topic = await createTopic(uniqueName('retry'), 2);
    await bus.send(topic, keyed(40));
    const expected = await highWatermarks(topic);
    expect([...expected.values()].every((count) => count > 0)).toBe(true);

    const delivered = new Map<number, IncomingRecord[]>([
      [0, []],
      [1, []],
    ]);
    const failedBatches: IncomingBatch[] = [];
    const failedAt: number[] = [];
    let failing: number | undefined;
    const everything = signal();
    const groupId = uniqueName('group');
    const subscription = await bus.subscribe({ groupId, topics: [topic], fromBeginning: true }, (batch) => {
      failing ??= batch.partition;
      const other = failing === 0 ? 1 : 0;
      // The first partition seen fails three times at least, and until the other one has
      // delivered all its records: if a failing partition blocked the subscription, this
      // test could never finish.
      if (batch.partition === failing && (failedBatches.length < 3 || (delivered.get(other)?.length ?? 0) < (expected.get(other) ?? 0))) {
        failedBatches.push(batch);
        failedAt.push(performance.now());
        return Promise.reject(new Error(`partition ${batch.partition} is failing on purpose`));
      }
      delivered.get(batch.partition)?.push(...batch.records);
      if ([...delivered].every(([partition, rows]) => rows.length >= (expected.get(partition) ?? 0))) everything.resolve();
      return Promise.resolve();
    });
    await everything.promise;
    await subscription.stop();

    expect(failedBatches.length).toBeGreaterThanOrEqual(3);
    const firstFailedOffset = failedBatches[0]?.records[0]?.offset;
    // Every retry, and then the successful delivery, starts where the failed batch started.
    expect(failedBatches.every((batch) => batch.records[0]?.offset === firstFailedOffset)).toBe(true);
    expect(delivered.get(failing ?? -1)?.[0]?.offset).toBe(firstFailedOffset);
    for (const [partition, rows] of delivered) {
      expect(rows.map((row) => Number(row.offset))).toEqual(Array.from({ length: expected.get(partition) ?? 0 }, (_, index) => index));
    }
    const failures = events.filter((event) => event.type === 'handler-failed');
    expect(failures.map((event) => event.attempt)).toEqual(failures.map((_, index) => index + 1));
    // Doubling from 50 ms, capped at 400 ms: a back-off, never a hot loop.
    expect(failures.map((event) => event.retryInMs).slice(0, 3)).toEqual([50, 100, 200]);
    expect(failures.every((event) => event.retryInMs <= 400 && event.topic === topic && event.partition === failing)).toBe(true);
    // The partition really rested: a redelivery never came before its back-off was over
    // (a lower bound only, which load cannot break; 2 ms for timer rounding).
    failedAt.slice(1).forEach((at, index) => expect(at - (failedAt[index] ?? 0)).toBeGreaterThanOrEqual((failures[index]?.retryInMs ?? 0) - 2));
    expect((await bus.consumerLag(groupId, [topic])).every((row) => row.lag === 0)).toBe(true);
  });

  it('splits a topic between two members of one group, and the survivor takes over from the leaver’s commits', async () => {
    const topic = await createTopic(uniqueName('members'), 2);
    const groupId = uniqueName('group');
    const assignments = new Map<string, readonly number[]>();
    const settled = signal();
    const onEvent = (member: string) => (event: KafkaBusEvent) => {
      if (event.type !== 'group-joined') return;
      assignments.set(member, event.assignment[topic] ?? []);
      const [a, b] = [assignments.get('a') ?? [], assignments.get('b') ?? []];
      if (a.length === 1 && b.length === 1 && a[0] !== b[0]) settled.resolve();
    };
    // Two buses: two processes of the same role.
    const memberA = newBus({ onEvent: onEvent('a') });
    const memberB = newBus({ onEvent: onEvent('b') });
    const received = { a: [] as IncomingRecord[], b: [] as IncomingRecord[] };
    let total = 0;
    let target = 0;
    let reached = signal();
    const handlerOf = (member: 'a' | 'b') => (batch: IncomingBatch) => {
      received[member].push(...batch.records);
      total += batch.records.length;
      if (total >= target) reached.resolve();
      return Promise.resolve();
    };
    const subscriptionA = await memberA.subscribe({ groupId, topics: [topic], fromBeginning: true }, handlerOf('a'));
    const subscriptionB = await memberB.subscribe({ groupId, topics: [topic], fromBeginning: true }, handlerOf('b'));
    onTestFinished(() => subscriptionA.stop());
    await settled.promise;

    target = 60;
    await adminBus().send(topic, keyed(60));
    await reached.promise;
    const partitionA = assignments.get('a')?.[0];
    const partitionB = assignments.get('b')?.[0];
    expect(received.a.length).toBeGreaterThan(0);
    expect(received.b.length).toBeGreaterThan(0);
    expect(received.a.every((row) => row.partition === partitionA)).toBe(true);
    expect(received.b.every((row) => row.partition === partitionB)).toBe(true);

    await subscriptionB.stop();
    target = 120;
    reached = signal();
    await adminBus().send(topic, keyed(60, 60));
    await reached.promise;
    const values = [...received.a, ...received.b].map((row) => Number(row.value?.toString()));
    expect(values).toHaveLength(120);
    expect(new Set(values).size).toBe(120);
    expect(received.a.some((row) => row.partition === partitionB)).toBe(true);
  });

  it('finishes and commits the batch in hand when stopped', async () => {
    const bus = adminBus();
    const topic = await createTopic(uniqueName('stop'), 1);
    const groupId = uniqueName('group');
    await bus.send(topic, keyed(10));
    const inHandler = signal();
    const release = signal();
    let handled = 0;
    const subscription = await bus.subscribe({ groupId, topics: [topic], fromBeginning: true }, async (batch) => {
      inHandler.resolve();
      await release.promise;
      handled += batch.records.length;
    });
    await inHandler.promise;
    const stopped = subscription.stop();
    release.resolve();
    await stopped;
    expect(handled).toBeGreaterThan(0);
    const lag = (await bus.consumerLag(groupId, [topic])).reduce((sum, row) => sum + row.lag, 0);
    expect(lag).toBe(10 - handled);
  });
});

describe('applyTopics on a real broker', () => {
  async function observed(topic: string): Promise<{ partitions: number; configs: Map<string, string> }> {
    const admin = await adminBus().admin();
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    const described = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }] });
    return {
      partitions: metadata.topics[0]?.partitions.length ?? 0,
      configs: new Map((described.resources[0]?.configEntries ?? []).map((entry) => [entry.configName, entry.configValue])),
    };
  }

  it('creates, reports unchanged, raises partitions, alters retention and policy, and refuses fewer partitions', async () => {
    const name = uniqueName('apply');
    createdTopics.add(name);
    const other = uniqueName('apply-other');
    createdTopics.add(other);
    const base: TopicToApply = { name, partitions: 2, retentionMs: 2 * HOUR_MS, cleanupPolicy: 'delete' };
    const options = { replicationFactor: 1 };

    const created = await applyTopics(adminBus(), [base, { ...base, name: other }], options);
    expect(created).toEqual([
      { topic: name, action: 'created', before: null, after: { partitions: 2, retentionMs: 2 * HOUR_MS, cleanupPolicy: 'delete' } },
      { topic: other, action: 'created', before: null, after: { partitions: 2, retentionMs: 2 * HOUR_MS, cleanupPolicy: 'delete' } },
    ]);
    expect(await observed(name)).toMatchObject({ partitions: 2 });
    expect((await observed(name)).configs.get('retention.ms')).toBe(String(2 * HOUR_MS));

    const again = await applyTopics(adminBus(), [base], options);
    expect(again).toEqual([{ topic: name, action: 'unchanged', before: { partitions: 2, retentionMs: 2 * HOUR_MS, cleanupPolicy: 'delete' }, after: { partitions: 2, retentionMs: 2 * HOUR_MS, cleanupPolicy: 'delete' } }]);

    // An override an operator set by hand must survive relearn's own changes.
    const admin = await adminBus().admin();
    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name,
          configEntries: [
            { name: 'retention.ms', value: String(2 * HOUR_MS) },
            { name: 'cleanup.policy', value: 'delete' },
            { name: 'max.message.bytes', value: '2000000' },
          ],
        },
      ],
    });

    const changed = await applyTopics(adminBus(), [{ ...base, partitions: 4, retentionMs: 5 * HOUR_MS, cleanupPolicy: 'compact,delete' }], options);
    expect(changed).toEqual([
      { topic: name, action: 'partitions-increased', before: { partitions: 2 }, after: { partitions: 4 } },
      { topic: name, action: 'config-altered', before: { retentionMs: 2 * HOUR_MS, cleanupPolicy: 'delete' }, after: { retentionMs: 5 * HOUR_MS, cleanupPolicy: 'compact,delete' } },
    ]);
    const afterChange = await observed(name);
    expect(afterChange.partitions).toBe(4);
    expect(afterChange.configs.get('retention.ms')).toBe(String(5 * HOUR_MS));
    expect(afterChange.configs.get('cleanup.policy')?.split(',').sort()).toEqual(['compact', 'delete']);
    expect(afterChange.configs.get('max.message.bytes')).toBe('2000000');

    const shrink = await applyTopics(adminBus(), [{ ...base, partitions: 3, retentionMs: 5 * HOUR_MS, cleanupPolicy: 'delete,compact' }], options);
    expect(shrink).toHaveLength(1);
    expect(shrink[0]).toMatchObject({ topic: name, action: 'refused', before: { partitions: 4 }, after: { partitions: 3 } });
    expect(shrink[0]?.reason).toMatch(/partitions/);
    expect((await observed(name)).partitions).toBe(4);
  });
});
