// One round of the fleet benchmark: every task submitted to relearn's trainer worker pool
// at once (a burst of due decisions), timed from the first submission to the last outcome.
import type { ModelKind } from '../../src/domain/model-kind.js';
import type { TrainingOutcome, TrainingTask } from '../../src/training/training-task.js';
import type { TrainingWorkerPool } from '../../src/training/worker-pool.js';
import { mean, percentile, sum } from './summary-stats.js';

export interface KindFigures {
  trainings: number;
  /** The trainer's own trainMs, measured inside the worker around the whole task. */
  meanTrainMs: number;
  p95TrainMs: number;
  maxTrainMs: number;
  sumTrainMs: number;
  modes: Record<string, number>;
  /** How many challengers the promotion gate would promote (all, in a round without champions). */
  promotable: number;
  meanArtifactBytes: number;
}

export interface RoundFigures {
  name: string;
  wallMs: number;
  /** User + system CPU of the whole process (main thread and the worker threads). */
  cpuMs: number;
  trainingsPerSecond: number;
  /** RSS high-water mark sampled every 50 ms during the round. */
  peakRssBytes: number;
  /** Mean time from submission to outcome: mostly queueing, since the whole burst is submitted at once. */
  meanLatencyMs: number;
  byKind: Partial<Record<ModelKind, KindFigures>>;
  /** Share of worker time spent outside the trainer (transfer, structured clone, idle): 1 − Σ trainMs ÷ (wall × workers). */
  outsideTrainerShare: number;
  failures: string[];
}

export interface RoundResult {
  figures: RoundFigures;
  outcomes: (TrainingOutcome | null)[];
}

export async function runFleetRound(
  name: string,
  pool: TrainingWorkerPool,
  workers: number,
  tasks: readonly TrainingTask[],
  promotable: (task: TrainingTask, outcome: TrainingOutcome) => boolean,
): Promise<RoundResult> {
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 50);
  const failures: string[] = [];
  const latencies: number[] = [];
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const outcomes = await Promise.all(
    tasks.map(async (task, index) => {
      const submitted = performance.now();
      try {
        const outcome = await pool.run(task);
        latencies.push(performance.now() - submitted);
        return outcome;
      } catch (error) {
        failures.push(`task ${index} (${task.kind}): ${error instanceof Error ? error.message : String(error)}`);
        return null;
      }
    }),
  );
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);

  const byKind: Partial<Record<ModelKind, KindFigures>> = {};
  for (const kind of ['categorizer', 'forecaster', 'anomaly'] as const) {
    const pairs = tasks.flatMap((task, index) => {
      const outcome = outcomes[index];
      return task.kind === kind && outcome !== null && outcome !== undefined ? [{ task, outcome }] : [];
    });
    if (pairs.length === 0) continue;
    const times = pairs.map(({ outcome }) => outcome.trainMs);
    const modes: Record<string, number> = {};
    for (const { outcome } of pairs) modes[outcome.mode] = (modes[outcome.mode] ?? 0) + 1;
    byKind[kind] = {
      trainings: pairs.length,
      meanTrainMs: mean(times),
      p95TrainMs: percentile(times, 95),
      maxTrainMs: Math.max(...times),
      sumTrainMs: sum(times),
      modes,
      promotable: pairs.filter(({ task, outcome }) => promotable(task, outcome)).length,
      meanArtifactBytes: mean(pairs.map(({ outcome }) => outcome.artifact.byteLength)),
    };
  }
  const trainedMs = sum(Object.values(byKind).map((figures) => figures.sumTrainMs));
  const succeeded = outcomes.filter((outcome) => outcome !== null).length;
  return {
    figures: {
      name,
      wallMs,
      cpuMs: (cpu.user + cpu.system) / 1000,
      trainingsPerSecond: succeeded / (wallMs / 1000),
      peakRssBytes: peakRss,
      meanLatencyMs: mean(latencies),
      byKind,
      outsideTrainerShare: 1 - trainedMs / (wallMs * workers),
      failures,
    },
    outcomes,
  };
}
