/**
 * Event source and sink: what the service needs of a log-based broker. The Kafka adapter
 * maps these onto kafkajs; the memory adapter runs the embedded mode.
 */

export interface OutgoingRecord {
  key: string | null;
  value: Buffer;
  headers?: Record<string, string>;
}

export interface IncomingRecord {
  topic: string;
  partition: number;
  /** Kafka offsets are int64: carried as decimal strings so nothing rounds them. */
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
  timestamp: number;
}

export interface EventSink {
  /** Resolves once the broker has acknowledged every record (acks=all for Kafka). */
  send(topic: string, records: readonly OutgoingRecord[]): Promise<void>;
}

/**
 * A batch from one partition. The source commits the batch's offsets only after the
 * handler's promise resolves, i.e. after its effects are durable.
 */
export interface IncomingBatch {
  topic: string;
  partition: number;
  records: readonly IncomingRecord[];
}

export type BatchHandler = (batch: IncomingBatch) => Promise<void>;

export interface EventSubscription {
  /** Stops fetching, waits for the batch in hand to finish and its offsets to commit. */
  stop(): Promise<void>;
}

export interface EventSource {
  subscribe(options: { groupId: string; topics: readonly string[]; fromBeginning?: boolean }, handler: BatchHandler): Promise<EventSubscription>;
}

export interface PartitionLag {
  topic: string;
  partition: number;
  /** Records in the log past the group's committed offset. */
  lag: number;
}

/** How far a consumer group is behind, per partition (metrics, dashboard, readiness). */
export interface ConsumerLagProbe {
  consumerLag(groupId: string, topics: readonly string[]): Promise<PartitionLag[]>;
}

/** The header carrying an outbox entry's id on the records a relay publishes. */
export const OUTBOX_ID_HEADER = 'relearn.outbox-id';

/**
 * Reads back what reached a topic, for relays that must not publish twice: a send whose
 * acknowledgement was lost (a crash between the broker's acknowledgement and the outbox's
 * mark) is looked for on the log before it is sent again.
 */
export interface PublishedLog {
  /**
   * Where `key`'s partition of `topic` ends now: a record sent later lands at or after this
   * mark. A mark may also be a time (`timeMark`): the first record stamped at or after it.
   */
  markFor(topic: string, key: string): Promise<string>;
  /** The outbox ids of `records` found on the log at or after their marks (header OUTBOX_ID_HEADER). */
  published(topic: string, records: readonly { key: string; logMark: string; outboxId: string }[]): Promise<Set<string>>;
}

/** A log mark by time, for senders that kept a time rather than an offset: records stamped at or after `at`. */
export function timeMark(at: number): string {
  return `@${Math.max(0, Math.floor(at))}`;
}

/** The time of a time mark, or undefined for an offset mark. */
export function timeOfMark(mark: string): number | undefined {
  return mark.startsWith('@') ? Number(mark.slice(1)) : undefined;
}
