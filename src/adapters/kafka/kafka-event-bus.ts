import { Kafka, Partitioners, type Admin, type KafkaConfig, type Producer, type SASLOptions } from 'kafkajs';

import { RelearnError } from '../../domain/errors.js';
import type {
  BatchHandler,
  ConsumerLagProbe,
  EventSink,
  EventSource,
  EventSubscription,
  OutgoingRecord,
  PartitionLag,
  PublishedLog,
} from '../../ports/event-bus.js';
import { DEFAULT_HANDLER_RETRY, type HandlerRetryOptions } from './handler-retry-delay.js';
import type { KafkaBusEventListener } from './kafka-bus-events.js';
import { adapterLogger, kafkaLogCreator, kafkajsLogLevel, stderrJsonWriter, type KafkaLogLevel, type KafkaLogWriter } from './kafka-log-creator.js';
import { KafkaPublishedLog } from './kafka-published-log.js';
import { DEFAULT_DELIVERY_TIMEOUT_MS, producerNeedsReplacing, producerRetryOptions } from './producer-delivery.js';
import { KafkaSubscription } from './kafka-subscription.js';

export interface KafkaSaslCredentials {
  mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512';
  username: string;
  password: string;
}

export interface KafkaEventBusOptions {
  brokers: string[];
  clientId: string;
  ssl?: boolean;
  sasl?: KafkaSaslCredentials | null;
  /** Lines below this level are dropped; default `warn`. kafkajs's retry noise is demoted to info first. */
  logLevel?: KafkaLogLevel;
  /** Where log lines go; default one JSON object per line on stderr. */
  log?: KafkaLogWriter;
  /** Lifecycle of every subscription (joins, commits, handler failures, crashes). */
  onEvent?: KafkaBusEventListener;
  /** Back-off of a partition whose handler rejected; default 500 ms doubling to 30 s. */
  handlerRetry?: HandlerRetryOptions;
  /** Partitions whose batches are handled at the same time per subscription; default 1. */
  partitionsConsumedConcurrently?: number;
  /** A fetched batch is handled and committed in chunks of at most this many records; default 1,000. */
  maxRecordsPerCommit?: number;
  /** How long the broker may hold a fetch when there is nothing to read; default 500 ms (Java's fetch.max.wait.ms). */
  maxWaitTimeInMs?: number;
  /**
   * The longest a send may take, retries included, before it rejects (retriable) and its
   * producer is replaced; default 20 s (Java's delivery.timeout.ms is 120 s: shorter here
   * because the relays' claims must outlast a send, and a claim is how long a dead relay's
   * record waits). kafkajs's retries are sized to end about then (producer-delivery.ts).
   */
  deliveryTimeoutMs?: number;
}

const HEARTBEAT_INTERVAL_MS = 3_000;
const SESSION_TIMEOUT_MS = 10_000;

function saslOptions(sasl: KafkaSaslCredentials): SASLOptions {
  switch (sasl.mechanism) {
    case 'plain':
      return { mechanism: 'plain', username: sasl.username, password: sasl.password };
    case 'scram-sha-256':
      return { mechanism: 'scram-sha-256', username: sasl.username, password: sasl.password };
    case 'scram-sha-512':
      return { mechanism: 'scram-sha-512', username: sasl.username, password: sasl.password };
  }
}

/** A protocol error kafkajs marks permanent (a record too large, an invalid record) will fail again on retry. */
function isPermanentSendError(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth += 1) {
    const candidate = current as Error & { retriable?: boolean; originalError?: unknown };
    if (candidate.name === 'KafkaJSProtocolError') return candidate.retriable === false;
    current = candidate.originalError ?? candidate.cause;
  }
  return false;
}

/**
 * Kafka through kafkajs: an idempotent producer (acks=all, one request in flight, so a retry
 * can neither duplicate nor reorder), one consumer-group member per subscription committing
 * only what its handler finished, and the admin client for lag and topic management.
 */
export class KafkaEventBus implements EventSource, EventSink, ConsumerLagProbe, PublishedLog {
  private readonly kafka: Kafka;
  private readonly log: ReturnType<typeof adapterLogger>;
  private readonly subscriptions = new Set<KafkaSubscription>();
  private producerReady: Promise<Producer> | undefined;
  /** Sends not yet settled, per producer (a retired producer is disconnected when it has none). */
  private readonly sendsInFlight = new Map<Producer, number>();
  private readonly retiredProducers = new Set<Producer>();
  private adminReady: Promise<Admin> | undefined;
  private readonly readBack: KafkaPublishedLog;

