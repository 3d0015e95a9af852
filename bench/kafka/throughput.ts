// Kafka adapter throughput: `npx tsx bench/kafka/throughput.ts [--count 50000] [--batch 1000] [--partitions 6]`.
//
// Needs the real stack (`eval "$(bash scripts/stack.sh env)"`): KAFKA_BROKERS and
// SCHEMA_REGISTRY_URL. Encodes `count` TransactionRecorded values (padded to about 200
// bytes) through the registry codec before any clock starts, then measures
//   produce: KafkaEventBus.send in batches of `batch` records, one batch in flight at a
//            time (each send resolves once acknowledged by acks=all, idempotent producer);
//   consume: KafkaEventBus.subscribe with a no-op handler (one group member, batches
//            committed one by one), from the first record delivered to the last, and also
//            from the subscribe call (the group join included).
// The topic and subject are unique to the run and deleted at the end.
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';

import { applyTopics } from '../../src/adapters/kafka/apply-topics.js';
import { KafkaEventBus } from '../../src/adapters/kafka/kafka-event-bus.js';
import { RegistryAvroCodec } from '../../src/adapters/registry/registry-avro-codec.js';
import { topicDefinitions } from '../../src/contract/topic-definitions.js';
import type { OutgoingRecord } from '../../src/ports/event-bus.js';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '50000' },
    batch: { type: 'string', default: '1000' },
    partitions: { type: 'string', default: '6' },
  },
});
const count = Number(values.count);
const batchSize = Number(values.batch);
const partitions = Number(values.partitions);

const brokers = (process.env.KAFKA_BROKERS ?? '').split(',').filter((broker) => broker.trim().length > 0);
const registryUrl = process.env.SCHEMA_REGISTRY_URL;
if (brokers.length === 0 || !registryUrl) {
  console.error('KAFKA_BROKERS and SCHEMA_REGISTRY_URL are not set: run `eval "$(bash scripts/stack.sh env)"` first.');
  process.exit(2);
}

const schema = topicDefinitions().get('transactions')?.valueSchema;
if (!schema) throw new Error('topics/ has no transactions schema');

const runId = randomUUID().slice(0, 8);
const topic = `bench-kafka-${runId}`;
const bus = new KafkaEventBus({ brokers, clientId: `relearn-bench-${runId}` });
const codec = new RegistryAvroCodec({ url: registryUrl });

function transaction(index: number): Record<string, unknown> {
  return {
    eventId: `evt-${runId}-${index}`,
    userId: `user-${index % 500}`,
    transactionId: `tx-${index}`,
    occurredAt: 1_700_000_000_000 + index * 1_000,
    amount: -((index % 9_000) / 100 + 1),
    currency: 'EUR',
    merchant: `Merchant number ${index % 300}`,
    description: `Card payment ${index} at the merchant, reference ${(index * 7919) % 1_000_003}, some padding text to bring the record to about 200 bytes`,
    category: index % 3 === 0 ? null : 'groceries',
  };
}

function rate(records: number, ms: number): string {
  return `${Math.round((records / ms) * 1_000).toLocaleString('en-US')} msg/s`;
}

async function main(): Promise<void> {
  await applyTopics(bus, [{ name: topic, partitions, retentionMs: 3_600_000, cleanupPolicy: 'delete' }], { replicationFactor: 1 });
  try {
    await codec.register(topic, schema as object);
    const records: OutgoingRecord[] = [];
    for (let index = 0; index < count; index += 1) {
      const value = transaction(index);
      records.push({ key: value.userId as string, value: await codec.encode(topic, value) });
    }
    const bytes = records.reduce((sum, record) => sum + record.value.length, 0);
    await bus.connect();

    const produceStart = performance.now();
    for (let start = 0; start < records.length; start += batchSize) {
      await bus.send(topic, records.slice(start, start + batchSize));
    }
    const produceMs = performance.now() - produceStart;

    let received = 0;
    let firstAt = 0;
    let lastAt = 0;
    let done: () => void = () => undefined;
    const finished = new Promise<void>((resolve) => {
      done = resolve;
    });
    const subscribeStart = performance.now();
    const subscription = await bus.subscribe({ groupId: `bench-${runId}`, topics: [topic], fromBeginning: true }, (batch) => {
      if (received === 0) firstAt = performance.now();
      received += batch.records.length;
      if (received >= count) {
        lastAt = performance.now();
        done();
      }
      return Promise.resolve();
    });
    await finished;
    await subscription.stop();

    console.log(`records: ${count.toLocaleString('en-US')} × ${Math.round(bytes / count)} B (Avro, Confluent-framed), ${partitions} partitions, batches of ${batchSize}`);
    console.log(`produce (send, acks=all, idempotent): ${rate(count, produceMs)}  (${(produceMs / 1_000).toFixed(2)} s)`);
    console.log(`consume (subscribe, no-op handler, commit per batch): ${rate(count, lastAt - firstAt)} from the first record  (${((lastAt - firstAt) / 1_000).toFixed(2)} s)`);
    console.log(`consume including the group join: ${rate(count, lastAt - subscribeStart)}  (${((lastAt - subscribeStart) / 1_000).toFixed(2)} s)`);
  } finally {
    await bus.deleteTopics([topic]);
    await fetch(`${registryUrl}/subjects/${encodeURIComponent(`${topic}-value`)}`, { method: 'DELETE' }).catch(() => undefined);
    await fetch(`${registryUrl}/subjects/${encodeURIComponent(`${topic}-value`)}?permanent=true`, { method: 'DELETE' }).catch(() => undefined);
    await bus.close();
  }
}

await main();
