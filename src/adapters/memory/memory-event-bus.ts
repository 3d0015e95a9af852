import type {
  BatchHandler,
  EventSink,
  EventSource,
  EventSubscription,
  IncomingRecord,
  OutgoingRecord,
  PartitionLag,
  ConsumerLagProbe,
  PublishedLog,
} from '../../ports/event-bus.js';
import { OUTBOX_ID_HEADER, timeOfMark } from '../../ports/event-bus.js';

interface StoredRecord {
  key: string | null;
  value: Buffer;
  headers: Record<string, string>;
  timestamp: number;
}

/** Kafka's default partitioner uses murmur2; any stable hash keeps one key on one partition, which is what ordering needs. */
function partitionFor(key: string | null, partitions: number, roundRobin: number): number {
  if (key === null) return roundRobin % partitions;
  let hash = 0x811c9dc5;
  for (let index = 0; index < key.length; index += 1) {
    hash ^= key.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % partitions;
}

/**
 * An in-process log with topics, partitions, offsets and committed group offsets: the
 * embedded mode's Kafka. One member per group; batches are delivered one partition at a
 * time in a fixed order so an embedded run is reproducible.
 */
export class MemoryEventBus implements EventSink, EventSource, ConsumerLagProbe, PublishedLog {
  private readonly logs = new Map<string, StoredRecord[][]>();
  private readonly committed = new Map<string, number>();
  private readonly wakeups = new Set<() => void>();
  private roundRobin = 0;
  /** Errors thrown by handlers, oldest first: each one left its batch uncommitted. */
  readonly handlerFailures: unknown[] = [];
  retryDelayMs = 100;

  constructor(
    private readonly partitionsOf: (topic: string) => number,
    private readonly now: () => number = () => Date.now(),
    private readonly maxBatch = 500,
  ) {}

  private partitions(topic: string): StoredRecord[][] {
    let log = this.logs.get(topic);
    if (log === undefined) {
      log = Array.from({ length: Math.max(1, this.partitionsOf(topic)) }, () => []);
      this.logs.set(topic, log);
    }
    return log;
  }

  send(topic: string, records: readonly OutgoingRecord[]): Promise<void> {
    const log = this.partitions(topic);
    for (const record of records) {
      this.roundRobin += 1;
      const partition = log[partitionFor(record.key, log.length, this.roundRobin)];
      partition?.push({ key: record.key, value: record.value, headers: { ...(record.headers ?? {}) }, timestamp: this.now() });
    }
    for (const wake of this.wakeups) wake();
    return Promise.resolve();
  }

  markFor(topic: string, key: string): Promise<string> {
    const log = this.partitions(topic);
    const partition = partitionFor(key, log.length, 0);
    return Promise.resolve(`${partition}:${log[partition]?.length ?? 0}`);
  }

  published(topic: string, records: readonly { key: string; logMark: string; outboxId: string }[]): Promise<Set<string>> {
    const log = this.partitions(topic);
    const found = new Set<string>();
    for (const { key, logMark, outboxId } of records) {
      const since = timeOfMark(logMark);
      const [partition, offset] = since === undefined ? logMark.split(':').map(Number) : [partitionFor(key, log.length, 0), 0];
      const rows = (log[partition ?? -1] ?? []).slice(offset).filter((row) => since === undefined || row.timestamp >= since);
      if (rows.some((row) => row.headers[OUTBOX_ID_HEADER] === outboxId)) found.add(outboxId);
    }
    return Promise.resolve(found);
  }

  /** Every record of a topic, for inspection (the DLQ, published outputs). */
  read(topic: string): IncomingRecord[] {
    const rows: IncomingRecord[] = [];
    this.partitions(topic).forEach((records, partition) => {
      records.forEach((record, offset) => rows.push(this.incoming(topic, partition, offset, record)));
    });
    return rows;
  }

  /** Records not yet committed by the group, over its topics. */
  lag(groupId: string, topics: readonly string[]): number {
    return this.partitionLag(groupId, topics).reduce((sum, row) => sum + row.lag, 0);
  }

  partitionLag(groupId: string, topics: readonly string[]): PartitionLag[] {
    const rows: PartitionLag[] = [];
    for (const topic of topics) {
      this.partitions(topic).forEach((records, partition) => {
        rows.push({ topic, partition, lag: records.length - (this.committed.get(`${groupId}|${topic}|${partition}`) ?? 0) });
      });
    }
    return rows;
  }

  consumerLag(groupId: string, topics: readonly string[]): Promise<PartitionLag[]> {
    return Promise.resolve(this.partitionLag(groupId, topics));
  }

  private incoming(topic: string, partition: number, offset: number, record: StoredRecord): IncomingRecord {
    return {
      topic,
      partition,
      offset: String(offset),
      key: record.key,
      value: record.value,
      headers: { ...record.headers },
      timestamp: record.timestamp,
    };
  }

  subscribe(options: { groupId: string; topics: readonly string[] }, handler: BatchHandler): Promise<EventSubscription> {
    let running = true;
    let wake: (() => void) | undefined;
    const loop = async (): Promise<void> => {
      while (running) {
        let delivered = false;
        for (const topic of options.topics) {
          const log = this.partitions(topic);
          for (let partition = 0; partition < log.length && running; partition += 1) {
            const key = `${options.groupId}|${topic}|${partition}`;
            const from = this.committed.get(key) ?? 0;
            const records = log[partition] ?? [];
            if (from >= records.length) continue;
            const slice = records.slice(from, from + this.maxBatch);
            try {
              await handler({
                topic,
                partition,
                records: slice.map((record, index) => this.incoming(topic, partition, from + index, record)),
              });
            } catch (error) {
              // Like a Kafka consumer after a failed batch: nothing is committed and the
              // batch is delivered again after a pause.
              this.handlerFailures.push(error);
              await new Promise((resolve) => setTimeout(resolve, this.retryDelayMs));
              delivered = true;
              continue;
            }
            // Committed only after the handler resolved: its effects are in the stores.
            this.committed.set(key, from + slice.length);
            delivered = true;
          }
        }
        if (!delivered && running) {
          await new Promise<void>((resolve) => {
            wake = resolve;
            this.wakeups.add(resolve);
          });
          if (wake !== undefined) this.wakeups.delete(wake);
        }
      }
    };
    const done = loop();
    return Promise.resolve({
      stop: async () => {
        running = false;
        wake?.();
        await done;
      },
    });
  }
}
