import type { Batch } from 'kafkajs';

import type { BenchContext } from './bench-context.js';
import type { CpuMark } from './cpu-meter.js';
import { drainGroup } from './drain-group.js';
import { eventRow, insertIgnoringDuplicates, type EventRow } from './insert-rows.js';
import { phaseResult, type PhaseResult } from './phase-result.js';
import { verifyStore } from './verify-store.js';

/**
 * (a) The ceiling: a minimal durable pipeline. One kafkajs group member with eachBatch;
 * each value decoded through the registry (the avsc type cached per schema id); one
 * unordered insertMany of the batch's rows, keyed by eventId, duplicates ignored; then the
 * batch's offsets committed. Effects are in MongoDB before the commit, as relearn's are.
 */
export async function measureCeiling(context: BenchContext): Promise<PhaseResult> {
  const db = context.mongo.db(`bench_${context.runId}_ceiling`);
  const work = async (batch: Batch): Promise<void> => {
    const name = context.collectionByTopic.get(batch.topic);
    if (name === undefined) throw new Error(`no collection for topic ${batch.topic}`);
    const rows: EventRow[] = [];
    for (const message of batch.messages) {
      if (message.value === null) throw new Error(`${batch.topic}/${batch.partition}@${message.offset} has no value`);
      rows.push(eventRow(await context.schemas.decode(message.value)));
    }
    await insertIgnoringDuplicates(db.collection<EventRow>(name), rows);
  };
  let start: CpuMark | undefined;
  let end: CpuMark | undefined;
  const drained = await drainGroup(context.kafka, {
    groupId: `bench-${context.runId}-ceiling`,
    topics: context.inputTopics,
    ends: context.ends,
    concurrency: context.options.ceilingConcurrency,
    timeoutMs: context.options.phaseTimeoutMs,
    work,
    onRunning: () => {
      start = context.meter.mark(process.pid);
    },
    onFinished: () => {
      end = context.meter.mark(process.pid);
    },
  });
  if (start === undefined || end === undefined) throw new Error('ceiling: the consumer never ran');
  if (drained.records !== context.backlogRecords) throw new Error(`ceiling: consumed ${drained.records} records, the backlog holds ${context.backlogRecords}`);
  const stored = await verifyStore(db, context.expectedByCollection);
  await db.dropDatabase();
  return phaseResult('ceiling', 'ceiling: eachBatch, registry decode, unordered insertMany, commit per batch', 'bench', drained.records, start, end, {
    batches: drained.batches,
    partitionsConsumedConcurrently: context.options.ceilingConcurrency,
    stored,
  });
}
