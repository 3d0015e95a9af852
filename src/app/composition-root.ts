import type { Logger } from 'pino';

import type { TopicChange } from '../adapters/kafka/plan-topic-changes.js';
import type { KafkaEventBus as KafkaEventBusType, KafkaEventBusOptions } from '../adapters/kafka/kafka-event-bus.js';
import { MemoryAvroCodec } from '../adapters/memory/memory-avro-codec.js';
import { MemoryCounterStore } from '../adapters/memory/memory-counter-store.js';
import { MemoryDecisionOutbox } from '../adapters/memory/memory-decision-outbox.js';
import { MemoryEventBus } from '../adapters/memory/memory-event-bus.js';
import { MemoryEventStore } from '../adapters/memory/memory-event-store.js';
import { MemoryJobQueue } from '../adapters/memory/memory-job-queue.js';
import { MemoryModelRegistry } from '../adapters/memory/memory-model-registry.js';
import type { RegisteredSchema } from '../adapters/registry/register-schemas.js';
import { SystemClock } from '../adapters/system/system-clock.js';
import type { RelearnSettings } from '../config/relearn-settings.js';
import { topicDefinitions, type TopicNames } from '../contract/topic-definitions.js';
import { RelearnError } from '../domain/errors.js';
import { componentLogger } from '../logging/component-logger.js';
import type { AvroCodec } from '../ports/avro-codec.js';
import type { Clock } from '../ports/clock.js';
import type { ConsumerLagProbe, EventSink } from '../ports/event-bus.js';
import type { RelearnPorts } from './relearn-system.js';

// Embedded mode's adapters are imported here; the real ones (kafkajs, the MongoDB driver,
// the registry client) are imported on demand below, so the embedded mode never loads them.

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
  const registry = new MemoryModelRegistry();
  return {
    bus,
    source: bus,
    sink: bus,
    codec: new MemoryAvroCodec(),
    store: new MemoryEventStore(),
    counters: new MemoryCounterStore(),
    outbox: new MemoryDecisionOutbox(),
    jobs: new MemoryJobQueue(),
    registry,
    announcements: registry,
    log: bus,
    clock,
  };
}

/** Partitions one consumer handles at the same time (kafkajs `partitionsConsumedConcurrently`). */
const PARTITIONS_CONSUMED_CONCURRENTLY = 6;

/**
 * Records of a fetched batch handled and committed at a time (a fetch brings up to 1 MiB per
 * partition, about 6,000 records of 150 B). Larger batches write fewer counter documents per
 * record (a batch writes each of its (scope, kind) once), but 5,000 lost counts in the
 * crash-loop fault test (a label's credit can reach a redelivered transaction whose counter
 * offset an earlier attempt had already passed; see BENCHMARKS.md, issue 12) and a third of
 * the throughput under kills: kept at 1,000 until that is fixed.
 */
const MAX_RECORDS_PER_COMMIT = 1_000;

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

/** Ports of a long-running process, whichever mode: what the service and its API need. */
export interface ServicePorts extends RelearnPorts {
  lag: ConsumerLagProbe;
  /** Reachability of the broker and the database right now (readiness). */
  probe(): Promise<Record<string, ProbeResult>>;
  close(): Promise<void>;
}

export type RealPorts = ServicePorts;

/** Embedded mode as a service: the in-memory bus and stores, always reachable, gone at exit. */
export function embeddedServicePorts(clock: Clock, topics: TopicNames): ServicePorts & { bus: MemoryEventBus } {
  const ports = embeddedPorts(clock, topics);
  return {
    ...ports,
    lag: ports.bus,
    probe: () => Promise.resolve({ bus: { ok: true }, stores: { ok: true } }),
    close: () => Promise.resolve(),
  };
}

/** A dependency's reachability for /ready: the public body says which is down, never its address or the driver's text. */
function probeOutcome(check: Promise<unknown>): Promise<ProbeResult> {
  return check.then(
    () => ({ ok: true }),
    () => ({ ok: false, error: 'did not answer' }),
  );
}

/**
 * Real mode: Kafka through kafkajs, Avro through a Confluent-compatible registry, state in
 * MongoDB. Indexes are created here, at start-up, before any role touches a collection.
 */
