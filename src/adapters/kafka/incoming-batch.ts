import type { Batch, IHeaders, KafkaMessage } from 'kafkajs';

import type { IncomingBatch, IncomingRecord } from '../../ports/event-bus.js';

/**
 * Kafka allows a header name to repeat; the port carries one string per name. The last
 * value wins, as Java's `Headers.lastHeader` does.
 */
export function decodeHeaders(headers: IHeaders | undefined): Record<string, string> {
  const decoded: Record<string, string> = {};
  if (headers === undefined) return decoded;
  for (const [name, raw] of Object.entries(headers)) {
    const value = Array.isArray(raw) ? raw[raw.length - 1] : raw;
    if (value === undefined) continue;
    decoded[name] = typeof value === 'string' ? value : value.toString('utf8');
  }
  return decoded;
}

export function incomingRecord(topic: string, partition: number, message: KafkaMessage): IncomingRecord {
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key === null ? null : message.key.toString('utf8'),
    value: message.value,
    headers: decodeHeaders(message.headers),
    timestamp: Number(message.timestamp),
  };
}

/** A kafkajs batch as the port's IncomingBatch: offsets stay decimal strings, keys and headers become strings. */
export function incomingBatch(batch: Pick<Batch, 'topic' | 'partition' | 'messages'>): IncomingBatch {
  return {
    topic: batch.topic,
    partition: batch.partition,
    records: batch.messages.map((message) => incomingRecord(batch.topic, batch.partition, message)),
  };
}
