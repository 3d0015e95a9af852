import type { Message, Producer } from 'kafkajs';

import type { EncodedRecord } from './encoded-records.js';

/** One producer request: the records of a slice grouped by topic, order kept within a topic. */
async function sendSlice(producer: Producer, slice: readonly EncodedRecord[]): Promise<void> {
  const byTopic = new Map<string, Message[]>();
  for (const record of slice) {
    const messages = byTopic.get(record.topic) ?? [];
    messages.push({ key: record.key, value: record.value });
    byTopic.set(record.topic, messages);
  }
  await producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
}

/** Sends every record in batches of `batchSize`, one request in flight; resolves once all are acknowledged. */
export async function produceAll(producer: Producer, records: readonly EncodedRecord[], batchSize: number, onProgress?: (sent: number) => void): Promise<{ elapsedMs: number }> {
  const started = performance.now();
  for (let index = 0; index < records.length; index += batchSize) {
    await sendSlice(producer, records.slice(index, index + batchSize));
    onProgress?.(Math.min(records.length, index + batchSize));
  }
  return { elapsedMs: performance.now() - started };
}

/**
 * Sends the records at `rate` records/s in small batches (`batchesPerSecond`), each batch
 * leaving when the rate says its first record should (no accumulated drift). Returns, per
 * record, the wall-clock time (Date.now) its batch's send began.
 */
export async function producePaced(producer: Producer, records: readonly EncodedRecord[], rate: number, batchesPerSecond: number): Promise<{ sentAt: number[]; elapsedMs: number }> {
  const batchSize = Math.max(1, Math.round(rate / batchesPerSecond));
  const sentAt: number[] = new Array<number>(records.length);
  const started = performance.now();
  for (let index = 0; index < records.length; index += batchSize) {
    const due = started + (index / rate) * 1000;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const at = Date.now();
    const slice = records.slice(index, index + batchSize);
    for (let offset = 0; offset < slice.length; offset++) sentAt[index + offset] = at;
    await sendSlice(producer, slice);
  }
  return { sentAt, elapsedMs: performance.now() - started };
}
