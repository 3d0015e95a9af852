/** What `relearn topics apply` manages on each topic. */
export interface TopicSettings {
  partitions: number;
  retentionMs: number;
  cleanupPolicy: string;
}

export interface TopicToApply extends TopicSettings {
  name: string;
}

export type TopicAction = 'created' | 'unchanged' | 'partitions-increased' | 'config-altered' | 'refused';

/** One line of the report: the topic, what was done, and the settings concerned before and after. */
export interface TopicChange {
  topic: string;
  action: TopicAction;
  /** Null when the topic did not exist. */
  before: Partial<TopicSettings> | null;
  after: Partial<TopicSettings>;
  /** Why a change was refused. */
  reason?: string;
}

/** `delete,compact` and `compact, delete` are the same policy. */
export function normalCleanupPolicy(policy: string): string {
  return policy
    .split(',')
    .map((part) => part.trim().toLowerCase())
    .filter((part) => part.length > 0)
    .sort()
    .join(',');
}

/**
 * The changes that bring `current` (null: missing) to `wanted`. Kafka cannot take
 * partitions away without losing records and breaking key placement, so a lower count
 * is refused, never applied; the other settings are still brought in line.
 */
export function planTopicChanges(wanted: TopicToApply, current: TopicSettings | null): TopicChange[] {
  const topic = wanted.name;
  const target: TopicSettings = { partitions: wanted.partitions, retentionMs: wanted.retentionMs, cleanupPolicy: wanted.cleanupPolicy };
  if (current === null) return [{ topic, action: 'created', before: null, after: target }];

  const changes: TopicChange[] = [];
  if (target.partitions > current.partitions) {
    changes.push({ topic, action: 'partitions-increased', before: { partitions: current.partitions }, after: { partitions: target.partitions } });
  } else if (target.partitions < current.partitions) {
    changes.push({
      topic,
      action: 'refused',
      before: { partitions: current.partitions },
      after: { partitions: target.partitions },
      reason: `Kafka cannot reduce a topic's partitions (${current.partitions} → ${target.partitions}) without losing records and moving keys; recreate the topic to shrink it`,
    });
  }

  const before: Partial<TopicSettings> = {};
  const after: Partial<TopicSettings> = {};
  if (target.retentionMs !== current.retentionMs) {
    before.retentionMs = current.retentionMs;
    after.retentionMs = target.retentionMs;
  }
  if (normalCleanupPolicy(target.cleanupPolicy) !== normalCleanupPolicy(current.cleanupPolicy)) {
    before.cleanupPolicy = current.cleanupPolicy;
    after.cleanupPolicy = target.cleanupPolicy;
  }
  if (Object.keys(after).length > 0) changes.push({ topic, action: 'config-altered', before, after });

  if (changes.length === 0) changes.push({ topic, action: 'unchanged', before: current, after: target });
  return changes;
}
