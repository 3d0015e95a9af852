import type { BenchContext } from './bench-context.js';
import type { CpuMark } from './cpu-meter.js';
import { drainGroup } from './drain-group.js';
import { phaseResult, type PhaseResult } from './phase-result.js';

/** (b) Consume alone: the same group consumption as the ceiling (eachBatch, one commit per batch), no work. */
export async function measureRawConsume(context: BenchContext): Promise<PhaseResult> {
  let start: CpuMark | undefined;
  let end: CpuMark | undefined;
  const drained = await drainGroup(context.kafka, {
    groupId: `bench-${context.runId}-raw-consume`,
    topics: context.inputTopics,
    ends: context.ends,
    concurrency: context.options.ceilingConcurrency,
    timeoutMs: context.options.phaseTimeoutMs,
    work: () => Promise.resolve(),
    onRunning: () => {
      start = context.meter.mark(process.pid);
    },
    onFinished: () => {
      end = context.meter.mark(process.pid);
    },
  });
  if (start === undefined || end === undefined) throw new Error('raw consume: the consumer never ran');
  if (drained.records !== context.backlogRecords) throw new Error(`raw consume: consumed ${drained.records} records, the backlog holds ${context.backlogRecords}`);
  return phaseResult('raw-consume', 'raw consume: eachBatch, commit per batch, no work', 'bench', drained.records, start, end, { batches: drained.batches });
}
