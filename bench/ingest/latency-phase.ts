import { loadavg } from 'node:os';

import type { Producer } from 'kafkajs';

import type { BenchContext } from './bench-context.js';
import { endOffsets, totalOf } from './consumer-lag.js';
import { encodeRecords } from './encoded-records.js';
import { generateLatencyStream, latencySpanMs } from './latency-stream.js';
import { distribution, type Distribution } from './percentiles.js';
import { producePaced } from './produce-records.js';
import type { EffectiveSettings, RelearnCli } from './relearn-cli.js';
import { awaitCaughtUp, startRelearn, stopRelearn, type RelearnRun } from './relearn-phase.js';
import { TrainingRequestWatch } from './training-request-watch.js';

/** Batches per second of the paced producer: the produce time of a record is known to 1/20 s. */
const BATCHES_PER_SECOND = 20;
const JOIN_TIMEOUT_MS = 60_000;

export interface LatencyResult {
  users: number;
  /** The categorizer's first-model threshold read from the process's settings. */
  threshold: number;
  spanMs: number;
  records: number;
  targetRate: number;
  producedRate: number;
  /** From each user's crossing transaction's send to the bench receiving its first categorizer TrainingRequested. */
  latencyMs: Distribution | null;
  /** From the same send to the decision's requestedAt (relearn's clock, same machine). */
  toDecisionMs: Distribution | null;
  matched: number;
  unmatched: string[];
  /** Requests seen before their user's crossing was even sent (a threshold or counting error). */
  early: string[];
  reasons: Record<string, number>;
  /** From the stream's last send until the ingest group's lag was 0 again. */
  drainAfterStreamMs: number;
  load1: { start: number; end: number };
  problems: string[];
}

/**
 * Trigger latency: `relearn start --roles ingest` on the database and group of the ingest
 * phase (so it starts caught up, with the backlog in its store), then a stream at `rate`
 * records/s in which `users` new users each cross the categorizer's first-model threshold.
 */
export async function measureTriggerLatency(
  context: BenchContext,
  cli: RelearnCli,
  run: RelearnRun,
  settings: EffectiveSettings,
  producer: Producer,
  schemaIds: { transactions: number; labels: number },
  rate: number,
): Promise<LatencyResult> {
  const threshold = settings.core.policies.categorizer.minInitialRows;
  const spanMs = latencySpanMs(settings.core.policies.forecaster.minInitialSpanMs);
  const stream = generateLatencyStream({ users: context.options.latencyUsers, threshold, labelShare: context.options.labelShare, seed: context.options.seed, spanMs, end: Date.now() });
  const topics = { transactions: settings.core.topics.transactions, labels: settings.core.topics.labels };
  if (topics.transactions === undefined || topics.labels === undefined) throw new Error('relearn config --json names no transactions or labels topic');
  const encoded = await encodeRecords(stream.records, { transactions: topics.transactions, labels: topics.labels }, schemaIds, context.schemas);
  const requestsTopic = settings.core.topics['training-requests'];
  if (requestsTopic === undefined) throw new Error('relearn config --json names no training-requests topic');
  const dlqBefore = totalOf(await endOffsets(context.admin, [run.dlqTopic]));

  const { child, readyAt } = await startRelearn(context, cli, run);
  const watch = new TrainingRequestWatch(new Set([...stream.crossings.keys()].map((userId) => `user:${userId}`)), 'categorizer', context.schemas);
  try {
    await awaitCaughtUp(context, child, run.ingestGroup, readyAt + context.options.phaseTimeoutMs);
    await watch.start(context.kafka, `bench-${context.runId}-latency-watch`, requestsTopic, JOIN_TIMEOUT_MS);
    const load1Start = loadavg()[0] ?? 0;
    context.log(`latency: ${encoded.length} records, ${stream.crossings.size} users crossing at ${threshold} labeled, at ${rate.toFixed(0)} records/s`);
    const produced = await producePaced(producer, encoded, rate, BATCHES_PER_SECOND);
    const streamEnd = performance.now();
    await watch.allSeen(context.options.latencyTimeoutMs);
    const caughtUpAt = await awaitCaughtUp(context, child, run.ingestGroup, performance.now() + context.options.latencyTimeoutMs);
    const load1End = loadavg()[0] ?? 0;
    const dlq = Number(totalOf(await endOffsets(context.admin, [run.dlqTopic])) - dlqBefore);

    const latencies: number[] = [];
    const toDecision: number[] = [];
    const unmatched: string[] = [];
    const early: string[] = [];
    const reasons: Record<string, number> = {};
    for (const [userId, index] of stream.crossings) {
      const sentAt = produced.sentAt[index];
      const seen = watch.seen.get(`user:${userId}`);
      if (sentAt === undefined) throw new Error(`the crossing of ${userId} was never sent`);
      if (seen === undefined) {
        unmatched.push(userId);
        continue;
      }
      reasons[seen.reason] = (reasons[seen.reason] ?? 0) + 1;
      if (seen.seenAt < sentAt) early.push(userId);
      latencies.push(seen.seenAt - sentAt);
      toDecision.push(seen.requestedAt - sentAt);
    }
    const problems: string[] = [];
    if (unmatched.length > 0) problems.push(`${unmatched.length} of ${stream.crossings.size} crossings got no categorizer TrainingRequested within ${context.options.latencyTimeoutMs} ms of the stream's end`);
    if (early.length > 0) problems.push(`${early.length} TrainingRequested arrived before their user's crossing transaction was sent`);
    if (dlq !== 0) problems.push(`relearn dead-lettered ${dlq} records of the latency stream`);
    await watch.stop();
    await stopRelearn(child, 'latency');
    return {
      users: stream.crossings.size,
      threshold,
      spanMs,
      records: encoded.length,
      targetRate: rate,
      producedRate: (encoded.length / produced.elapsedMs) * 1000,
      latencyMs: distribution(latencies),
      toDecisionMs: distribution(toDecision),
      matched: latencies.length,
      unmatched,
      early,
      reasons,
      drainAfterStreamMs: caughtUpAt - streamEnd,
      load1: { start: load1Start, end: load1End },
      problems,
    };
  } catch (error) {
    await watch.stop().catch(() => undefined);
    child.kill();
    await child.exited;
    throw error;
  }
}
