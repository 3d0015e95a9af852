import { randomUUID } from 'node:crypto';

import { Partitioners, type Admin, type Kafka } from 'kafkajs';

import { RelearnError } from '../../domain/errors.js';
import { OUTBOX_ID_HEADER, timeOfMark, type PublishedLog } from '../../ports/event-bus.js';

/** The longest a read-back may take before the relay tries again later (it sends nothing meanwhile). */
const READ_BACK_TIMEOUT_MS = 30_000;

/** `<partition>:<offset>`: where a key's partition ended when the mark was taken. */
function parseMark(mark: string): { partition: number; offset: bigint } {
  const [partition, offset] = mark.split(':');
  if (partition === undefined || offset === undefined || !/^\d+$/.test(partition) || !/^\d+$/.test(offset)) throw new Error(`malformed log mark ${JSON.stringify(mark)}`);
  return { partition: Number(partition), offset: BigInt(offset) };
}

/**
 * Reads a topic back for the relays. A mark is the key's partition (Java's murmur2
 * partitioner, the one the producer uses) and its high watermark. A read-back is rare
 * (only after a relay lost a claim), so it uses a throwaway consumer group that seeks
 * each partition to its earliest mark and reads up to the end seen when it began.
 */
export class KafkaPublishedLog implements PublishedLog {
  private readonly partitioner = Partitioners.DefaultPartitioner();

  constructor(
    private readonly kafka: Kafka,
    private readonly admin: () => Promise<Admin>,
  ) {}

  private async partitionOf(topic: string, key: string): Promise<number> {
    const [metadata] = (await (await this.admin()).fetchTopicMetadata({ topics: [topic] })).topics;
    if (metadata === undefined) throw new RelearnError('UNAVAILABLE', `topic ${topic} has no metadata`, { retriable: true });
    return this.partitioner({ topic, partitionMetadata: metadata.partitions, message: { key, value: null } });
  }

  async markFor(topic: string, key: string): Promise<string> {
    const partition = await this.partitionOf(topic, key);
    const end = (await (await this.admin()).fetchTopicOffsets(topic)).find((entry) => entry.partition === partition);
    return `${partition}:${end?.high ?? '0'}`;
  }

  /** Offset marks as they are; time marks as the first offset stamped at or after the earliest of them (one lookup). */
  private async offsetMarks(topic: string, records: readonly { key: string; logMark: string }[]): Promise<{ partition: number; offset: bigint }[]> {
    const times = records.map((record) => timeOfMark(record.logMark)).filter((time): time is number => time !== undefined);
    const byTime = times.length === 0 ? new Map<number, bigint>() : new Map((await (await this.admin()).fetchTopicOffsetsByTimestamp(topic, Math.min(...times))).map((entry) => [entry.partition, BigInt(entry.offset)]));
    return Promise.all(
      records.map(async (record) => {
        if (timeOfMark(record.logMark) === undefined) return parseMark(record.logMark);
        const partition = await this.partitionOf(topic, record.key);
        return { partition, offset: byTime.get(partition) ?? 0n };
      }),
    );
  }

  async published(topic: string, records: readonly { key: string; logMark: string; outboxId: string }[]): Promise<Set<string>> {
    const found = new Set<string>();
    if (records.length === 0) return found;
    const ends = new Map((await (await this.admin()).fetchTopicOffsets(topic)).map((entry) => [entry.partition, BigInt(entry.high)]));
    const ranges = new Map<number, { from: bigint; end: bigint }>();
    for (const { partition, offset } of await this.offsetMarks(topic, records)) {
      const end = ends.get(partition) ?? 0n;
      if (offset >= end) continue;
      const range = ranges.get(partition);
      ranges.set(partition, { from: range === undefined || offset < range.from ? offset : range.from, end });
    }
    if (ranges.size === 0) return found;
    const wanted = new Set(records.map((record) => record.outboxId));
    const groupId = `relearn-read-back-${randomUUID()}`;
    const consumer = this.kafka.consumer({ groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 200 });
    let timer: NodeJS.Timeout | undefined;
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: false });
      const remaining = new Set(ranges.keys());
      const finished = new Promise<void>((resolve) => {
        void consumer.run({
          autoCommit: false,
          eachBatch: ({ batch }) => {
            const range = ranges.get(batch.partition);
            if (range === undefined) return Promise.resolve();
            for (const message of batch.messages) {
              const id = message.headers?.[OUTBOX_ID_HEADER]?.toString();
              if (id !== undefined && wanted.has(id)) found.add(id);
              if (BigInt(message.offset) + 1n >= range.end) remaining.delete(batch.partition);
            }
            if (remaining.size === 0) resolve();
            return Promise.resolve();
          },
        });
      });
      for (const [partition, { from }] of ranges) consumer.seek({ topic, partition, offset: from.toString() });
      const timedOut = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new RelearnError('UNAVAILABLE', `reading ${topic} back took over ${READ_BACK_TIMEOUT_MS} ms`, { retriable: true })), READ_BACK_TIMEOUT_MS);
      });
      await Promise.race([finished, timedOut]);
      return found;
    } finally {
      clearTimeout(timer);
      await consumer.disconnect().catch(() => undefined);
      await (await this.admin()).deleteGroups([groupId]).catch(() => undefined);
    }
  }
}