  constructor(private readonly options: KafkaEventBusOptions) {
    const level = options.logLevel ?? 'warn';
    const write = options.log ?? stderrJsonWriter;
    const config: KafkaConfig = {
      clientId: options.clientId,
      brokers: options.brokers,
      ssl: options.ssl ?? false,
      logLevel: kafkajsLogLevel(level),
      logCreator: kafkaLogCreator(level, write),
    };
    if (options.sasl) config.sasl = saslOptions(options.sasl);
    this.kafka = new Kafka(config);
    this.log = adapterLogger(level, write);
    this.readBack = new KafkaPublishedLog(this.kafka, () => this.admin());
  }

  markFor(topic: string, key: string): Promise<string> {
    return this.readBack.markFor(topic, key);
  }

  published(topic: string, records: readonly { key: string; logMark: string; outboxId: string }[]): Promise<Set<string>> {
    return this.readBack.published(topic, records);
  }

  /** Connects the producer, so a wrong address or credential fails at start-up rather than on the first send. */
  async connect(): Promise<void> {
    await this.producer();
  }

  /** Resolves when a broker answers a metadata request (readiness). */
  async ping(): Promise<void> {
    await (await this.admin()).describeCluster();
  }

  /** The admin client, connected on first use; for `applyTopics` and lag. */
  admin(): Promise<Admin> {
    this.adminReady ??= this.connected(this.kafka.admin(), () => {
      this.adminReady = undefined;
    });
    return this.adminReady;
  }

  private producer(): Promise<Producer> {
    this.producerReady ??= this.connected(
      this.kafka.producer({
        // Idempotence as kafkajs intends it: acks=all (send), one request in flight, so a
        // retry can neither duplicate nor reorder; every retry field set (producer-delivery.ts).
        idempotent: true,
        maxInFlightRequests: 1,
        retry: producerRetryOptions(this.options.deliveryTimeoutMs ?? DEFAULT_DELIVERY_TIMEOUT_MS),
        allowAutoTopicCreation: false,
        // Java's partitioner (murmur2): a key lands on the partition any other client would choose.
        createPartitioner: Partitioners.DefaultPartitioner,
      }),
      () => {
        this.producerReady = undefined;
      },
    );
    return this.producerReady;
  }

  /**
   * Forgets a producer that cannot be trusted to send again (the next send builds a new
   * one) and disconnects it once none of its sends is still in flight: an abandoned send is
   * left to end by itself (its retries are bounded), so kafkajs does not reconnect it.
   */
  private retireProducer(ready: Promise<Producer>, producer: Producer): void {
    if (this.producerReady === ready) this.producerReady = undefined;
    this.retiredProducers.add(producer);
    this.disconnectIfIdle(producer);
  }

  private disconnectIfIdle(producer: Producer): void {
    if (!this.retiredProducers.has(producer) || (this.sendsInFlight.get(producer) ?? 0) > 0) return;
    this.retiredProducers.delete(producer);
    producer.disconnect().catch(() => undefined);
  }

  /** Connects a client once; a failed attempt is forgotten so the next call tries again. */
  private async connected<Client extends { connect(): Promise<void> }>(client: Client, forget: () => void): Promise<Client> {
    try {
      await client.connect();
      return client;
    } catch (error) {
      forget();
      throw new RelearnError('UNAVAILABLE', `cannot connect to Kafka at ${this.options.brokers.join(',')}: ${(error as Error).message}`, {
        retriable: true,
        cause: error,
      });
    }
  }

