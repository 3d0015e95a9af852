// Reads a whole topic from the beginning with a fresh kafkajs consumer (a group of its
// own, so nothing of the product's offsets is used or moved), up to the log end offsets
// seen when the read began.
import { randomUUID } from 'node:crypto';

import type { Kafka } from 'kafkajs';

export interface TopicRecord {
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

export async function readWholeTopic(kafka: Kafka, topic: string, timeoutMs = 60_000): Promise<TopicRecord[]> {
  const admin = kafka.admin();
  await admin.connect();
  let ends: Map<number, bigint>;
  try {
    ends = new Map((await admin.fetchTopicOffsets(topic)).map((row) => [row.partition, BigInt(row.high)]));
  } finally {
    await admin.disconnect();
  }
  const remaining = new Set([...ends].filter(([, high]) => high > 0n).map(([partition]) => partition));
  const records: TopicRecord[] = [];
  if (remaining.size === 0) return records;

  const consumer = kafka.consumer({ groupId: `fault-reader-${randomUUID()}`, allowAutoTopicCreation: false });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    let resolveDone: () => void = () => undefined;
    const done = new Promise<void>((resolve) => {
      resolveDone = resolve;
    });
    // Batch ends, also of batches holding only control records (transaction markers), which never reach eachBatch.
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      if (BigInt(payload.lastOffset) + 1n >= (ends.get(payload.partition) ?? 0n)) remaining.delete(payload.partition);
      if (remaining.size === 0) resolveDone();
    });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const end = ends.get(batch.partition) ?? 0n;
        for (const message of batch.messages) {
          if (BigInt(message.offset) >= end) continue;
          const headers: Record<string, string> = {};
          for (const [name, value] of Object.entries(message.headers ?? {})) {
            if (value === undefined) continue;
            headers[name] = (Array.isArray(value) ? value[0] : value)?.toString('utf8') ?? '';
          }
          records.push({ partition: batch.partition, offset: message.offset, key: message.key?.toString('utf8') ?? null, value: message.value, headers });
        }
        return Promise.resolve();
      },
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const outcome = await Promise.race([done.then(() => 'done' as const), timeout]);
    clearTimeout(timer);
    if (outcome === 'timeout') throw new Error(`reading ${topic}: partitions ${[...remaining].join(', ')} not read to their end within ${timeoutMs} ms (${records.length} records read)`);
  } finally {
    await consumer.disconnect();
  }
  return records;
}