export async function connectRealPorts(settings: RealStackSettings, logger?: Logger): Promise<RealPorts> {
  // Loaded on demand: the embedded mode never pays for kafkajs and the MongoDB driver.
  const [{ MongoClient }, { KafkaEventBus }, mongoAdapters, { RegistryAvroCodec }] = await Promise.all([
    import('mongodb'),
    import('../adapters/kafka/kafka-event-bus.js'),
    realMongoAdapters(),
    import('../adapters/registry/registry-avro-codec.js'),
  ]);
  const { MongoCounterStore, MongoDecisionOutbox, MongoEventStore, ensureIndexes, MongoJobQueue, MongoModelRegistry, withUnavailableAsRetriable } = mongoAdapters;
  // Majority with journal: an offset is committed only after its effects are durable on a
  // majority of the replica set, so a mongod crash cannot take back what was acknowledged.
  const mongo = new MongoClient(settings.mongodb.uri, { appName: settings.kafka.clientId, writeConcern: { w: 'majority', journal: true },
    // An unreachable server fails calls within seconds (the partition backs off, the API answers 503).
    // No socketTimeoutMS: with one, a frozen server's calls failed client-side yet were applied on
    // resume, and the dependency-outages fault test then found an event counted twice (not yet explained).
    serverSelectionTimeoutMS: 5_000,
  });
  await mongo.connect();
  const db = mongo.db(settings.mongodb.database);
  try {
    await ensureIndexes(db);
  } catch (error) {
    await mongo.close();
    throw error;
  }
  const bus = new KafkaEventBus({
    brokers: [...settings.kafka.brokers],
    clientId: settings.kafka.clientId,
    ssl: settings.kafka.ssl,
    sasl: settings.kafka.sasl,
    // Each record costs several MongoDB round trips: partitions handled side by side keep
    // the database busy instead of waiting on it. Order within a partition (a key) holds.
    partitionsConsumedConcurrently: PARTITIONS_CONSUMED_CONCURRENTLY,
    maxRecordsPerCommit: MAX_RECORDS_PER_COMMIT,
    ...(logger === undefined ? {} : kafkaLogging(logger)),
  });
  try {
    await bus.connect();
  } catch (error) {
    await mongo.close();
    throw error;
  }
  const clock = new SystemClock();
  const registry = withUnavailableAsRetriable(new MongoModelRegistry(db, () => clock.now()), 'registry');
  return {
    source: bus,
    sink: bus,
    lag: bus,
    codec: new RegistryAvroCodec({
      url: settings.schemaRegistry.url,
      ...(settings.schemaRegistry.username === null ? {} : { username: settings.schemaRegistry.username }),
      ...(settings.schemaRegistry.password === null ? {} : { password: settings.schemaRegistry.password }),
    }),
    // A database outage reaches the roles as a retriable UNAVAILABLE, whichever store met it.
    store: withUnavailableAsRetriable(new MongoEventStore(db), 'events'),
    counters: withUnavailableAsRetriable(new MongoCounterStore(db), 'counters'),
    outbox: withUnavailableAsRetriable(new MongoDecisionOutbox(db), 'decisions'),
    jobs: withUnavailableAsRetriable(new MongoJobQueue(db), 'jobs'),
    registry,
    announcements: registry,
    log: bus,
    clock,
    probe: async () => {
      const [kafka, mongodb] = await Promise.all([probeOutcome(bus.ping()), probeOutcome(db.command({ ping: 1 }))]);
      const consumers: ProbeResult = bus.consumersRunning() ? { ok: true } : { ok: false, error: 'a consumer is not consuming (being rebuilt)' };
      return { kafka, mongodb, consumers };
    },
    close: async () => {
      await bus.close();
      await mongo.close();
    },
  };
}

async function realMongoAdapters() {
  const [counters, outbox, events, indexes, jobs, registry, unavailable] = await Promise.all([
    import('../adapters/mongo/mongo-counter-store.js'),
    import('../adapters/mongo/mongo-decision-outbox.js'),
    import('../adapters/mongo/mongo-event-store.js'),
    import('../adapters/mongo/mongo-indexes.js'),
    import('../adapters/mongo/mongo-job-queue.js'),
    import('../adapters/mongo/mongo-model-registry.js'),
    import('../adapters/mongo/mongo-unavailable.js'),
  ]);
  return { ...counters, ...outbox, ...events, ...indexes, ...jobs, ...registry, ...unavailable };
}

/** The real stack's settings, or an error naming what is missing (loadSettings already insists on all three together). */
export function realStackSettings(settings: RelearnSettings): RealStackSettings {
  const { url, username, password } = settings.schemaRegistry;
  const { uri, database } = settings.mongodb;
  if (settings.kafka.brokers.length === 0 || url === null || uri === null) {
    throw new RelearnError('CONFIG_INVALID', 'real mode needs KAFKA_BROKERS, SCHEMA_REGISTRY_URL and MONGODB_URI');
  }
  return { kafka: settings.kafka, schemaRegistry: { url, username, password }, mongodb: { uri, database } };
}

