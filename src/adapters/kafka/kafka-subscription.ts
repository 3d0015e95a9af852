import type { Consumer, EachBatchPayload } from 'kafkajs';

import { describeError } from '../../domain/errors.js';
import type { BatchHandler, EventSubscription } from '../../ports/event-bus.js';
import { handlerRetryDelay, type HandlerRetryOptions } from './handler-retry-delay.js';
import { incomingBatch } from './incoming-batch.js';
import type { KafkaBusEvent } from './kafka-bus-events.js';
import type { KafkaLogLevel } from './kafka-log-creator.js';

export interface KafkaSubscriptionDependencies {
  handlerRetry: HandlerRetryOptions;
  /** How often to heartbeat while a handler runs, so a slow batch does not cost the group its member. */
  heartbeatIntervalMs: number;
  partitionsConsumedConcurrently: number;
  /** Records handled and committed at a time: a large fetch commits as it goes, not only at its end. */
  maxRecordsPerCommit: number;
  emit: (event: KafkaBusEvent) => void;
  log: (level: KafkaLogLevel, message: string, fields?: Record<string, unknown>) => void;
}

/**
 * One consumer-group member. A batch's offsets are committed only after its handler
 * resolved. A rejected batch commits and resolves nothing: kafkajs fetches each partition
 * from its last resolved offset, so the partition is paused for a back-off and, once
 * resumed, delivers the same batch again, while the other partitions keep flowing.
 */
export class KafkaSubscription implements EventSubscription {
  private readonly failuresInARow = new Map<string, number>();
  private readonly resumeTimers = new Set<NodeJS.Timeout>();
  private stopping: Promise<void> | undefined;
  private consumer: Consumer;
  private topics: readonly string[] = [];
  private fromBeginning = false;
  private rebuildTimer: NodeJS.Timeout | undefined;
  /** Consecutive rebuilds that failed: the wait before the next one grows with it. */
  private rebuilds = 0;

  constructor(
    private readonly makeConsumer: () => Consumer,
    private readonly groupId: string,
    private readonly handler: BatchHandler,
    private readonly deps: KafkaSubscriptionDependencies,
  ) {
    this.consumer = makeConsumer();
    this.listen(this.consumer);
  }

  /** True while a consumer is running (not crashed for good, not stopped): liveness reads it. */
  running = false;

  private listen(consumer: Consumer): void {
    const { deps, groupId } = this;
    const { events } = consumer;
    consumer.on(events.GROUP_JOIN, ({ payload }) => {
      const assignment: Record<string, number[]> = {};
      for (const [topic, partitions] of Object.entries(payload.memberAssignment)) assignment[topic] = [...partitions].sort((a, b) => a - b);
      deps.emit({ type: 'group-joined', groupId, memberId: payload.memberId, isLeader: payload.isLeader, assignment });
    });
    consumer.on(events.REBALANCING, ({ payload }) => deps.emit({ type: 'rebalancing', groupId, memberId: payload.memberId }));
    consumer.on(events.CRASH, ({ payload }) => {
      deps.emit({ type: 'crashed', groupId, error: payload.error, restart: payload.restart });
      deps.log('error', 'consumer crashed', { groupId, restart: payload.restart, ...describeError(payload.error) });
      // kafkajs restarts a consumer after a retriable crash only; after any other (a lost
      // coordinator after a broker restart) it stays down: build a new one and rejoin.
      if (!payload.restart && consumer === this.consumer) this.scheduleRebuild();
    });
  }

  private scheduleRebuild(): void {
    if (this.stopping !== undefined || this.rebuildTimer !== undefined) return;
    this.running = false;
    const delay = Math.min(30_000, 1_000 * 2 ** this.rebuilds);
    this.rebuildTimer = setTimeout(() => {
      this.rebuildTimer = undefined;
      void this.rebuild();
    }, delay);
  }

