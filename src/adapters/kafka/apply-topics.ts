import kafkajs, { type Admin, type IResourceConfigEntry } from 'kafkajs';

import { RelearnError } from '../../domain/errors.js';
import { normalCleanupPolicy, planTopicChanges, type TopicChange, type TopicSettings, type TopicToApply } from './plan-topic-changes.js';

/** The part of kafkajs's admin client that topic management uses. */
export type TopicAdmin = Pick<Admin, 'listTopics' | 'fetchTopicMetadata' | 'createTopics' | 'createPartitions' | 'describeConfigs' | 'alterConfigs'>;

/** An admin client, or anything that hands one out (KafkaEventBus). */
export type TopicAdminSource = TopicAdmin | { admin(): Promise<TopicAdmin> };

export interface ApplyTopicsOptions {
  /** For topics created here; -1 takes the broker's default. Existing topics keep theirs. */
  replicationFactor: number;
  /** How long to wait for a change to show in the brokers' metadata; default 15 s. */
  visibleWithinMs?: number;
}

// Not among the names Node's ESM loader finds in kafkajs's CommonJS exports: read them from the module object.
const { ConfigResourceTypes, ConfigSource } = kafkajs;

const RETENTION_MS = 'retention.ms';
const CLEANUP_POLICY = 'cleanup.policy';

interface ObservedTopic {
  settings: TopicSettings;
  /** Every per-topic override, kept when the managed ones are altered (see `alterTopicConfig`). */
  overrides: IResourceConfigEntry[];
}

async function observe(admin: TopicAdmin, topic: string): Promise<ObservedTopic> {
  const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
  const partitions = metadata.topics.find((entry) => entry.name === topic)?.partitions.length ?? 0;
  const described = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }] });
  const entries = described.resources.find((resource) => resource.resourceName === topic)?.configEntries ?? [];
  const value = (name: string): string | undefined => entries.find((entry) => entry.configName === name)?.configValue;
  return {
    settings: { partitions, retentionMs: Number(value(RETENTION_MS) ?? Number.NaN), cleanupPolicy: value(CLEANUP_POLICY) ?? '' },
    overrides: entries
      .filter((entry) => entry.configSource === ConfigSource.TOPIC_CONFIG && !entry.isSensitive && entry.configValue !== null)
      .map((entry) => ({ name: entry.configName, value: entry.configValue })),
  };
}

/**
 * kafkajs speaks the legacy AlterConfigs request, which replaces a topic's whole set of
 * overrides: the ones an operator set by hand are sent back with the managed ones so that
 * applying relearn's topics does not reset them.
 */
async function alterTopicConfig(admin: TopicAdmin, topic: string, observed: ObservedTopic, wanted: TopicSettings): Promise<void> {
  const managed: IResourceConfigEntry[] = [
    { name: RETENTION_MS, value: String(wanted.retentionMs) },
    { name: CLEANUP_POLICY, value: wanted.cleanupPolicy },
  ];
  const kept = observed.overrides.filter((entry) => entry.name !== RETENTION_MS && entry.name !== CLEANUP_POLICY);
  await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries: [...kept, ...managed] }] });
}

/**
 * A broker acknowledges CreatePartitions and AlterConfigs once the controller has recorded
 * them, but answers metadata and DescribeConfigs from its own cache, which replays the
 * record a moment later (KRaft forwarding). Waiting until the change shows makes the report
 * true and lets the caller use the topic as reported right away.
 */
async function waitUntilVisible(admin: TopicAdmin, wanted: TopicToApply, deadlineMs: number): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const { settings } = await observe(admin, wanted.name);
    const visible =
      settings.partitions >= wanted.partitions &&
      settings.retentionMs === wanted.retentionMs &&
      normalCleanupPolicy(settings.cleanupPolicy) === normalCleanupPolicy(wanted.cleanupPolicy);
    if (visible) return;
    if (Date.now() > deadline) {
      throw new RelearnError('UNAVAILABLE', `topic ${wanted.name}: the brokers still report ${JSON.stringify(settings)} ${deadlineMs} ms after the change`, { retriable: true });
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function resolveAdmin(source: TopicAdminSource): Promise<TopicAdmin> {
  return 'admin' in source && typeof source.admin === 'function' ? source.admin() : (source as TopicAdmin);
}

/**
 * `relearn topics apply`: creates missing topics (waiting for their leaders), raises
 * partition counts, aligns retention and cleanup policy, refuses to lower partitions, and
 * reports each topic's changes, `unchanged` included.
 */
export async function applyTopics(source: TopicAdminSource, topics: readonly TopicToApply[], options: ApplyTopicsOptions): Promise<TopicChange[]> {
  const admin = await resolveAdmin(source);
  const existing = new Set(await admin.listTopics());
  const report: TopicChange[] = [];
  for (const topic of topics) {
    report.push(...(await applyTopic(admin, topic, existing.has(topic.name), options)));
  }
  return report;
}

async function applyTopic(admin: TopicAdmin, wanted: TopicToApply, exists: boolean, options: ApplyTopicsOptions): Promise<TopicChange[]> {
  const observed = exists ? await observe(admin, wanted.name) : null;
  const changes = planTopicChanges(wanted, observed?.settings ?? null);
  for (const change of changes) {
    switch (change.action) {
      case 'created': {
        // kafkajs's own waitForLeaders fails on a broker that does not know the topic yet
        // ("does not host this topic-partition"): wait for the leaders here instead.
        const created = await admin.createTopics({
          waitForLeaders: false,
          topics: [
            {
              topic: wanted.name,
              numPartitions: wanted.partitions,
              replicationFactor: options.replicationFactor,
              configEntries: [
                { name: RETENTION_MS, value: String(wanted.retentionMs) },
                { name: CLEANUP_POLICY, value: wanted.cleanupPolicy },
              ],
            },
          ],
        });
        // Another process created it between our listing and our request: compare instead.
        if (!created) return applyTopic(admin, wanted, true, options);
        await waitForLeaders(admin, wanted, options.visibleWithinMs ?? 15_000);
        break;
      }
      case 'partitions-increased':
        await admin.createPartitions({ topicPartitions: [{ topic: wanted.name, count: wanted.partitions }] });
        break;
      case 'config-altered':
        if (observed === null) throw new RelearnError('NOT_FOUND', `topic ${wanted.name} vanished while being applied`);
        await alterTopicConfig(admin, wanted.name, observed, wanted);
        break;
      case 'refused':
      case 'unchanged':
        break;
    }
  }
  if (changes.some((change) => change.action === 'partitions-increased' || change.action === 'config-altered')) {
    await waitUntilVisible(admin, { ...wanted, partitions: Math.max(wanted.partitions, observed?.settings.partitions ?? 0) }, options.visibleWithinMs ?? 15_000);
  }
  return changes;
}

/** Until every partition of a new topic has a leader (the broker may not know the topic for a moment). */
async function waitForLeaders(admin: TopicAdmin, wanted: TopicToApply, deadlineMs: number): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    try {
      const metadata = await admin.fetchTopicMetadata({ topics: [wanted.name] });
      const partitions = metadata.topics.find((entry) => entry.name === wanted.name)?.partitions ?? [];
      if (partitions.length >= wanted.partitions && partitions.every((partition) => partition.leader >= 0)) return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    if (Date.now() > deadline) throw new RelearnError('UNAVAILABLE', `topic ${wanted.name} has no leader for every partition after ${deadlineMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