/** The ports of a `relearn start` process: the real stack when Kafka is configured, else embedded. */
export function connectServicePorts(settings: RelearnSettings, logger?: Logger): Promise<ServicePorts> {
  if (settings.kafka.brokers.length === 0) return Promise.resolve(embeddedServicePorts(new SystemClock(), settings.core.topics));
  return connectRealPorts(realStackSettings(settings), logger);
}

/** kafkajs's lines and the consumer lifecycle into the service's log, with group, topic and partition. */
function kafkaLogging(root: Logger): Pick<KafkaEventBusOptions, 'log' | 'onEvent'> {
  const kafka = componentLogger(root, 'kafka');
  return {
    log: ({ level, message, time: _time, ...fields }) => kafka[level](fields, message),
    onEvent: (event) => {
      switch (event.type) {
        case 'committed':
          kafka.debug({ groupId: event.groupId, topic: event.topic, partition: event.partition, offset: event.offset, records: event.records }, 'committed');
          return;
        case 'handler-failed':
          kafka.warn({ groupId: event.groupId, topic: event.topic, partition: event.partition, firstOffset: event.firstOffset, attempt: event.attempt, retryInMs: event.retryInMs, err: event.error }, 'batch failed; the partition is retried from its first uncommitted offset');
          return;
        case 'group-joined':
          kafka.info({ groupId: event.groupId, memberId: event.memberId, assignment: event.assignment }, 'joined the consumer group');
          return;
        case 'rebalancing':
          kafka.info({ groupId: event.groupId, memberId: event.memberId }, 'rebalancing');
          return;
        case 'crashed':
          kafka.error({ groupId: event.groupId, err: event.error, restart: event.restart }, 'consumer crashed');
          return;
        case 'stopped':
          kafka.info({ groupId: event.groupId }, 'consumer stopped');
          return;
      }
    },
  };
}

async function kafkaBus(settings: RelearnSettings): Promise<KafkaEventBusType> {
  const { KafkaEventBus } = await import('../adapters/kafka/kafka-event-bus.js');
  const { kafka } = realStackSettings(settings);
  const bus = new KafkaEventBus({ brokers: [...kafka.brokers], clientId: kafka.clientId, ssl: kafka.ssl, sasl: kafka.sasl });
  await bus.connect();
  return bus;
}

async function registryCodec(settings: RelearnSettings): Promise<AvroCodec> {
  const { RegistryAvroCodec } = await import('../adapters/registry/registry-avro-codec.js');
  const { url, username, password } = settings.schemaRegistry;
  if (url === null) throw new RelearnError('CONFIG_INVALID', 'SCHEMA_REGISTRY_URL is not set');
  const schemaRegistry = { url, username, password };
  return new RegistryAvroCodec({
    url: schemaRegistry.url,
    ...(schemaRegistry.username === null ? {} : { username: schemaRegistry.username }),
    ...(schemaRegistry.password === null ? {} : { password: schemaRegistry.password }),
  });
}

/** The contract's topics under their configured names. */
function namedTopics(settings: RelearnSettings): { name: string; partitions: number; retentionMs: number; cleanupPolicy: string; valueSchema: object | null }[] {
  return [...topicDefinitions()].map(([role, definition]) => ({ ...definition, name: settings.core.topics[role] }));
}

/** `relearn topics apply`: creates or updates the topics of topics/ on the configured cluster. */
export async function applyContractTopics(settings: RelearnSettings, options: { replicationFactor: number }): Promise<TopicChange[]> {
  const { applyTopics } = await import('../adapters/kafka/apply-topics.js');
  const bus = await kafkaBus(settings);
  try {
    return await applyTopics(bus, namedTopics(settings), options);
  } finally {
    await bus.close();
  }
}

/** `relearn schemas register`: every schema of schemas/ under `<topic>-value`, BACKWARD compatible. */
export async function registerContractSchemas(settings: RelearnSettings): Promise<RegisteredSchema[]> {
  const { registerSchemas } = await import('../adapters/registry/register-schemas.js');
  return registerSchemas(await registryCodec(settings), namedTopics(settings));
}

/** `relearn produce`: a Kafka sink and a registry codec. */
export async function connectProduceTransport(settings: RelearnSettings): Promise<{ sink: EventSink; codec: AvroCodec; close(): Promise<void> }> {
  const bus = await kafkaBus(settings);
  return { sink: bus, codec: await registryCodec(settings), close: () => bus.close() };
}
