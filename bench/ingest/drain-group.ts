import type { Batch, Kafka } from 'kafkajs';

import type { EndOffsets } from './consumer-lag.js';

export interface DrainOptions {
  groupId: string;
  topics: readonly string[];
  /** Where each partition ends: the drain is over when every partition's commit reaches it. */
  ends: EndOffsets;
  /** kafkajs partitionsConsumedConcurrently. */
  concurrency: number;
  timeoutMs: number;
  /** The batch's work, done before its offsets are committed. */
  work: (batch: Batch) => Promise<void>;
  /** Called once the consumer runs (kafkajs's run() resolves after the group join and sync, as in relearn's subscribe): the clock starts here. */
  onRunning: () => void;
  /** Called once, the moment the last partition's commit reaches its end offset: the clock stops here. */
  onFinished: () => void;
}

export interface DrainResult {
  records: number;
  batches: number;
}

/**
 * One kafkajs consumer group member with eachBatch that does `work` per batch, then
 * commits the batch's offsets (one commit per batch), until every partition of `topics`
 * is committed up to its end offset. Any error fails the drain.
 */
export async function drainGroup(kafka: Kafka, options: DrainOptions): Promise<DrainResult> {
  const remaining = new Map<string, bigint>();
  for (const [topic, partitions] of options.ends) for (const [partition, end] of partitions) if (end > 0n) remaining.set(`${topic}/${partition}`, end);
  const consumer = kafka.consumer({ groupId: options.groupId, allowAutoTopicCreation: false });
  let records = 0;
  let batches = 0;
  let settle: { resolve: () => void; reject: (error: unknown) => void } | undefined;
  const finished = new Promise<void>((resolve, reject) => {
    settle = { resolve, reject };
  });
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    options.onFinished();
    settle?.resolve();
  };
  const fail = (error: unknown) => settle?.reject(error);
  consumer.on(consumer.events.CRASH, (event) => fail(new Error(`consumer ${options.groupId} crashed: ${String(event.payload.error)}`)));
  const timer = setTimeout(() => fail(new Error(`group ${options.groupId} did not reach the end offsets within ${options.timeoutMs} ms`)), options.timeoutMs);
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [...options.topics], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: options.concurrency,
      eachBatch: async (payload) => {
        const { batch } = payload;
        if (batch.messages.length === 0) return;
        try {
          await options.work(batch);
          const last = batch.lastOffset();
          const next = BigInt(last) + 1n;
          payload.resolveOffset(last);
          await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: next.toString() }]);
          records += batch.messages.length;
          batches += 1;
          const key = `${batch.topic}/${batch.partition}`;
          const end = remaining.get(key);
          if (end !== undefined && next >= end) remaining.delete(key);
          if (remaining.size === 0) finish();
        } catch (error) {
          fail(error);
          throw error;
        }
      },
    });
    options.onRunning();
    if (remaining.size === 0) finish();
    await finished;
    return { records, batches };
  } finally {
    clearTimeout(timer);
    await consumer.disconnect();
  }
}
