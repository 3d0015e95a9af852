import type { Admin } from 'kafkajs';

/** End offsets (high watermarks) per topic and partition. */
export type EndOffsets = Map<string, Map<number, bigint>>;

export async function endOffsets(admin: Admin, topics: readonly string[]): Promise<EndOffsets> {
  const ends: EndOffsets = new Map();
  for (const topic of topics) {
    const partitions = new Map<number, bigint>();
    for (const { partition, high } of await admin.fetchTopicOffsets(topic)) partitions.set(partition, BigInt(high));
    ends.set(topic, partitions);
  }
  return ends;
}

export function totalOf(offsets: EndOffsets): bigint {
  let total = 0n;
  for (const partitions of offsets.values()) for (const high of partitions.values()) total += high;
  return total;
}

/**
 * Records on `topics` past the group's committed offsets (admin.fetchOffsets against
 * admin.fetchTopicOffsets). A partition the group never committed counts from its log start.
 */
export async function groupLag(admin: Admin, groupId: string, topics: readonly string[]): Promise<number> {
  const committed = await admin.fetchOffsets({ groupId, topics: [...topics] });
  let lag = 0n;
  for (const topic of topics) {
    const positions = new Map((committed.find((entry) => entry.topic === topic)?.partitions ?? []).map((entry) => [entry.partition, BigInt(entry.offset)]));
    for (const { partition, high, low } of await admin.fetchTopicOffsets(topic)) {
      const start = BigInt(low);
      const position = positions.get(partition) ?? -1n;
      const from = position < start ? start : position;
      const end = BigInt(high);
      if (end > from) lag += end - from;
    }
  }
  return Number(lag);
}
