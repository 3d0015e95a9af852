import { MemoryAvroCodec } from '../adapters/memory/memory-avro-codec.js';
import { MemoryCounterStore } from '../adapters/memory/memory-counter-store.js';
import { MemoryDecisionOutbox } from '../adapters/memory/memory-decision-outbox.js';
import { MemoryEventBus } from '../adapters/memory/memory-event-bus.js';
import { MemoryEventStore } from '../adapters/memory/memory-event-store.js';
import { MemoryJobQueue } from '../adapters/memory/memory-job-queue.js';
import { MemoryModelRegistry } from '../adapters/memory/memory-model-registry.js';
import type { TopicNames } from '../contract/topic-definitions.js';
import { topicDefinitions } from '../contract/topic-definitions.js';
import type { Clock } from '../ports/clock.js';
import type { ConsumerLagProbe } from '../ports/event-bus.js';
import type { RelearnPorts } from './relearn-system.js';

/**
 * The only place that knows every adapter. Embedded mode: everything in memory, one
 * process, the same encoding and the same guarantees as the real adapters.
 */
export interface EmbeddedPorts extends RelearnPorts {
  bus: MemoryEventBus;
}

export function embeddedPorts(clock: Clock, topics: TopicNames): EmbeddedPorts {
  const partitionsByName = new Map<string, number>();
  for (const [role, definition] of topicDefinitions()) partitionsByName.set(topics[role], definition.partitions);
  const bus = new MemoryEventBus((topic) => partitionsByName.get(topic) ?? 1, () => clock.now());
  return {
    bus,
    source: bus,
    sink: bus,
    codec: new MemoryAvroCodec(),
    store: new MemoryEventStore(),
    counters: new MemoryCounterStore(),
    outbox: new MemoryDecisionOutbox(),
    jobs: new MemoryJobQueue(),
    registry: new MemoryModelRegistry(),
    clock,
  };
}

/** Where the real stack is; the settings loader fills this from the environment or a file. */
export interface RealStackSettings {
  kafka: { brokers: readonly string[]; clientId: string; ssl: boolean; sasl: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string } | null };
  schemaRegistry: { url: string; username: string | null; password: string | null };
  mongodb: { uri: string; database: string };
}

export interface ProbeResult {
  ok: boolean;
  error?: string;
}

export interface RealPorts extends RelearnPorts {
  lag: ConsumerLagProbe;
  /** Reachability of Kafka and MongoDB right now (readiness). */
  probe(): Promise<{ kafka: ProbeResult; mongodb: ProbeResult }>;
  close(): Promise<void>;
}

function probeOutcome(check: Promise<unknown>): Promise<ProbeResult> {
  return check.then(
    () => ({ ok: true }),
    (error: unknown) => ({ ok: false, error: error instanceof Error ? error.message : String(error) }),
  );
}

/**
 * Real mode: Kafka through kafkajs, Avro through a Confluent-compatible registry, state in
 * MongoDB. Indexes are created here, at start-up, before any role touches a collection.
 */
export async function connectRealPorts(settings: RealStackSettings): Promise<RealPorts> {
  // Loaded on demand: the embedded mode never pays for kafkajs and the MongoDB driver.
  const [{ MongoClient }, { KafkaEventBus }, mongoAdapters, { RegistryAvroCodec }, { SystemClock }] = await Promise.all([
    import('mongodb'),
    import('../adapters/kafka/kafka-event-bus.js'),
    realMongoAdapters(),
    import('../adapters/registry/registry-avro-codec.js'),
    import('../adapters/system/system-clock.js'),
  ]);
  const { MongoCounterStore, MongoDecisionOutbox, MongoEventStore, ensureIndexes, MongoJobQueue, MongoModelRegistry } = mongoAdapters;
  const mongo = new MongoClient(settings.mongodb.uri, { appName: settings.kafka.clientId });
  await mongo.connect();
  const db = mongo.db(settings.mongodb.database);
  try {
    await ensureIndexes(db);
  } catch (error) {
    await mongo.close();
    throw error;
  }
  const bus = new KafkaEventBus({ brokers: [...settings.kafka.brokers], clientId: settings.kafka.clientId, ssl: settings.kafka.ssl, sasl: settings.kafka.sasl });
  try {
    await bus.connect();
  } catch (error) {
    await mongo.close();
    throw error;
  }
  return {
    source: bus,
    sink: bus,
    lag: bus,
    codec: new RegistryAvroCodec({
      url: settings.schemaRegistry.url,
      ...(settings.schemaRegistry.username === null ? {} : { username: settings.schemaRegistry.username }),
      ...(settings.schemaRegistry.password === null ? {} : { password: settings.schemaRegistry.password }),
    }),
    store: new MongoEventStore(db),
    counters: new MongoCounterStore(db),
    outbox: new MongoDecisionOutbox(db),
    jobs: new MongoJobQueue(db),
    registry: new MongoModelRegistry(db),
    clock: new SystemClock(),
    probe: async () => {
      const [kafka, mongodb] = await Promise.all([probeOutcome(bus.ping()), probeOutcome(db.command({ ping: 1 }))]);
      return { kafka, mongodb };
    },
    close: async () => {
      await bus.close();
      await mongo.close();
    },
  };
}

async function realMongoAdapters() {
  const [counters, outbox, events, indexes, jobs, registry] = await Promise.all([
    import('../adapters/mongo/mongo-counter-store.js'),
    import('../adapters/mongo/mongo-decision-outbox.js'),
    import('../adapters/mongo/mongo-event-store.js'),
    import('../adapters/mongo/mongo-indexes.js'),
    import('../adapters/mongo/mongo-job-queue.js'),
    import('../adapters/mongo/mongo-model-registry.js'),
  ]);
  return { ...counters, ...outbox, ...events, ...indexes, ...jobs, ...registry };
}