  async send(topic: string, records: readonly OutgoingRecord[]): Promise<void> {
    if (records.length === 0) return;
    let ready = this.producer();
    let producer = await ready;
    if (this.retiredProducers.has(producer)) {
      // Retired by a concurrent send while this one waited for it.
      ready = this.producer();
      producer = await ready;
    }
    const deliveryTimeoutMs = this.options.deliveryTimeoutMs ?? DEFAULT_DELIVERY_TIMEOUT_MS;
    this.sendsInFlight.set(producer, (this.sendsInFlight.get(producer) ?? 0) + 1);
    const settled = producer
      .send({
        topic,
        acks: -1,
        messages: records.map((record) => ({ key: record.key, value: record.value, ...(record.headers === undefined ? {} : { headers: record.headers }) })),
      })
      .then(
        () => ({ error: undefined }),
        (error: unknown) => ({ error: error ?? new Error('unknown send failure') }),
      )
      .finally(() => {
        const left = (this.sendsInFlight.get(producer) ?? 1) - 1;
        if (left > 0) this.sendsInFlight.set(producer, left);
        else this.sendsInFlight.delete(producer);
        this.disconnectIfIdle(producer);
      });
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), deliveryTimeoutMs);
    });
    const outcome = await Promise.race([settled, deadline]).finally(() => clearTimeout(timer));
    if (outcome === 'timeout') {
      // Whether the records landed is unknown: a new producer (a new producer id) sends the retry.
      this.retireProducer(ready, producer);
      throw new RelearnError('UNAVAILABLE', `Kafka did not acknowledge ${records.length} record(s) to ${topic} within the delivery timeout of ${deliveryTimeoutMs} ms`, {
        retriable: true,
      });
    }
    const { error } = outcome;
    if (error === undefined) return;
    if (producerNeedsReplacing(error)) this.retireProducer(ready, producer);
    throw new RelearnError('UNAVAILABLE', `Kafka did not acknowledge ${records.length} record(s) to ${topic}: ${(error as Error).message}`, {
      retriable: !isPermanentSendError(error),
      cause: error,
    });
  }

  async subscribe(options: { groupId: string; topics: readonly string[]; fromBeginning?: boolean }, handler: BatchHandler): Promise<EventSubscription> {
    const { groupId } = options;
    const makeConsumer = () =>
      this.kafka.consumer({
        groupId,
        allowAutoTopicCreation: false,
        // A member killed without leaving holds its partitions until its session expires:
        // 10 s puts them back in service quickly (heartbeats every 3 s keep a live one in).
        sessionTimeout: SESSION_TIMEOUT_MS,
        heartbeatInterval: HEARTBEAT_INTERVAL_MS,
        maxWaitTimeInMs: this.options.maxWaitTimeInMs ?? 500,
      });
    const onEvent = this.options.onEvent;
    const subscription = new KafkaSubscription(makeConsumer, groupId, handler, {
      handlerRetry: this.options.handlerRetry ?? DEFAULT_HANDLER_RETRY,
      heartbeatIntervalMs: HEARTBEAT_INTERVAL_MS,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
      maxRecordsPerCommit: this.options.maxRecordsPerCommit ?? 1_000,
      emit: (event) => onEvent?.(event),
      log: this.log,
    });
    await subscription.start(options.topics, options.fromBeginning ?? false);
    this.subscriptions.add(subscription);
    return {
      stop: async () => {
        try {
          await subscription.stop();
        } finally {
          this.subscriptions.delete(subscription);
        }
      },
    };
  }

  /** Every subscription has a running consumer (none crashed for good and waiting to be rebuilt): for readiness. */
  consumersRunning(): boolean {
    return [...this.subscriptions].every((subscription) => subscription.running);
  }

  /** Deletes those of `topics` that exist (test and tooling clean-up). */
  async deleteTopics(topics: readonly string[]): Promise<void> {
    const admin = await this.admin();
    const existing = new Set(await admin.listTopics());
    const present = topics.filter((topic) => existing.has(topic));
    if (present.length > 0) await admin.deleteTopics({ topics: present });
  }

  /**
   * Records past the group's committed offset per partition. A partition the group never
   * committed counts from the log start, like a consumer that would read it from the beginning.
   */
  async consumerLag(groupId: string, topics: readonly string[]): Promise<PartitionLag[]> {
    const admin = await this.admin();
    const committed = await admin.fetchOffsets({ groupId, topics: [...topics] });
    const rows: PartitionLag[] = [];
    for (const topic of topics) {
      const committedByPartition = new Map((committed.find((entry) => entry.topic === topic)?.partitions ?? []).map((entry) => [entry.partition, BigInt(entry.offset)]));
      const logOffsets = await admin.fetchTopicOffsets(topic);
      for (const { partition, high, low } of [...logOffsets].sort((a, b) => a.partition - b.partition)) {
        const start = BigInt(low);
        const end = BigInt(high);
        const position = committedByPartition.get(partition) ?? -1n;
        const from = position < start ? start : position;
        rows.push({ topic, partition, lag: Number(end > from ? end - from : 0n) });
      }
    }
    return rows;
  }

  /** Stops every subscription (each finishing and committing its batch in hand), then disconnects. */
  async close(): Promise<void> {
    // stop() is shared: a subscription already stopping is waited for, not stopped twice.
    const outcomes = await Promise.allSettled([...this.subscriptions].map((subscription) => subscription.stop()));
    this.subscriptions.clear();
    const producer = this.producerReady;
    const admin = this.adminReady;
    this.producerReady = undefined;
    this.adminReady = undefined;
    await Promise.allSettled([producer?.then((client) => client.disconnect()), admin?.then((client) => client.disconnect())]);
    const failed = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
  }
}