  private async rebuild(): Promise<void> {
    if (this.stopping !== undefined) return;
    const old = this.consumer;
    await old.disconnect().catch(() => undefined);
    this.consumer = this.makeConsumer();
    this.listen(this.consumer);
    try {
      await this.start(this.topics, this.fromBeginning);
      this.rebuilds = 0;
      this.deps.log('warn', 'consumer rebuilt after a crash kafkajs does not recover from', { groupId: this.groupId });
    } catch (error) {
      this.rebuilds += 1;
      this.deps.log('error', 'rebuilding the consumer failed; trying again', { groupId: this.groupId, attempt: this.rebuilds, ...describeError(error) });
      this.scheduleRebuild();
    }
  }

  async start(topics: readonly string[], fromBeginning: boolean): Promise<void> {
    this.topics = topics;
    this.fromBeginning = fromBeginning;
    await this.consumer.connect();
    try {
      await this.consumer.subscribe({ topics: [...topics], fromBeginning });
      this.running = true;
      await this.consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: this.deps.partitionsConsumedConcurrently,
        eachBatch: (payload) => this.onBatch(payload),
      });
    } catch (error) {
      await this.consumer.disconnect().catch(() => undefined);
      throw error;
    }
  }

  private async onBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    if (batch.isEmpty() || !payload.isRunning() || payload.isStale()) return;
    const { topic, partition } = batch;
    const incoming = incomingBatch(batch);
    const partitionKey = `${topic}|${partition}`;
    // Errors are ignored here: a rebalance that a heartbeat reports also fails the commit
    // below, and kafkajs rejoins when that error reaches it.
    const keepAlive = setInterval(() => void payload.heartbeat().catch(() => undefined), this.deps.heartbeatIntervalMs);
    try {
      for (let start = 0; start < incoming.records.length; start += this.deps.maxRecordsPerCommit) {
        if (!payload.isRunning() || payload.isStale()) return;
        const records = incoming.records.slice(start, start + this.deps.maxRecordsPerCommit);
        try {
          await this.handler({ ...incoming, records });
        } catch (error) {
          this.backOff(partitionKey, topic, partition, records[0]?.offset ?? batch.firstOffset() ?? '', error, () => payload.pause());
          return;
        }
        this.failuresInARow.delete(partitionKey);
        const last = records[records.length - 1];
        if (last === undefined) continue;
        const isLastChunk = start + this.deps.maxRecordsPerCommit >= incoming.records.length;
        // The last chunk resolves the batch's last offset, so trailing control records (transaction markers) are passed over too.
        const resolved = isLastChunk ? batch.lastOffset() : last.offset;
        payload.resolveOffset(resolved);
        const next = (BigInt(resolved) + 1n).toString();
        await payload.commitOffsetsIfNecessary({ topics: [{ topic, partitions: [{ partition, offset: next }] }] });
        this.deps.emit({ type: 'committed', groupId: this.groupId, topic, partition, offset: next, records: records.length });
      }
    } finally {
      clearInterval(keepAlive);
    }
  }

  private backOff(partitionKey: string, topic: string, partition: number, firstOffset: string, error: unknown, pause: () => () => void): void {
    const attempt = (this.failuresInARow.get(partitionKey) ?? 0) + 1;
    this.failuresInARow.set(partitionKey, attempt);
    const retryInMs = handlerRetryDelay(attempt, this.deps.handlerRetry);
    const resume = pause();
    const timer = setTimeout(() => {
      this.resumeTimers.delete(timer);
      resume();
    }, retryInMs);
    this.resumeTimers.add(timer);
    this.deps.emit({ type: 'handler-failed', groupId: this.groupId, topic, partition, firstOffset, attempt, retryInMs, error });
    this.deps.log('error', 'batch handler failed; the partition will be retried from its first uncommitted offset', {
      groupId: this.groupId,
      topic,
      partition,
      firstOffset,
      attempt,
      retryInMs,
      ...describeError(error),
    });
  }

  /** Stops fetching, lets the batch in hand finish and commit, leaves the group, disconnects. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      for (const timer of this.resumeTimers) clearTimeout(timer);
      this.resumeTimers.clear();
      if (this.rebuildTimer !== undefined) clearTimeout(this.rebuildTimer);
      this.running = false;
      try {
        await this.consumer.stop();
      } finally {
        await this.consumer.disconnect();
        this.deps.emit({ type: 'stopped', groupId: this.groupId });
      }
    })();
    return this.stopping;
  }
}
